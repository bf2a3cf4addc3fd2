"""Run the real production server (gunicorn with newsquotes/gunicorn.conf.py) in a test.

Only on 127.0.0.1, on a free port, stopped by the fixture that started it.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def database_url(name: str | None = None, port: int | None = None) -> str:
    """A postgres:// URL for the database the tests use (or another name/port on its server)."""
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{port or settings['PORT'] or 5432}/{name or settings['NAME']}"
    )


def production_env(**overrides) -> dict[str, str]:
    """The environment a production deployment sets: DEBUG off and every secret given."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "TEST_DATABASE_NAME", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,quotes.example.org",
        PYTHONUNBUFFERED="1",
    )
    env.update({key: str(value) for key, value in overrides.items()})
    return env


def local_web_env(tmp_path, **overrides) -> dict[str, str]:
    """production_env for a server tested over plain http on 127.0.0.1, on the test database.

    DEBUG is on only so that no collectstatic is needed; sessions, CSRF and error
    handling are the same.
    """
    return production_env(
        DATABASE_URL=database_url(),
        STATIC_ROOT=tmp_path / "static",
        SECURE_SSL_REDIRECT="false",
        CSRF_COOKIE_SECURE="false",
        SESSION_COOKIE_SECURE="false",
        DEBUG="true",
        **overrides,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(*args, env, check=True, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=check,
    )


def get(url: str, *, timeout: float = 10, headers=None):
    """(status, headers, body) of a GET, without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 2):
    """A gunicorn serving newsquotes on 127.0.0.1; yields its base URL and its log path."""
    port = free_port()
    log = Path(env.get("STATIC_ROOT", "/tmp")).parent / f"gunicorn-{port}.log"
    env = {**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)}
    with open(log, "w") as log_file:
        server = subprocess.Popen(
            [str(GUNICORN), "-c", "newsquotes/gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {log.read_text()[-2000:]}")
            try:
                get(base + "/healthz", timeout=2)
                break
            except OSError as error:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"gunicorn did not answer: {log.read_text()[-2000:]}"
                    ) from error
                time.sleep(0.2)
        yield base, log
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


class Browser:
    """A cookie-keeping HTTP client for the production server, like a person's browser."""

    def __init__(self, base):
        self.base = base
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, path, data=None, timeout=30, headers=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def cookie(self, name):
        return next(c.value for c in self.cookies if c.name == name)

    def log_in(self, username, password):
        token = self.log_in_form()
        status, _headers, _page = self.request(
            "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token},
        )
        assert status in (200, 302), status

    def log_in_form(self):
        _status, _headers, page = self.request("/accounts/login/")
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
