"""Production settings refuse to run insecurely, and pass Django's deployment checklist."""

import os
import secrets
import string
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(50)),
    "ALLOWED_HOSTS": "quotes.example.org",
}


def run_python(args, **env):
    # A clean environment, as a server would have: nothing leaks in from the test run
    # (such as DJANGO_ALLOW_ASYNC_UNSAFE, which the live-server tests set).
    environment = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    environment.update(env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_settings_refuse_to_load_without_a_secret_key_when_debug_is_off():
    result = run_python(
        [
            "-c",
            "import os, django; "
            "os.environ['DJANGO_SETTINGS_MODULE'] = 'newsquotes.settings'; django.setup()",
        ],
        DEBUG="false",
        SECRET_KEY="",
    )

    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY is not set"
    )


def test_development_settings_load_without_a_secret_key():
    result = run_python(
        [
            "-c",
            "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'newsquotes.settings'; "
            "django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        DEBUG="true",
        SECRET_KEY="",
    )

    assert (result.returncode, result.stdout.strip()) == (0, "True")


def test_production_settings_pass_the_deployment_checklist_without_warnings():
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
