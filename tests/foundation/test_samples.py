"""The sample data stays consistent, and the demo set-up can be run again and again."""

import importlib.util
import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command

from annotations.models import Article, Quote
from annotations.roles import is_editor, is_reader

SAMPLES = Path(settings.BASE_DIR) / "samples"


def load_builder():
    spec = importlib.util.spec_from_file_location(
        "build_gold_quotes", SAMPLES / "build_gold_quotes.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gold_quotes_file_is_what_its_build_script_writes():
    builder = load_builder()
    lines = (SAMPLES / "gold-quotes.jsonl").read_text(encoding="utf-8").splitlines()

    assert [json.loads(line) for line in lines] == [builder.build(a) for a in builder.ARTICLES]


def test_every_gold_span_indexes_its_own_text():
    for line in (SAMPLES / "gold-quotes.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        text = record["text"]
        for quote in record["quotes"]:
            for key, span_key in [
                ("quote", "quote_span"),
                ("speaker", "speaker_span"),
                ("verb", "verb_span"),
            ]:
                if quote[span_key] is not None:
                    start, end = quote[span_key]
                    assert text[start:end] == quote[key], (record["id"], quote[key])


@pytest.mark.django_db
def test_setup_demo_creates_an_editor_and_a_researcher():
    call_command("setup_demo", stdout=StringIO(), stderr=StringIO())

    editor, researcher = (
        User.objects.get(username="editor"),
        User.objects.get(username="researcher"),
    )
    assert is_editor(editor)
    assert is_reader(researcher) and not is_editor(researcher)


@pytest.mark.django_db
def test_setup_demo_run_twice_imports_the_samples_once():
    call_command("setup_demo", stdout=StringIO(), stderr=StringIO())
    call_command("setup_demo", stdout=StringIO(), stderr=StringIO())

    assert (Article.objects.count(), Quote.objects.count(), User.objects.count()) == (15, 17, 2)


@pytest.mark.django_db
def test_setup_demo_prints_the_log_in_url_of_the_address_given():
    out = StringIO()

    call_command("setup_demo", "--address", "0.0.0.0:8080", stdout=out, stderr=StringIO())

    assert "http://0.0.0.0:8080/accounts/login/" in out.getvalue()
