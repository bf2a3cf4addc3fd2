"""The production set-up works as docs/production.md says: gunicorn, WhiteNoise, /healthz."""

import json
import re
import urllib.request

import pytest

from .production_server import database_url, get, gunicorn, manage, production_env

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    """collectstatic into a fresh STATIC_ROOT, as a deployment does before starting."""
    root = tmp_path_factory.mktemp("deploy") / "static"
    manage("collectstatic", "--noinput", "--verbosity", "0", env=production_env(STATIC_ROOT=root))
    return root


@pytest.fixture
def server(collected_static):
    # Behind a TLS proxy, as docs/production.md sets it up: the proxy says https.
    env = production_env(
        DATABASE_URL=database_url(), STATIC_ROOT=collected_static, BEHIND_TLS_PROXY="true"
    )
    with gunicorn(env) as (base, _log):
        yield base


def test_deploy_checks_pass_with_the_production_environment():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(), check=False
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]

    result = manage("check", env=env, check=False)

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_healthz_answers_200_when_the_database_answers(server):
    status, _headers, body = get(server + "/healthz")

    assert (status, json.loads(body)) == (200, {"status": "ok", "database": "ok"})


def test_healthz_is_not_redirected_to_https(server):
    """Load balancers probe over plain HTTP; every other page is redirected."""
    assert get(server + "/healthz")[0] == 200
    status, headers, _ = get(server + "/accounts/login/")
    assert (status, headers["Location"]) == (
        301,
        server.replace("http:", "https:") + "/accounts/login/",
    )


def test_healthz_answers_503_when_the_database_is_unreachable(collected_static):
    # Port 1 on loopback: nothing listens, so the connection is refused for real.
    env = production_env(DATABASE_URL=database_url(port=1), STATIC_ROOT=collected_static)
    with gunicorn(env, workers=1) as (base, log):
        status, _headers, body = get(base + "/healthz")

    assert (status, json.loads(body)) == (503, {"status": "error", "database": "unreachable"})
    assert "Traceback" not in log.read_text()


def test_pages_carry_the_security_headers(server):
    status, headers, _ = get(server + "/accounts/login/", headers={"X-Forwarded-Proto": "https"})

    assert headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self'")
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_static_files_are_served_hashed_and_cached_by_whitenoise(collected_static):
    env = production_env(
        DATABASE_URL=database_url(), STATIC_ROOT=collected_static, SECURE_SSL_REDIRECT="false"
    )
    with gunicorn(env, workers=1) as (base, _log):
        _status, _headers, page = get(base + "/accounts/login/")
        stylesheet = re.search(rb'href="(/static/annotations/app\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, page[:500]
        status, headers, body = get(base + stylesheet.group(1).decode())

    assert status == 200 and body
    assert "immutable" in headers["Cache-Control"]


def test_the_csrf_cookie_is_secure_in_production(server):
    _status, headers, _ = get(server + "/accounts/login/", headers={"X-Forwarded-Proto": "https"})

    cookie = next(c for c in headers.get_all("Set-Cookie") if c.startswith("csrftoken="))
    assert "Secure" in cookie and "SameSite=Lax" in cookie


def test_gunicorn_does_not_name_itself_in_a_server_header(server):
    _status, headers, _ = get(server + "/healthz")

    assert "Server" not in headers
    assert "gunicorn" not in str(headers).lower()


def test_healthz_answers_head_like_get(server):
    request = urllib.request.Request(server + "/healthz", method="HEAD")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert (response.status, response.read()) == (200, b"")
