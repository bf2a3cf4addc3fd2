"""Security headers, a CSP that inline code cannot pass, secure cookies in production, and
log-in rate limiting (django-axes)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from lxml import html

from .test_permission_matrix import MATRIX

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _csp(response) -> dict[str, list[str]]:
    policy = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *values = directive.split()
        policy[name] = values
    return policy


@pytest.fixture
def page(alice_client, scene):
    return alice_client.get(f"/articles/{scene.article.pk}/")


def test_the_csp_allows_scripts_from_our_origin_only(page):
    policy = _csp(page)
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]


def test_the_csp_allows_no_inline_style_or_eval(page):
    policy = _csp(page)
    for directive in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in policy[directive]
        assert "'unsafe-eval'" not in policy[directive]


def test_the_csp_forbids_plugins_framing_and_foreign_form_targets(page):
    policy = _csp(page)
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ],
)
def test_a_page_sends_the_security_header(page, header, value):
    assert page[header] == value


@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz", "/api/quotes"])
def test_anonymous_answers_carry_the_csp_too(client, path):
    response = client.get(path)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


# No inline code in templates: the CSP would block it ------------------------------------


def _templates():
    return sorted(TEMPLATES.rglob("*.html"))


def _template_id(path):
    return str(path.relative_to(TEMPLATES))


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[a-zA-Z][^>]*\s(on[a-z]+)\s*=", re.IGNORECASE | re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.IGNORECASE | re.DOTALL)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
SCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


@pytest.mark.parametrize("path", _templates(), ids=_template_id)
def test_a_template_has_no_inline_script(path):
    assert INLINE_SCRIPT.findall(path.read_text()) == []


@pytest.mark.parametrize("path", _templates(), ids=_template_id)
def test_a_template_has_no_event_handler_attribute(path):
    assert HANDLER.findall(path.read_text()) == []


@pytest.mark.parametrize("path", _templates(), ids=_template_id)
def test_a_template_has_no_inline_style(path):
    text = path.read_text()
    assert STYLE_ATTRIBUTE.findall(text) == []
    assert STYLE_ELEMENT.findall(text) == []


@pytest.mark.parametrize("path", _templates(), ids=_template_id)
def test_a_template_has_no_javascript_url(path):
    assert SCRIPT_URL.findall(path.read_text()) == []


def test_the_template_checks_would_catch_inline_code():
    # The patterns above, tried on what they must find.
    assert INLINE_SCRIPT.findall('<script>alert(1)</script><script src="/a.js"></script>')
    assert HANDLER.findall('<img src="x"\n  onerror="alert(1)">')
    assert STYLE_ATTRIBUTE.findall('<p class="a" style="color: red">')
    assert SCRIPT_URL.findall('<a href="javascript:alert(1)">')


def _rendered_pages():
    return [
        route
        for route, endpoint in MATRIX.items()
        if endpoint.get.ok == 200 and endpoint.get.gate != "staff" and "assets" not in route
    ]


@pytest.mark.parametrize("route", _rendered_pages())
def test_a_rendered_page_has_no_inline_code(admin_user, client, scene, route):
    """What the templates render (widgets, template tags, filters included)."""
    client.force_login(admin_user)
    response = client.get(MATRIX[route].path(scene))
    if not response["Content-Type"].startswith("text/html"):
        return  # JSON, CSV: nothing a browser runs
    tree = html.fromstring(response.content)
    scripts = [
        s for s in tree.iter("script") if not s.get("src") and s.get("type") != "application/json"
    ]
    assert [html.tostring(s) for s in scripts] == []
    attributes = {
        name
        for element in tree.iter()
        if isinstance(element.tag, str)
        for name in element.attrib
        if name.startswith("on") or name == "style"
    }
    assert attributes == set()
    assert tree.xpath("//style") == []


# Production settings -------------------------------------------------------------------

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-for-the-security-tests-0123456789",
    "ALLOWED_HOSTS": "quotes.example.org",
}
SECURITY_SETTINGS = [
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "DEBUG",
]


@pytest.fixture(scope="module")
def production_settings():
    """The security settings as a production process (DEBUG off) loads them."""
    environment = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    environment.update(PRODUCTION)
    code = (
        "import json, os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'newsquotes.settings'; "
        "django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {SECURITY_SETTINGS!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_runs_without_debug(production_settings):
    assert production_settings["DEBUG"] is False


@pytest.mark.parametrize(
    "name",
    [
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SECURE_SSL_REDIRECT",
    ],
)
def test_production_cookies_and_redirects_are_secure(production_settings, name):
    assert production_settings[name] is True


def test_production_sends_hsts_for_a_year_with_subdomains(production_settings):
    assert production_settings["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert production_settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True


def test_secure_settings_put_secure_flags_on_the_cookies(settings, alice, client):
    """The flags reach the Set-Cookie headers (here with the production values set)."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "correct horse"}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] is True
    assert session["httponly"] is True
    csrf = client.get("/accounts/login/", secure=True).cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] is True


# Log-in rate limiting ------------------------------------------------------------------


def _log_in(client, password, username="alice", address="203.0.113.7"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def _failures_before_lockout():
    return settings.AXES_FAILURE_LIMIT - 1


def test_the_failure_limit_is_five():
    assert settings.AXES_FAILURE_LIMIT == 5


def test_four_wrong_passwords_still_show_the_log_in_form(client, alice):
    for _ in range(_failures_before_lockout()):
        response = _log_in(client, "wrong")
        assert response.status_code == 200
        assert "didn't match" in response.content.decode()


def test_the_fifth_wrong_password_locks_the_account_with_a_clear_message(client, alice):
    for _ in range(_failures_before_lockout()):
        _log_in(client, "wrong")
    response = _log_in(client, "wrong")
    assert response.status_code == 429
    text = html.fromstring(response.content).text_content()
    assert "Too many failed log-ins" in text
    assert "15 minutes" in text


def test_a_locked_account_refuses_even_the_right_password(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "wrong")
    response = _log_in(client, "correct horse")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_is_for_one_username_from_any_address_and_not_for_others(alice, bob):
    # Per username whatever the address (issue 15): guesses from many addresses add up.
    attacker, colleague, other_user = Client(), Client(), Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(attacker, "wrong")
    assert _log_in(colleague, "correct horse", address="198.51.100.2").status_code == 429
    assert _log_in(other_user, "correct horse", username="bob").status_code == 302


def test_a_successful_log_in_resets_the_count(client, alice):
    for _ in range(_failures_before_lockout()):
        _log_in(client, "wrong")
    assert _log_in(client, "correct horse").status_code == 302
    client.logout()
    for _ in range(_failures_before_lockout()):
        response = _log_in(client, "wrong")
    assert response.status_code == 200
    assert _log_in(client, "correct horse").status_code == 302


# Our JavaScript builds no markup from strings ------------------------------------------

SCRIPTS = sorted((Path(settings.BASE_DIR) / "static").rglob("*.js"))
MARKUP_SINKS = re.compile(
    r"""\.(innerHTML|outerHTML)\s*\+?=\s*+(?!["']["'];)|insertAdjacentHTML|document\.write"""
    r"""|\beval\s*\(|new\s+Function\s*\(|\.setAttribute\(\s*["']on"""
)


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_our_javascript_puts_text_into_the_page_as_text(path):
    """Text from the page (a selection, a name) goes in with textContent, never as HTML."""
    assert MARKUP_SINKS.findall(path.read_text()) == []


def test_the_markup_sink_check_would_catch_one():
    assert MARKUP_SINKS.findall('el.innerHTML = "<b>" + name;')
    assert MARKUP_SINKS.findall("el.insertAdjacentHTML('beforeend', x)")
    assert not MARKUP_SINKS.findall('el.innerHTML = "";')
