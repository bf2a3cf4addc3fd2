"""Learning from editors through the database: train_attribution reads reviewed quotes,
writes a new current model that extraction then uses, and never changes a quote."""

import json

import pytest
from django.core.management import call_command

from annotations.extraction.ranking import CURRENT, MODEL_DIR_ENV
from annotations.extraction.splits import is_held_aside
from annotations.models import Quote
from tests.extraction.newsroom_corpus import newsroom_records
from tests.factories import make_article, make_quote, make_speaker

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed_newsroom(alice):
    """The newsroom corpus in the database, each quote corrected by alice to its speaker."""
    articles = []
    for record in newsroom_records():
        article = make_article(text=record["text"])
        gold = record["quotes"][0]
        make_quote(
            article,
            gold["quote"],
            speaker=make_speaker(name=gold["speaker_name"]),
            speaker_name=gold["speaker_name"],
            status=Quote.Status.CORRECTED,
            updated_by=alice,
        )
        articles.append(article)
    return articles


def test_train_attribution_writes_a_current_versioned_model_and_changes_no_quote(
    reviewed_newsroom, tmp_path, capsys
):
    before = list(Quote.objects.order_by("pk").values())

    call_command("train_attribution", "--model-dir", str(tmp_path))

    current = json.loads((tmp_path / CURRENT).read_text(encoding="utf-8"))
    assert current["version"].startswith("attribution-db-")
    assert (tmp_path / f"{current['version']}.json").exists()
    held = [a for a in reviewed_newsroom if is_held_aside(str(a.pk), "reviewed")]
    trained = sorted(str(a.pk) for a in reviewed_newsroom if a not in held)
    assert current["meta"]["reviewed_articles"] == trained
    out = capsys.readouterr().out
    if held:
        assert f"held-aside reviewed articles: {len(held)}" in out
        assert "resolved speaker" in out and "before" in out and "after" in out
    assert list(Quote.objects.order_by("pk").values()) == before


def test_extraction_after_retraining_records_the_new_model_version(
    reviewed_newsroom, tmp_path, monkeypatch
):
    call_command("train_attribution", "--model-dir", str(tmp_path), verbosity=0)
    version = json.loads((tmp_path / CURRENT).read_text(encoding="utf-8"))["version"]
    monkeypatch.setenv(MODEL_DIR_ENV, str(tmp_path))
    article = make_article(text="\u201cThe ferry will run all winter,\u201d said Ruth Okoro.")

    call_command("extract_quotes", "--article", str(article.pk), verbosity=0)

    (quote,) = article.quotes.all()
    assert quote.extractor_version.endswith("+" + version)


def test_train_attribution_without_a_model_folder_says_where_to_put_it(monkeypatch):
    from django.core.management.base import CommandError

    monkeypatch.delenv(MODEL_DIR_ENV, raising=False)
    with pytest.raises(CommandError, match=MODEL_DIR_ENV):
        call_command("train_attribution")


def test_evaluate_quotes_from_db_reports_the_reviewed_parts(reviewed_newsroom, capsys):
    call_command("evaluate_quotes", "--from-db")
    out = capsys.readouterr().out
    assert "######## dev part" in out and "######## held_aside part" in out
    assert out.strip().splitlines()[-1].startswith("SCORE quote_f1_03=")
