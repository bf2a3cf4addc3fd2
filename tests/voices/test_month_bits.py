"""Long date ranges, read from the speakers' month bits (migration 0024), against hand
counts on every source of the aggregate, and the bits' own arithmetic.

The corpus (counted by hand): Eve (woman) quoted in Alpha on 15 January 2021, in Alpha on
10 June 2023 with Fay (woman), and in Beta on 5 December 2024; every quote confirmed.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import voices
from annotations.voices import Criteria, aggregate
from tests.factories import make_article, make_quote, make_speaker

D = datetime.date


@pytest.fixture
def years_apart(db):
    eve = make_speaker("Eve", speaker_type="person", gender="female", gender_source="pronoun")
    fay = make_speaker("Fay", speaker_type="person", gender="female", gender_source="title")
    for outlet, published, speakers in [
        ("Alpha", D(2021, 1, 15), [eve]),
        ("Alpha", D(2023, 6, 10), [eve, fay]),
        ("Beta", D(2024, 12, 5), [eve]),
    ]:
        article = make_article(outlet=outlet, published=published)
        for position, speaker in enumerate(speakers):
            make_quote(
                article, start=position, end=position + 3, speaker=speaker, status="confirmed"
            )
    return {"eve": eve, "fay": fay}


def test_a_long_range_between_a_speakers_months_has_nobody(years_apart, source):
    """February 2021 to May 2023: Eve is quoted before and after, never in it."""
    result = aggregate(Criteria(date_from=D(2021, 2, 1), date_to=D(2023, 5, 31)))
    assert result["total"]["people"]["female"] == 0
    assert result["total"]["total_quotes"] == 0
    assert result["top"]["women"] == []


def test_a_long_range_counts_a_person_quoted_in_two_of_its_years_once(years_apart, source):
    """January 2021 to June 2023: Eve twice, Fay once."""
    result = aggregate(
        Criteria(date_from=D(2021, 1, 1), date_to=D(2023, 6, 30)), groupings=["outlet"]
    )
    assert result["total"]["people"]["female"] == 2
    assert result["total"]["quotes"]["female"] == 3
    assert [(r["name"], r["quotes"]) for r in result["top"]["women"]] == [("Eve", 2), ("Fay", 1)]
    outlets = {
        g["outlet"]: (g["people"]["female"], g["total_quotes"]) for g in result["groups"]["outlet"]
    }
    assert outlets == {"Alpha": (2, 3)}


def test_a_long_range_with_edge_days_at_both_ends(years_apart, source):
    """20 January 2021 to 10 December 2024: not Eve's quote of the 15th; June 2023 (Eve,
    Fay) and Eve's of 5 December 2024, in Beta."""
    result = aggregate(
        Criteria(date_from=D(2021, 1, 20), date_to=D(2024, 12, 10)),
        groupings=["outlet", "month"],
    )
    assert result["total"]["people"]["female"] == 2
    assert result["total"]["quotes"]["female"] == 3
    outlets = {
        g["outlet"]: (g["people"]["female"], g["total_quotes"]) for g in result["groups"]["outlet"]
    }
    assert outlets == {"Alpha": (2, 2), "Beta": (1, 1)}
    months = {g["month"]: g["total_quotes"] for g in result["groups"]["month"]}
    assert months == {"2023-06": 2, "2024-12": 1}
    assert [(r["name"], r["quotes"]) for r in result["top"]["women"]] == [("Eve", 2), ("Fay", 1)]


def test_an_outlet_and_a_long_range(years_apart, source):
    result = aggregate(Criteria(outlet="Beta", date_from=D(2021, 1, 1), date_to=D(2024, 12, 31)))
    assert result["total"]["people"]["female"] == 1  # Eve, in Beta in December 2024
    assert result["total"]["total_quotes"] == 1


def test_a_range_open_at_its_start(years_apart, source):
    total = aggregate(Criteria(date_to=D(2023, 6, 30)))["total"]
    assert total["people"]["female"] == 2 and total["quotes"]["female"] == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers")
def test_a_long_range_is_read_from_the_month_bits_not_the_quotes(years_apart):
    with CaptureQueriesContext(connection) as queries:
        result = aggregate(Criteria(date_from=D(2021, 1, 1), date_to=D(2024, 12, 31)))
    assert result["total"]["people"]["female"] == 2
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "annotations_months_any" in read
    assert "annotations_quote" not in read


def test_a_short_range_is_read_from_its_months_and_a_long_one_from_the_bits():
    def by_bits(start, end):
        criteria = Criteria(date_from=start, date_to=end)
        return voices._reads_month_bits(criteria, voices.split(start, end))

    assert not by_bits(D(2023, 1, 1), D(2023, 6, 30))  # six months
    assert not by_bits(D(2022, 1, 1), D(2023, 6, 30))  # eighteen
    assert by_bits(D(2022, 1, 1), D(2023, 7, 31))  # nineteen
    assert by_bits(D(2022, 1, 1), None)  # open-ended
    assert not by_bits(None, None)  # no dates: undated articles count, the bits have none


@pytest.mark.parametrize(
    ("first", "last", "years"),
    [
        (D(2021, 2, 1), D(2024, 11, 1), (D(2022, 1, 1), D(2023, 1, 1))),
        (D(2021, 1, 1), D(2024, 12, 1), (D(2021, 1, 1), D(2024, 1, 1))),
        (D(2021, 3, 1), D(2021, 11, 1), None),
        (D(2021, 3, 1), D(2022, 11, 1), None),  # two part-years, no whole one
        (None, D(2024, 11, 1), (None, D(2023, 1, 1))),
        (D(2021, 2, 1), None, (D(2022, 1, 1), None)),
    ],
)
def test_the_whole_calendar_years_of_a_range_of_months(first, last, years):
    assert voices._whole_years(first, last) == years


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL function")
@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        (99, 99, False),  # before the first month
        (100, 100, True),  # the first month
        (101, 101, False),  # a gap
        (101, 105, True),  # the gap and the last month
        (103, 200, False),  # after the last month
        (voices.BEFORE_ALL, voices.AFTER_ALL, True),  # open at both ends
    ],
)
def test_months_any_reads_the_bits_of_the_months_asked(db, lo, hi, expected):
    with connection.cursor() as cursor:  # months 100 and 102
        cursor.execute("SELECT annotations_months_any(100, B'101', %s, %s)", [lo, hi])
        assert cursor.fetchone()[0] is expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL function")
def test_a_speaker_with_undated_quotes_only_has_no_months(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT annotations_months_any(NULL, NULL, %s, %s)", [0, 10**6])
        assert cursor.fetchone()[0] is False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL function")
@pytest.mark.parametrize(
    ("first", "bits", "n", "present", "expected"),
    [
        (None, None, 5, True, (5, "1")),  # a speaker's first dated month
        (None, None, 5, False, (None, None)),
        (10, "101", 8, True, (8, "10101")),  # before the first month: widened
        (10, "101", 14, True, (10, "10101")),  # after the last: widened
        (10, "101", 11, True, (10, "111")),  # inside
        (10, "101", 12, False, (10, "100")),  # the last month gone: a 0 left
        (10, "101", 9, False, (10, "101")),  # a month it never had
        (10, "101", 20, False, (10, "101")),
    ],
)
def test_months_with_sets_or_clears_one_month(db, first, bits, n, present, expected):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT new_first, new_bits::text FROM annotations_months_with(%s, %s::varbit, %s, %s)",
            [first, bits, n, present],
        )
        assert cursor.fetchone() == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers")
def test_one_write_that_adds_and_removes_several_months_leaves_exact_bits(db):
    """One statement gives Eve three months, then takes two away, in each scope."""
    from annotations.models import Quote
    from tests.voices.test_ranges_and_kinds import assert_exact

    eve = make_speaker("Eve", speaker_type="person", gender="female", gender_source="pronoun")
    for month in (3, 7, 11):
        article = make_article(outlet="Alpha", published=D(2022, month, 1))
        make_quote(article, start=0, end=3, speaker=eve, status="candidate")
    assert_exact()
    Quote.objects.filter(speaker=eve).update(status="confirmed")  # three months at once
    assert_exact()
    Quote.objects.filter(speaker=eve, article__published__month__lt=11).delete()
    assert_exact()
    Quote.objects.filter(speaker=eve).update(speaker=None)  # her last month gone
    assert_exact()


def _top(*quotes):
    return [{"speaker_id": i, "name": "", "quotes": n} for i, n in enumerate(quotes)]


@pytest.mark.parametrize(
    ("top", "least", "size", "tells"),
    [
        ({"women": _top(5), "men": [], "organisations": []}, 9, 3, True),  # the pool is all
        ({label: _top(*[20] * 10) for label in ("women", "men", "organisations")}, 19, 4, True),
        ({label: _top(*[20] * 10) for label in ("women", "men", "organisations")}, 20, 4, False),
        ({"women": _top(*[20] * 10), "men": _top(30), "organisations": []}, 5, 4, False),
    ],
)
def test_the_pool_tells_the_most_quoted_only_when_nobody_outside_could_rank(
    monkeypatch, top, least, size, tells
):
    """A speaker outside the pool has at most ``least`` quotes in the range: a tie with
    the last of a list could rank above it (a lower id), and a short list could take one."""
    monkeypatch.setattr(voices, "TOP_RANGE_POOL", 4)
    assert voices._pool_tells_top(top, least, size) is tells


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the summaries' range path")
def test_the_most_quoted_of_a_long_range_beyond_the_pool(years_apart, monkeypatch):
    """A pool of one (Eve) cannot tell Fay's place: every speaker's quotes answer."""
    monkeypatch.setattr(voices, "TOP_RANGE_POOL", 1)
    result = aggregate(Criteria(date_from=D(2021, 1, 1), date_to=D(2023, 6, 30)))
    assert [(r["name"], r["quotes"]) for r in result["top"]["women"]] == [("Eve", 2), ("Fay", 1)]
