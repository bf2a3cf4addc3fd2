"""The database itself refuses data that would break quote offsets or duplicate work.

Each test writes past the model layer's help (straight ``objects.create``) so that the
constraint in PostgreSQL, not Python, is what is being tested.
"""

import pytest
from django.db import IntegrityError, transaction

from annotations.models import Article, Quote
from tests.factories import make_article, make_quote

pytestmark = pytest.mark.django_db

# "We will rebuild the bridge by spring," is text[0:39] of the factories' default article.
OPENING = '"We will rebuild the bridge by spring,"'


@pytest.fixture
def article():
    return make_article()


def refused(constraint: str):
    """Expect PostgreSQL to refuse the write, naming ``constraint``; keep the test's
    transaction usable afterwards."""

    class Refused:
        def __enter__(self):
            self.raises = pytest.raises(IntegrityError, match=constraint)
            self.raises.__enter__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()

        def __exit__(self, *exc):
            self.atomic.__exit__(*exc)
            return self.raises.__exit__(*exc)

    return Refused()


def test_factory_opening_quote_is_where_the_tests_say(article):
    assert article.text[0:39] == OPENING


def test_quote_with_an_empty_span_is_refused(article):
    with refused("quote_start_before_end"):
        Quote.objects.create(article=article, start=10, end=10, text="")


def test_quote_ending_before_it_starts_is_refused(article):
    with refused("quote_start_before_end"):
        Quote.objects.create(article=article, start=10, end=5, text="")


def test_quote_text_longer_than_its_span_is_refused(article):
    with refused("quote_text_matches_span"):
        Quote.objects.create(article=article, start=0, end=10, text=OPENING)


def test_quote_text_shorter_than_its_span_is_refused(article):
    with refused("quote_text_matches_span"):
        Quote.objects.create(article=article, start=0, end=39, text=OPENING[:-1])


def test_same_span_and_speaker_mention_twice_is_refused(article):
    make_quote(article, OPENING, speaker_start=44, speaker_end=60)

    with refused("quote_unique_span_and_mention"):
        make_quote(article, OPENING, speaker_start=44, speaker_end=60)


def test_same_span_twice_without_a_speaker_mention_is_refused(article):
    # NULL is never equal to NULL in SQL: the constraint coalesces it so that two
    # floating quotes over one span still collide.
    make_quote(article, OPENING)

    with refused("quote_unique_span_and_mention"):
        make_quote(article, OPENING)


def test_same_span_with_two_different_speaker_mentions_is_allowed(article):
    make_quote(article, OPENING, speaker_start=44, speaker_end=60)
    make_quote(article, OPENING)

    assert Quote.objects.filter(article=article, start=0, end=39).count() == 2


def test_same_span_in_two_articles_is_allowed():
    first, second = make_article(), make_article()
    make_quote(first, OPENING)
    make_quote(second, OPENING)

    assert Quote.objects.filter(start=0, end=39).count() == 2


def test_speaker_span_ending_before_it_starts_is_refused(article):
    with refused("quote_speaker_span_valid"):
        make_quote(article, OPENING, speaker_start=60, speaker_end=44)


def test_speaker_span_with_only_one_end_is_refused(article):
    with refused("quote_speaker_span_valid"):
        make_quote(article, OPENING, speaker_start=44, speaker_end=None)


@pytest.mark.parametrize("confidence", [-0.01, 1.01, 50.0])
def test_confidence_outside_zero_to_one_is_refused(article, confidence):
    with refused("quote_confidence_in_unit_interval"):
        make_quote(article, OPENING, confidence=confidence)


@pytest.mark.parametrize("confidence", [0.0, 1.0, None])
def test_confidence_at_the_bounds_or_unknown_is_allowed(article, confidence):
    quote = make_quote(article, OPENING, confidence=confidence)

    quote.refresh_from_db()
    assert quote.confidence == confidence


def test_two_articles_with_one_url_are_refused():
    make_article(url="https://www.example.org/gazette/bridge")

    with refused("article_url_unique_when_present"):
        make_article(url="https://www.example.org/gazette/bridge")


def test_two_articles_without_a_url_are_allowed():
    make_article(url="")
    make_article(url="")

    assert Article.objects.filter(url="").count() == 2


def test_article_with_empty_text_is_refused():
    with refused("article_text_not_empty"):
        Article.objects.create(text="", outlet="The Harbour Gazette")


def test_two_articles_with_the_same_text_are_refused():
    make_article(text="The same words.")

    with refused("content_hash"):
        make_article(text="The same  words.\n")


def test_cue_span_with_only_one_end_is_refused(article):
    with refused("quote_cue_span_valid"):
        make_quote(article, OPENING, cue_start=None, cue_end=44)
