"""The synthetic corpus the research benchmark runs on is well-formed data."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from annotations.models import Article, Quote, Speaker

# The generator loads with PostgreSQL COPY and refuses other databases.
pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="generate_corpus needs PostgreSQL"
)


@pytest.fixture
def small_corpus(transactional_db):
    call_command("generate_corpus", articles=30, quotes=120, speakers=10, verbosity=0)


def test_generate_corpus_stores_the_counts_asked_for(small_corpus):
    assert (Article.objects.count(), Quote.objects.count(), Speaker.objects.count()) == (
        30,
        120,
        10,
    )


def test_generate_corpus_quotes_index_their_article_text(small_corpus):
    quotes = Quote.objects.select_related("article")
    assert all(q.article.text[q.start : q.end] == q.text for q in quotes)


def test_generate_corpus_refuses_a_database_that_already_holds_articles(small_corpus):
    with pytest.raises(CommandError):
        call_command("generate_corpus", articles=5, quotes=5, speakers=2, verbosity=0)
    assert Article.objects.count() == 30


def test_generate_corpus_counts_the_voices_summaries_as_the_triggers_would(small_corpus):
    """It counts them once after its COPY instead of through the trigger: the same rows,
    and the trigger is back on for the next write."""
    from tests.voices.test_ranges_and_kinds import assert_exact

    assert_exact()
    quote = Quote.objects.first()
    Quote.objects.create(
        article=quote.article,
        start=quote.start,
        end=quote.end,
        text=quote.text,
        speaker=quote.speaker,
        speaker_start=0,
        speaker_end=1,
        status="confirmed",
    )
    assert_exact()


def test_generate_corpus_statement_totals_are_those_of_its_statements(small_corpus):
    from tests.research.test_statement_total import counted_here, kept_by_triggers

    statements = Quote.objects.filter(status__in=Quote.REVIEWED, speaker__isnull=False)
    assert kept_by_triggers() == counted_here()
    assert kept_by_triggers()[0]["appearances"] == statements.exclude(fingerprint="").count()
