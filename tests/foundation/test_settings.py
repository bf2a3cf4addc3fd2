"""Settings: production refuses to run insecurely and passes Django's deployment checklist;
every variable is read strictly, and a value that cannot be read stops the start."""

import os
import secrets
import string
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from newsquotes.settings import env_bool, env_choice, env_database, env_float, env_int, env_list

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


def test_a_misspelt_boolean_stops_the_start_naming_the_variable():
    result = run_python(["manage.py", "check"], SESSION_COOKIE_SECURE="ture")

    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: SESSION_COOKIE_SECURE='ture' is not "
        "true or false: set SESSION_COOKIE_SECURE to true or false."
    )


def test_extraction_settings_are_read_from_the_environment():
    result = run_python(
        [
            "-c",
            "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'newsquotes.settings'; "
            "django.setup(); from django.conf import settings; "
            "print(settings.EXTRACTION_ENGINE, settings.EXTRACTION_STALE_AFTER.total_seconds())",
        ],
        EXTRACTION_ENGINE="tests.jobs.fake_engine",
        EXTRACTION_STALE_AFTER_MINUTES="2",
    )

    assert (result.returncode, result.stdout.strip()) == (0, "tests.jobs.fake_engine 120.0")


@pytest.mark.parametrize(
    "value,expected",
    [("true", True), ("False", False), ("YES", True), ("off", False), (" 1 ", True), ("0", False)],
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("NQ_TEST_FLAG", value)

    assert env_bool("NQ_TEST_FLAG", not expected) is expected


def test_env_bool_falls_back_to_the_default_only_when_unset(monkeypatch):
    monkeypatch.delenv("NQ_TEST_FLAG", raising=False)

    assert env_bool("NQ_TEST_FLAG", True) is True


@pytest.mark.parametrize("value", ["ture", "", "2", "enabled"])
def test_env_bool_refuses_anything_else(monkeypatch, value):
    monkeypatch.setenv("NQ_TEST_FLAG", value)

    with pytest.raises(ImproperlyConfigured, match="^NQ_TEST_FLAG="):
        env_bool("NQ_TEST_FLAG", False)


def test_env_int_refuses_a_word(monkeypatch):
    monkeypatch.setenv("NQ_TEST_NUMBER", "five")

    with pytest.raises(ImproperlyConfigured, match="NQ_TEST_NUMBER='five' is not a whole number"):
        env_int("NQ_TEST_NUMBER", 5)


def test_env_int_refuses_a_number_under_its_minimum(monkeypatch):
    monkeypatch.setenv("NQ_TEST_NUMBER", "0")

    with pytest.raises(ImproperlyConfigured, match="a whole number of at least 1"):
        env_int("NQ_TEST_NUMBER", 5, minimum=1)


def test_env_int_reads_a_number(monkeypatch):
    monkeypatch.setenv("NQ_TEST_NUMBER", "12")

    assert env_int("NQ_TEST_NUMBER", 5, minimum=1) == 12


@pytest.mark.parametrize("value", ["a quarter", "nan", "inf", "-1"])
def test_env_float_refuses_what_is_not_a_finite_number_over_its_minimum(monkeypatch, value):
    monkeypatch.setenv("NQ_TEST_HOURS", value)

    with pytest.raises(ImproperlyConfigured, match="^NQ_TEST_HOURS="):
        env_float("NQ_TEST_HOURS", 0.25, minimum=0)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("NQ_TEST_HOSTS", " a.example.org, ,b.example.org,")

    assert env_list("NQ_TEST_HOSTS", ["default"]) == ["a.example.org", "b.example.org"]


def test_env_choice_refuses_a_value_outside_its_choices(monkeypatch):
    monkeypatch.setenv("NQ_TEST_LEVEL", "LOUD")

    with pytest.raises(ImproperlyConfigured, match="one of DEBUG, INFO"):
        env_choice("NQ_TEST_LEVEL", "INFO", ["DEBUG", "INFO"])


def test_a_database_url_with_an_unknown_scheme_is_refused_without_echoing_it(monkeypatch):
    monkeypatch.setenv("NQ_TEST_DATABASE_URL", "postgress://user:hunter2@db/quotes")

    with pytest.raises(ImproperlyConfigured) as refused:
        env_database("NQ_TEST_DATABASE_URL", "sqlite:///unused")

    assert "NQ_TEST_DATABASE_URL" in str(refused.value)
    assert "hunter2" not in str(refused.value)
