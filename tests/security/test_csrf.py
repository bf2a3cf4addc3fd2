"""CSRF on every request that changes something, htmx's included.

A forged request (from another site, riding on the victim's cookies) has the session and
the CSRF cookie but not the token: it must be refused with 403 and change nothing. A request
from our own pages carries the token, as htmx does through ``hx-headers`` on <body>.
"""

import json

import pytest
from django.test import Client
from lxml import html

from .conftest import CSRF_SECRET, snapshot, with_csrf_cookie
from .test_permission_matrix import MATRIX, _expected

pytestmark = pytest.mark.django_db

# Every URL that accepts a POST from someone (405 and 404 mean nobody may post there).
POST_ROUTES = [route for route, e in MATRIX.items() if e.post.ok not in (404, 405)]
HTMX = {"HTTP_HX_REQUEST": "true"}


def _persona_for(route):
    return "admin_user" if MATRIX[route].post.gate == "staff" else "alice"


def _client(request, persona) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(request.getfixturevalue(persona))
    return client


def test_the_post_routes_are_the_ones_expected():
    # If this changes, a new write exists: check it is below (it is, by construction).
    assert len(POST_ROUTES) >= 14
    assert "quotes/<int:pk>/confirm/" in POST_ROUTES


FORGERIES = {
    "no token": {},
    "wrong token": {"HTTP_X_CSRFTOKEN": "x" * 32},
    "no token, htmx": HTMX,
    "wrong token, htmx": {**HTMX, "HTTP_X_CSRFTOKEN": "y" * 32},
}


@pytest.mark.parametrize("forgery", FORGERIES)
@pytest.mark.parametrize("route", POST_ROUTES)
def test_a_post_without_a_valid_token_is_refused_and_changes_nothing(
    request, scene, route, forgery
):
    endpoint = MATRIX[route]
    client = _client(request, _persona_for(route))
    with_csrf_cookie(client)  # the victim's browser has the cookie; the forger lacks the token
    before = snapshot()
    response = client.post(endpoint.path(scene), endpoint.data(scene), **FORGERIES[forgery])
    assert response.status_code == 403
    assert b"CSRF" in response.content
    assert snapshot() == before


def test_a_post_without_any_csrf_cookie_is_refused(request, scene):
    client = _client(request, "alice")
    quote = scene.quote
    response = client.post(
        f"/quotes/{quote.pk}/confirm/",
        {"version": quote.version},
        HTTP_X_CSRFTOKEN=CSRF_SECRET,
        **HTMX,
    )
    assert response.status_code == 403
    quote.refresh_from_db()
    assert quote.status == "candidate"


@pytest.mark.parametrize("route", POST_ROUTES)
def test_a_post_with_the_token_in_the_header_is_accepted(request, scene, route):
    endpoint = MATRIX[route]
    persona = _persona_for(route)
    client = _client(request, persona)
    response = client.post(endpoint.path(scene), endpoint.data(scene), **with_csrf_cookie(client))
    assert response.status_code == _expected(endpoint.post, persona)


def test_a_plain_form_post_with_the_token_field_is_accepted(request, scene):
    client = _client(request, "alice")
    with_csrf_cookie(client)
    quote = scene.quote
    response = client.post(
        f"/quotes/{quote.pk}/confirm/",
        {"version": quote.version, "csrfmiddlewaretoken": CSRF_SECRET},
    )
    assert response.status_code == 303
    quote.refresh_from_db()
    assert quote.status == "confirmed"


def test_the_log_in_form_without_a_token_is_refused(client, alice):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "alice", "password": "correct horse"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_forged_log_out_leaves_the_user_logged_in(request, scene):
    client = _client(request, "alice")
    with_csrf_cookie(client)
    assert client.post("/accounts/logout/").status_code == 403
    assert client.get("/").status_code == 200


# htmx: the token on <body> ------------------------------------------------------------


def _body_headers(client, path) -> dict:
    tree = html.fromstring(client.get(path).content)
    return json.loads(tree.find("body").get("hx-headers"))


def test_every_page_puts_the_csrf_token_in_hx_headers_on_body(request, scene):
    client = _client(request, "alice")
    for path in ("/", "/review/", f"/articles/{scene.article.pk}/", "/quotes/", "/articles/add/"):
        headers = _body_headers(client, path)
        assert set(headers) == {"X-CSRFToken"}, path
        assert len(headers["X-CSRFToken"]) == 64, path  # a masked token


def test_an_htmx_post_with_the_token_from_the_page_is_accepted(request, scene):
    """End to end: the token htmx would send, read from the page itself."""
    client = _client(request, "alice")
    quote = scene.quote
    token = _body_headers(client, f"/articles/{scene.article.pk}/")["X-CSRFToken"]
    response = client.post(
        f"/quotes/{quote.pk}/confirm/",
        {"version": quote.version},
        HTTP_X_CSRFTOKEN=token,
        **HTMX,
    )
    assert response.status_code == 200
    quote.refresh_from_db()
    assert quote.status == "confirmed"


def test_the_log_in_page_gives_an_anonymous_visitor_a_token_too():
    client = Client(enforce_csrf_checks=True)
    tree = html.fromstring(client.get("/accounts/login/").content)
    field = tree.xpath("//form//input[@name='csrfmiddlewaretoken']")
    assert len(field) == 1
    assert json.loads(tree.find("body").get("hx-headers"))["X-CSRFToken"]


def test_a_refused_post_says_what_happened_and_what_to_do(request, scene):
    client = _client(request, "alice")
    with_csrf_cookie(client)
    response = client.post(f"/articles/{scene.article.pk}/claim/")
    assert response.status_code == 403
    text = " ".join(html.fromstring(response.content).text_content().split())
    assert "security token (CSRF), so it was refused and nothing was changed" in text
    assert "reload it and try again" in text
