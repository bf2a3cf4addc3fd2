"""Faults: the database lost mid-request, read-only or full, two editors at once.

The "restart" of PostgreSQL is simulated by terminating the backends of this test
database only (pg_terminate_backend), as a restart does to every connection: the server
is shared with other test runs and is never restarted here.
"""

import json
import shutil
import subprocess
import threading
import time

import psycopg
import pytest
from django.contrib.auth.models import User
from django.db import OperationalError, close_old_connections, connection
from django.test import RequestFactory

from annotations import services
from annotations.middleware import DatabaseUnavailableMiddleware
from annotations.models import Article, Quote
from tests.factories import make_article, make_quote

from .production_server import (
    Browser,
    database_url,
    gunicorn,
    local_web_env,
    manage,
    production_env,
)

ONE_ARTICLE = {"text": "A short article for the fault tests.", "url": "https://news.example/f"}


def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("this fault is driven through PostgreSQL")


def backends_waiting_on_a_lock(admin, database):
    return [
        pid
        for (pid,) in admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            [database],
        )
    ]


def cut_the_connections_waiting_on_a_lock(admin, database, *, what):
    """Wait until ``what`` (a request in flight) waits on a lock, then cut its connection."""
    deadline = time.monotonic() + 15
    while not (waiting := backends_waiting_on_a_lock(admin, database)):
        assert time.monotonic() < deadline, f"{what} never reached the database"
        time.sleep(0.05)
    for pid in waiting:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.django_db
def test_a_request_whose_database_connection_dies_gets_a_clear_503_and_the_next_one_works(
    tmp_path,
):
    """PostgreSQL drops the connection of a request in flight (as a restart does)."""
    postgres_only()
    env = local_web_env(tmp_path, CONN_MAX_AGE="60")
    database = connection.settings_dict["NAME"]
    with (
        gunicorn(env, workers=1) as (base, log),
        psycopg.connect(database_url(), autocommit=True) as admin,
        psycopg.connect(database_url()) as locker,
    ):
        browser = Browser(base)
        token = browser.log_in_form()
        attempt = {"username": "nobody", "password": "wrong", "csrfmiddlewaretoken": token}
        # Hold the request inside the database: it waits for a lock on the accounts table...
        locker.execute("LOCK TABLE auth_user IN ACCESS EXCLUSIVE MODE")
        answers = []
        request = threading.Thread(
            target=lambda: answers.append(browser.request("/accounts/login/", attempt))
        )
        request.start()
        # ...and its connection is cut, as a restart cuts every connection.
        cut_the_connections_waiting_on_a_lock(admin, database, what="the request")
        request.join(timeout=30)
        locker.rollback()

        status, headers, page = answers[0]
        assert status == 503
        assert "nothing was saved" in page and headers["Retry-After"] == "5"
        # The next request gets a fresh connection and works.
        retry = browser.request("/accounts/login/", attempt)
        assert retry[0] == 200 and "didn't match" in retry[2]
        assert "Traceback" not in log.read_text()


@pytest.mark.django_db
def test_a_write_to_a_read_only_database_gets_a_clear_503(tmp_path):
    """A standby or a database in maintenance: reading works, writing is refused."""
    postgres_only()
    env = local_web_env(tmp_path, PGOPTIONS="-c default_transaction_read_only=on")
    with gunicorn(env, workers=1) as (base, log):
        browser = Browser(base)
        token = browser.log_in_form()
        # A failed log-in is recorded (django-axes): a write.
        status, headers, page = browser.request(
            "/accounts/login/",
            {"username": "nobody", "password": "wrong", "csrfmiddlewaretoken": token},
        )

    assert status == 503
    assert "read-only" in page and "nothing was saved" in page
    assert "Traceback" not in log.read_text()


def test_an_htmx_request_that_loses_the_database_gets_a_fragment():
    request = RequestFactory().post("/quotes/1/confirm", HTTP_HX_REQUEST="true")
    request.htmx = True
    middleware = DatabaseUnavailableMiddleware(lambda r: None)

    response = middleware.process_exception(request, OperationalError("server closed"))

    assert response.status_code == 503
    assert response.content.decode().startswith('<p class="message error" role="alert">')


def test_other_exceptions_are_left_to_django():
    request = RequestFactory().get("/")
    middleware = DatabaseUnavailableMiddleware(lambda r: None)

    assert middleware.process_exception(request, ValueError("a bug")) is None


@pytest.mark.django_db
def test_importing_into_a_read_only_database_fails_with_a_clear_error(tmp_path):
    postgres_only()
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(ONE_ARTICLE) + "\n")
    # Every transaction of the command's session is read-only, as on a hot standby.
    env = production_env(
        DEBUG="true", DATABASE_URL=database_url(), PGOPTIONS="-c default_transaction_read_only=on"
    )

    result = manage("import_articles", str(path), "--no-extract", env=env, check=False)

    assert result.returncode == 1
    assert "read-only" in result.stderr and "nothing from this file was stored" in result.stderr
    assert "Traceback" not in result.stderr
    assert not Article.objects.filter(url=ONE_ARTICLE["url"]).exists()


@pytest.fixture
def tiny_disk(tmp_path):
    """A 1 MB file system (tmpfs), skipped where mounting is not allowed."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.decode().strip()}")
    yield mount_point
    subprocess.run(["umount", str(mount_point)], check=False)


def test_importing_onto_a_full_disk_fails_with_a_clear_error(tmp_path, tiny_disk):
    # SQLite, whose file is on a disk that is nearly full: the embedded set-up.
    migrated = tmp_path / "migrated.sqlite3"
    manage(
        "migrate",
        "--verbosity",
        "0",
        env=production_env(DEBUG="true", DATABASE_URL=f"sqlite:///{migrated}"),
    )
    database = tiny_disk / "newsquotes.sqlite3"
    shutil.copy(migrated, database)
    env = production_env(DEBUG="true", DATABASE_URL=f"sqlite:///{database}")
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps({"text": "A long article. " * 80_000}) + "\n")  # 1.3 MB

    result = manage("import_articles", str(path), "--no-extract", env=env, check=False)

    assert result.returncode == 1
    assert "full" in result.stderr and "nothing from this file was stored" in result.stderr
    assert "Traceback" not in result.stderr
    count = manage(
        "shell",
        "-c",
        "from annotations.models import Article; print(Article.objects.count())",
        env=env,
    )
    assert count.stdout.strip().splitlines()[-1] == "0"


@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_the_same_quote_at_once_one_wins_and_one_is_told():
    postgres_only()
    alice = User.objects.create_user("alice-race")
    bob = User.objects.create_user("bob-race")
    article = make_article()
    quote = make_quote(article, '"We will rebuild the bridge by spring,"')
    start = threading.Barrier(2)
    outcomes = {}

    def save(editor, action):
        try:
            mine = Quote.objects.get(pk=quote.pk)
            start.wait()
            action(quote=mine, editor=editor, version=1)
            outcomes[editor.username] = "saved"
        except services.QuoteConflict as conflict:
            outcomes[editor.username] = f"conflict: {conflict}"
        finally:
            close_old_connections()
            connection.close()

    editors = [
        threading.Thread(target=save, args=(alice, services.quote_confirm)),
        threading.Thread(target=save, args=(bob, services.quote_reject)),
    ]
    for thread in editors:
        thread.start()
    for thread in editors:
        thread.join(timeout=30)

    assert sorted(o.split(":")[0] for o in outcomes.values()) == ["conflict", "saved"]
    winner = next(name for name, o in outcomes.items() if o == "saved")
    quote.refresh_from_db()
    assert quote.version == 2
    assert quote.updated_by.username == winner
    assert quote.status == ("confirmed" if winner == "alice-race" else "rejected")
    changes = quote.history.filter(history_type="~")
    assert [h.history_user.username for h in changes] == [winner]


@pytest.mark.django_db(transaction=True)
def test_an_editors_save_cut_off_by_a_restart_changes_nothing_and_can_be_sent_again(tmp_path):
    """The connection of a confirm in flight is cut: no half-saved decision, then it works."""
    postgres_only()
    from django.contrib.auth.models import Group

    editor = User.objects.create_user("ed-restart", password="a long test password")
    editor.groups.add(Group.objects.get_or_create(name="editor")[0])
    quote = make_quote(make_article(), '"We will rebuild the bridge by spring,"')
    env = local_web_env(tmp_path, CONN_MAX_AGE="60")
    database = connection.settings_dict["NAME"]
    with (
        gunicorn(env, workers=1) as (base, log),
        psycopg.connect(database_url(), autocommit=True) as admin,
        psycopg.connect(database_url()) as locker,
    ):
        browser = Browser(base)
        browser.log_in("ed-restart", "a long test password")

        def confirm():
            return browser.request(
                f"/quotes/{quote.pk}/confirm/",
                {"version": 1},
                headers={"HX-Request": "true", "X-CSRFToken": browser.cookie("csrftoken")},
            )

        # Another transaction holds the quote's row, so the confirm waits inside its own.
        locker.execute("SELECT 1 FROM annotations_quote WHERE id = %s FOR UPDATE", [quote.pk])
        answers = []
        request = threading.Thread(target=lambda: answers.append(confirm()))
        request.start()
        cut_the_connections_waiting_on_a_lock(admin, database, what="the confirm")
        request.join(timeout=30)
        locker.rollback()

        assert answers[0][0] == 503
        quote.refresh_from_db()
        assert (quote.status, quote.version, quote.updated_by) == ("candidate", 1, None)
        assert not quote.history.filter(history_user=editor).exists()

        status, _headers, _page = confirm()  # the editor sends it again
        assert status == 200
        assert "Traceback" not in log.read_text()
    quote.refresh_from_db()
    assert (quote.status, quote.version, quote.updated_by) == ("confirmed", 2, editor)
    assert quote.history.filter(history_user=editor).count() == 1
