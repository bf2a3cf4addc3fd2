"""Several stateless web processes on one database, as docs/production.md sets them up.

Two gunicorn servers with the same environment stand for two web machines behind a load
balancer: whichever one a request reaches, the session, the CSRF token and the log-in
rate limit are the same, because all of them live in PostgreSQL.
"""

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection

from annotations.models import Quote
from tests.factories import make_article, make_quote

from .production_server import Browser, gunicorn, local_web_env

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long test password"


@pytest.fixture
def two_web_machines(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the production set-up is PostgreSQL")
    env = local_web_env(tmp_path, AXES_FAILURE_LIMIT="3")
    with gunicorn(env, workers=1) as (first, _), gunicorn(env, workers=1) as (second, _):
        yield first, second


@pytest.fixture
def editor(transactional_db):
    user = User.objects.create_user("ed-multi", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name="editor")[0])
    return user


def test_a_session_opened_on_one_web_process_works_on_another(two_web_machines, editor):
    first, second = two_web_machines
    browser = Browser(first)
    browser.log_in("ed-multi", PASSWORD)

    browser.base = second  # the load balancer sends the next request elsewhere
    status, _headers, page = browser.request("/review/")

    assert status == 200 and "ed-multi" in page


def test_a_decision_posted_to_another_web_process_is_saved_once(two_web_machines, editor):
    first, second = two_web_machines
    quote = make_quote(make_article(), '"We will rebuild the bridge by spring,"')
    browser = Browser(first)
    browser.log_in("ed-multi", PASSWORD)

    browser.base = second
    status, _headers, _page = browser.request(
        f"/quotes/{quote.pk}/confirm/",
        {"version": 1},
        headers={"HX-Request": "true", "X-CSRFToken": browser.cookie("csrftoken")},
    )

    assert status == 200
    quote.refresh_from_db()
    assert (quote.status, quote.version, quote.updated_by) == (Quote.Status.CONFIRMED, 2, editor)


def test_failed_log_ins_count_across_web_processes(two_web_machines, editor):
    first, second = two_web_machines
    attacker = Browser(first)
    for base in (first, second, first):  # three failures, spread over both
        attacker.base = base
        token = attacker.log_in_form()
        attacker.request(
            "/accounts/login/",
            {"username": "ed-multi", "password": "guess", "csrfmiddlewaretoken": token},
        )

    attacker.base = second
    token = attacker.log_in_form()
    status, _headers, _page = attacker.request(
        "/accounts/login/",
        {"username": "ed-multi", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )

    assert status == 429
