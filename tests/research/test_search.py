"""Full-text search in quote texts: words, phrases, punctuation, other scripts, ranking."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from annotations.models import Quote, quote_fingerprint
from tests.factories import make_article, make_quote, make_speaker

from .conftest import listed_ids

URL = reverse("quote_list")
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search syntax is PostgreSQL's"
)


@pytest.fixture
def quotes(db):
    """Quotes in several scripts and with awkward punctuation, one article each."""
    speaker = make_speaker("Dana Quill")
    texts = {
        "bridges": '"Bridges, bridges and more bridges," she said of the bridge plan.',
        "english": "“We don't build bridges to nowhere,” she said.",
        "hyphen": '"A re-election campaign starts today," she said.',
        "russian": "«Мы построим новый мост весной», — сказала она.",
        "greek": '"Η γέφυρα θα ανοίξει την άνοιξη," είπε.',
        "french": "« L'école ouvrira en septembre », a-t-elle déclaré.",
    }
    made = {}
    for day, (name, text) in enumerate(texts.items(), 1):
        article = make_article(text=text, published=datetime.date(2024, 1, day))
        made[name] = make_quote(
            article,
            text,
            speaker=speaker,
            status=Quote.Status.CONFIRMED,
            fingerprint=quote_fingerprint(text),
        )
    return made


def found(client, terms, **params):
    response = client.get(URL, {"q": terms, **params})
    assert response.status_code == 200
    return listed_ids(response)


def test_search_finds_a_word_whatever_its_case(rachel_client, quotes):
    assert found(rachel_client, "NOWHERE") == [quotes["english"].pk]


def test_search_with_an_apostrophe(rachel_client, quotes):
    assert found(rachel_client, "don't") == [quotes["english"].pk]


def test_search_with_a_hyphenated_word(rachel_client, quotes):
    assert found(rachel_client, "re-election") == [quotes["hyphen"].pk]


def test_search_in_cyrillic(rachel_client, quotes):
    assert found(rachel_client, "мост") == [quotes["russian"].pk]


def test_search_in_cyrillic_ignores_case(rachel_client, quotes):
    assert found(rachel_client, "МОСТ") == [quotes["russian"].pk]


def test_search_in_greek(rachel_client, quotes):
    assert found(rachel_client, "γέφυρα") == [quotes["greek"].pk]


def test_search_with_french_elision_and_guillemets(rachel_client, quotes):
    assert found(rachel_client, "septembre") == [quotes["french"].pk]


def test_every_word_must_match(rachel_client, quotes):
    assert found(rachel_client, "bridges nowhere") == [quotes["english"].pk]


@on_postgresql
def test_quoted_phrase_matches_the_words_in_that_order(rachel_client, quotes):
    assert found(rachel_client, '"campaign starts"') == [quotes["hyphen"].pk]
    assert found(rachel_client, '"starts campaign"') == []


@on_postgresql
def test_minus_excludes_a_word(rachel_client, quotes):
    assert found(rachel_client, "bridges -nowhere") == [quotes["bridges"].pk]


@pytest.mark.parametrize("terms", ["'; DROP TABLE annotations_quote; --", "&|!():*<->", '"""'])
def test_search_syntax_characters_never_break_the_page(rachel_client, quotes, terms):
    response = rachel_client.get(URL, {"q": terms})

    assert response.status_code == 200
    assert Quote.objects.count() == len(quotes)


@on_postgresql
def test_relevance_puts_the_quote_that_repeats_the_word_first(rachel_client, quotes):
    # "bridges" three times beats "bridges" once, although its article is older.
    result = found(rachel_client, "bridges", sort="relevance")

    assert result == [quotes["bridges"].pk, quotes["english"].pk]


def test_date_order_is_the_default_for_searches(rachel_client, quotes):
    result = found(rachel_client, "bridges")

    assert result == [quotes["english"].pk, quotes["bridges"].pk]  # 2 Jan, then 1 Jan


@on_postgresql
def test_search_uses_the_full_text_index(quotes):
    # The ORM must match on the stored column that the migration's GIN index covers.
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        sql, params = Quote.objects.search("bridges").values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")

    assert "quote_search_vector" in plan


def pages_of(client, params):
    seen = []
    while True:
        response = client.get(URL, params)
        assert response.status_code == 200
        seen += listed_ids(response)
        page = response.context["page"]
        if not page.next_cursor:
            return seen
        params = {**params, "cursor": page.next_cursor.encode()}


@on_postgresql
@pytest.mark.parametrize("sort", ["date", "relevance"])
def test_searches_page_the_same_whichever_plan_is_used(rachel_client, quotes, monkeypatch, sort):
    params = {"q": "bridges or мост or school", "sort": sort, "limit": 1}
    read_every_match = pages_of(rachel_client, params)  # few matches: sorted in Python

    monkeypatch.setattr("annotations.filters.FEW_MATCHES", {"date": -1, "relevance": -1})
    walked = pages_of(rachel_client, params)  # as for a common word: the database walks

    assert read_every_match == walked
    assert len(walked) == 3


def test_search_results_can_be_counted(quotes):
    # Counting wraps the ranked search in an aggregation (the API and exports count).
    assert Quote.objects.search("bridges").count() == 2


def test_search_inside_a_subquery_finds_the_same_quotes(quotes):
    # As a subquery the quote table gets another alias; the search must follow it.
    matches = Quote.objects.search("nowhere").values("pk")

    assert list(Quote.objects.filter(pk__in=matches).values_list("pk", flat=True)) == [
        quotes["english"].pk
    ]
