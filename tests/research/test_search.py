"""Full-text search in quote texts: words, phrases, or, -word, stemming, punctuation, other
scripts, ranking and highlighting.

Marked ``both_databases``: `make test` runs this module on PostgreSQL with the suite and
again on SQLite (``DATABASE_URL=sqlite://...  pytest -m both_databases``), so the same
tests show the documented syntax on both (PostgreSQL's tsvector, SQLite's FTS5).
"""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from annotations import search
from annotations.filters import best_matches
from annotations.models import Quote, quote_fingerprint
from tests.factories import make_article, make_quote, make_speaker

from .conftest import listed_ids

pytestmark = pytest.mark.both_databases

URL = reverse("quote_list")
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's query plans"
)
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 triggers")


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


def test_quoted_phrase_matches_the_words_in_that_order(rachel_client, quotes):
    assert found(rachel_client, '"campaign starts"') == [quotes["hyphen"].pk]
    assert found(rachel_client, '"starts campaign"') == []


def test_minus_excludes_a_word(rachel_client, quotes):
    assert found(rachel_client, "bridges -nowhere") == [quotes["bridges"].pk]


@pytest.mark.parametrize("terms", ["'; DROP TABLE annotations_quote; --", "&|!():*<->", '"""'])
def test_search_syntax_characters_never_break_the_page(rachel_client, quotes, terms):
    response = rachel_client.get(URL, {"q": terms})

    assert response.status_code == 200
    assert Quote.objects.count() == len(quotes)


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

    monkeypatch.setattr("annotations.filters.FEW_MATCHES", -1)
    monkeypatch.setattr("annotations.filters.RELEVANCE_WALK_ABOVE", 0)
    walked = pages_of(rachel_client, params)  # as for a common word: the database walks

    assert read_every_match == walked
    assert len(walked) == 3


@on_postgresql
@pytest.mark.parametrize("few", [True, False], ids=["every match read", "articles walked"])
def test_a_search_pages_newest_article_first_in_reading_order_undated_last(
    rachel_client, db, monkeypatch, few
):
    if not few:
        monkeypatch.setattr("annotations.filters.FEW_MATCHES", -1)
    march, january = datetime.date(2024, 3, 1), datetime.date(2024, 1, 1)
    text = "The ferry runs late. Nothing else. The ferry runs early."
    first = make_article(text=text + " (1)", published=march)
    second = make_article(text=text + " (2)", published=march)  # same day, added later
    older = make_article(text=text + " (3)", published=january)
    undated = make_article(text=text + " (4)")
    expected = []
    for article in (second, first, older, undated):
        for start in (0, text.index("The ferry runs early")):  # reading order in each
            quote = make_quote(article, start=start, end=start + 20, status="confirmed")
            expected.append(quote.pk)
    make_quote(first, "Nothing else.", status="confirmed")  # no match

    assert pages_of(rachel_client, {"q": "ferry", "limit": 3}) == expected
    assert rachel_client.get(URL, {"q": "ferry"}).context["coverage"].total == 8


@on_postgresql
@pytest.mark.parametrize("walk_above", [10, 0], ids=["windows of ids", "primary key walk"])
def test_best_match_first_ranks_the_newest_matches(db, monkeypatch, walk_above):
    # Three matches, then 40 quotes without the word: the first window of the newest ids
    # holds no match, so it widens until it holds the pool (of 2 here).
    monkeypatch.setattr("annotations.filters.RELEVANCE_POOL", 2)
    monkeypatch.setattr("annotations.filters.RELEVANCE_WALK_ABOVE", walk_above)
    texts = [f"The ferry fares rise on day {day}." for day in range(3)]
    texts += [f"Nothing else changes on day {day}." for day in range(40)]
    older, newer, newest, *_ = (make_quote(make_article(text=text), text) for text in texts)

    ranked = best_matches(Quote.objects.search("ferry"), "ferry")

    assert sorted(ranked.values_list("pk", flat=True)) == [newer.pk, newest.pk]


def test_search_results_can_be_counted(quotes):
    # Counting wraps the ranked search in an aggregation (the API and exports count).
    assert Quote.objects.search("bridges").count() == 2


def test_search_inside_a_subquery_finds_the_same_quotes(quotes):
    # As a subquery the quote table gets another alias; the search must follow it.
    matches = Quote.objects.search("nowhere").values("pk")

    assert list(Quote.objects.filter(pk__in=matches).values_list("pk", flat=True)) == [
        quotes["english"].pk
    ]


# The README's examples, on a street and a bridge ------------------------------------------

STREETS = {
    "street_name": "The crossing at Bridge Street is closed.",
    "street_bridge": "The old street bridge will reopen.",
    "fares_cap": "Fares rise but the cap holds.",
    "fares_only": "Fares rise again this spring.",
    "to_be": "Whether to be or not to be is the question.",
    "markup": "The <b>bridge</b> & the river.",
}


@pytest.fixture
def streets(db):
    made = {}
    for day, (name, text) in enumerate(STREETS.items(), 1):
        article = make_article(text=text, published=datetime.date(2024, 2, day))
        made[name] = make_quote(article, text, status=Quote.Status.CONFIRMED)
    return made


def test_a_phrase_does_not_match_its_words_in_another_order(rachel_client, streets):
    assert found(rachel_client, '"street bridge"') == [streets["street_bridge"].pk]


def test_minus_leaves_out_quotes_with_the_word(rachel_client, streets):
    assert found(rachel_client, "fares -cap") == [streets["fares_only"].pk]


def test_minus_alone_lists_every_quote_without_the_word(rachel_client, streets):
    result = set(found(rachel_client, "-fares"))

    assert result == {streets[name].pk for name in STREETS if not name.startswith("fares")}


def test_or_matches_either_word(rachel_client, streets):
    result = set(found(rachel_client, "cap or reopen"))

    assert result == {streets["fares_cap"].pk, streets["street_bridge"].pk}


def test_or_binds_tighter_than_and(rachel_client, streets):
    # fares AND (cap OR again): both fares quotes, nothing about streets.
    result = set(found(rachel_client, "fares cap or again"))

    assert result == {streets["fares_cap"].pk, streets["fares_only"].pk}


def test_a_plural_finds_the_singular(rachel_client, streets):
    result = set(found(rachel_client, "bridges"))

    assert result == {streets["street_name"].pk, streets["street_bridge"].pk, streets["markup"].pk}


def test_a_verb_form_finds_another(rachel_client, streets):
    assert found(rachel_client, "rising holding") == [streets["fares_cap"].pk]


def test_common_words_are_searchable(rachel_client, streets):
    assert found(rachel_client, '"to be or not to be"') == [streets["to_be"].pk]


def test_matched_words_are_marked_in_the_results(rachel_client, streets):
    response = rachel_client.get(URL, {"q": "bridges"})

    assert b"The old street <mark>bridge</mark> will reopen." in response.content


def test_marked_text_is_still_escaped(rachel_client, streets):
    response = rachel_client.get(URL, {"q": "river"})

    assert b"The &lt;b&gt;bridge&lt;/b&gt; &amp; the <mark>river</mark>." in response.content


def test_a_phrase_marks_its_words(rachel_client, streets):
    response = rachel_client.get(URL, {"q": '"street bridge"'})

    assert b"The old <mark>street bridge</mark> will reopen." in response.content


def test_an_edited_quote_is_found_by_its_new_words(streets):
    quote = streets["fares_only"]
    Quote.objects.filter(pk=quote.pk).update(text="Tolls rise again this spring.")

    assert list(Quote.objects.search("tolls").values_list("pk", flat=True)) == [quote.pk]
    assert quote.pk not in Quote.objects.search("fares").values_list("pk", flat=True)


def test_a_deleted_quote_is_no_longer_found(streets):
    streets["fares_only"].delete()

    assert list(Quote.objects.search("fares").values_list("pk", flat=True)) == [
        streets["fares_cap"].pk
    ]


@on_sqlite
def test_migrate_puts_back_triggers_a_table_remake_dropped(streets):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER annotations_quote_fts_insert")
    search.ensure_sqlite_index(connection.alias)
    article = make_article(text="Ferries run late.", published=datetime.date(2024, 3, 1))
    ferry = make_quote(article, "Ferries run late.", status=Quote.Status.CONFIRMED)

    assert list(Quote.objects.search("ferry").values_list("pk", flat=True)) == [ferry.pk]


# The web syntax, parsed -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        ("fares -cap", ('("fares")', '"cap"')),
        ('"street bridge"', ('("street bridge")', "")),
        ("fares or bridge", ('("fares" OR "bridge")', "")),
        ('-"bridge street" ferry', ('("ferry")', '"bridge street"')),
        ("or fares", ('("fares")', "")),
        ('say "yes"', ('("say") AND ("yes")', "")),
        ("&|!():*<->", ("", "")),
    ],
)
def test_web_syntax_becomes_an_fts5_query(terms, expected):
    assert search.fts5_query(terms) == expected
