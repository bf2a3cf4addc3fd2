"""Date ranges and kind filters of the Voices aggregate, against hand counts of the corpus
of test_aggregate.py on every source, and the per-kind summaries kept exact by the
database through every kind of write (editors' actions included).

The corpus (counted by hand): Alpha 2024-01-10 (a1): Ann x2 confirmed direct, Ben
confirmed indirect, Org corrected direct, Cal candidate direct; Alpha 2024-02-05 (a2): Ann
confirmed direct, Dee corrected direct, Ben rejected direct; Beta 2024-01-20 (b1): Ben
confirmed direct, Cal confirmed mixed, nobody confirmed direct.
"""

import datetime
from collections import Counter, defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import voices
from annotations.models import Quote, Speaker, VoicePeople, VoicePresence
from annotations.services import profiles, review, speakers
from annotations.voices import Criteria, Split, aggregate, split
from tests.factories import make_article, make_quote

D = datetime.date


# The split of a range into whole months and edge days ------------------------------------


def test_a_range_of_whole_months_has_no_edges():
    assert split(D(2024, 1, 1), D(2024, 3, 31)) == Split((D(2024, 1, 1), D(2024, 3, 1)), ())


def test_partial_months_at_both_ends_are_edges():
    assert split(D(2024, 1, 15), D(2024, 4, 10)) == Split(
        (D(2024, 2, 1), D(2024, 3, 1)),
        ((D(2024, 1, 15), D(2024, 1, 31)), (D(2024, 4, 1), D(2024, 4, 10))),
    )


def test_a_range_inside_one_month_is_one_edge_and_no_month():
    assert split(D(2024, 2, 3), D(2024, 2, 20)) == Split(None, ((D(2024, 2, 3), D(2024, 2, 20)),))


def test_open_ends_stay_open():
    assert split(D(2024, 2, 3), None) == Split(
        (D(2024, 3, 1), None), ((D(2024, 2, 3), D(2024, 2, 29)),)
    )
    assert split(None, D(2024, 2, 29)) == Split((None, D(2024, 2, 1)), ())


def test_two_partial_neighbouring_months_have_no_whole_month():
    assert split(D(2024, 1, 15), D(2024, 2, 10)) == Split(
        None, ((D(2024, 1, 15), D(2024, 1, 31)), (D(2024, 2, 1), D(2024, 2, 10)))
    )


def test_only_first_january_to_the_thirty_first_of_december_is_a_calendar_year():
    assert Criteria(date_from=D(2024, 1, 1), date_to=D(2024, 12, 31)).calendar_year == D(2024, 1, 1)
    assert Criteria(date_from=D(2024, 1, 1), date_to=D(2025, 12, 31)).calendar_year is None
    assert Criteria(date_from=D(2024, 1, 2), date_to=D(2024, 12, 31)).calendar_year is None
    assert Criteria(date_from=D(2024, 1, 1), date_to=D(2024, 12, 30)).calendar_year is None
    assert Criteria(date_from=D(2024, 1, 1)).calendar_year is None


# Date ranges and kinds, counted by hand ---------------------------------------------------


def test_a_whole_month_counts_a_person_quoted_in_two_outlets_once(corpus, source):
    result = aggregate(Criteria(date_from=D(2024, 1, 1), date_to=D(2024, 1, 31)))
    total = result["total"]
    # Ann x2, Ben (a1 and b1: one man), Cal (b1; his a1 quote is a candidate), Org, nobody
    assert total["quotes"] == {"female": 2, "male": 2, "nonbinary": 0, "unknown": 1}
    assert total["people"] == {"female": 1, "male": 1, "nonbinary": 0, "unknown": 1}
    assert total["types"]["organisation"] == {"quotes": 1, "speakers": 1}
    assert total["total_quotes"] == 7
    assert result["candidates"] == 1  # Cal's quote in a1


def test_two_months_count_a_person_quoted_in_both_once(corpus, source):
    total = aggregate(Criteria(date_from=D(2024, 1, 1), date_to=D(2024, 2, 29)))["total"]
    assert total["quotes"]["female"] == 4  # Ann 2 + 1, Dee 1
    assert total["people"]["female"] == 2  # Ann once, Dee
    assert total["people"]["male"] == 1
    assert total["total_quotes"] == 9


def test_an_edge_of_days_and_a_whole_month(corpus, source):
    """15 January to the end of February: b1 (20 January) and a2 (all of February)."""
    result = aggregate(
        Criteria(date_from=D(2024, 1, 15), date_to=D(2024, 2, 29)),
        groupings=["outlet", "month", "outlet,month"],
    )
    total = result["total"]
    assert total["quotes"] == {"female": 2, "male": 1, "nonbinary": 0, "unknown": 1}
    assert total["people"] == {"female": 2, "male": 1, "nonbinary": 0, "unknown": 1}
    assert total["types"]["unknown"] == {"quotes": 1, "speakers": 0}
    assert total["total_quotes"] == 5
    months = {g["month"]: g for g in result["groups"]["month"]}
    assert months["2024-01"]["total_quotes"] == 3 and months["2024-01"]["people"]["male"] == 1
    assert months["2024-02"]["total_quotes"] == 2 and months["2024-02"]["people"]["female"] == 2
    outlets = {g["outlet"]: g for g in result["groups"]["outlet"]}
    assert outlets["Alpha"]["total_quotes"] == 2 and outlets["Beta"]["total_quotes"] == 3
    cells = {(g["outlet"], g["month"]): g["total_quotes"] for g in result["groups"]["outlet,month"]}
    assert cells == {("Alpha", "2024-02"): 2, ("Beta", "2024-01"): 3}
    top = result["top"]
    assert [(r["name"], r["quotes"]) for r in top["women"]] == [("Ann", 1), ("Dee", 1)]
    assert [(r["name"], r["quotes"]) for r in top["men"]] == [("Ben", 1)]
    assert top["organisations"] == []
    assert result["candidates"] == 0


@pytest.fixture
def neighbouring_years(corpus):
    """Quotes on the last day of 2023 (Ann and Dee, confirmed, Alpha) and the first of
    2025 (Ben, a candidate, Beta), just outside the corpus's year."""
    eve = make_article(outlet="Alpha", published=D(2023, 12, 31))
    make_quote(eve, start=0, end=5, speaker=corpus["ann"], status="confirmed")
    dee = Speaker.objects.get(name="Dee")
    make_quote(eve, start=6, end=9, speaker=dee, status="confirmed", kind="indirect")
    new_year = make_article(outlet="Beta", published=D(2025, 1, 1))
    make_quote(new_year, start=0, end=5, speaker=corpus["ben"], status="candidate")
    return corpus


def test_a_calendar_year_counts_its_own_quotes_only(neighbouring_years, source):
    result = aggregate(
        Criteria(date_from=D(2024, 1, 1), date_to=D(2024, 12, 31)),
        groupings=["outlet", "month"],
    )
    total = result["total"]  # the corpus of test_aggregate.py, all of it in 2024
    assert total["quotes"] == {"female": 4, "male": 2, "nonbinary": 0, "unknown": 1}
    assert total["people"] == {"female": 2, "male": 1, "nonbinary": 0, "unknown": 1}
    assert total["total_quotes"] == 9
    outlets = {g["outlet"]: g["total_quotes"] for g in result["groups"]["outlet"]}
    assert outlets == {"Alpha": 6, "Beta": 3}
    months = {g["month"]: g["total_quotes"] for g in result["groups"]["month"]}
    assert months == {"2024-01": 7, "2024-02": 2}
    assert [(r["name"], r["quotes"]) for r in result["top"]["women"]] == [("Ann", 3), ("Dee", 1)]
    assert result["candidates"] == 1  # Cal's in a1; not Ben's of 2025


def test_the_year_before_is_its_own_cell(neighbouring_years, source):
    result = aggregate(Criteria(date_from=D(2023, 1, 1), date_to=D(2023, 12, 31)))
    assert result["total"]["quotes"]["female"] == 2 and result["total"]["people"]["female"] == 2
    assert result["total"]["total_quotes"] == 2
    assert result["candidates"] == 0


def test_an_outlet_and_a_calendar_year(neighbouring_years, source):
    total = aggregate(Criteria(outlet="Alpha", date_from=D(2024, 1, 1), date_to=D(2024, 12, 31)))[
        "total"
    ]
    assert total["quotes"]["female"] == 4 and total["people"]["female"] == 2  # Ann 3, Dee
    assert total["people"]["male"] == 1 and total["total_quotes"] == 6


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers")
def test_a_calendar_year_is_read_from_its_cells_not_its_months_speakers(
    neighbouring_years, monkeypatch
):
    def months_speakers(*args, **kwargs):
        raise AssertionError("read the per-speaker rows of the year's months")

    monkeypatch.setattr(voices, "_from_range", months_speakers)
    with CaptureQueriesContext(connection) as queries:
        result = aggregate(
            Criteria(outlet="Alpha", date_from=D(2024, 1, 1), date_to=D(2024, 12, 31)),
            groupings=["outlet", "month"],
        )
    assert result["total"]["total_quotes"] == 6
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "annotations_quote" not in read


def test_two_calendar_years_count_a_person_quoted_in_both_once(neighbouring_years, source):
    total = aggregate(Criteria(date_from=D(2023, 1, 1), date_to=D(2024, 12, 31)))["total"]
    assert total["quotes"]["female"] == 6  # Ann 1 + 3, Dee 1 + 1
    assert total["people"]["female"] == 2  # Ann and Dee, each quoted in both years
    assert total["total_quotes"] == 11


def test_a_year_and_the_months_around_it(neighbouring_years, source):
    """December 2023, all of 2024 and January 2025 (Ben's quote then is a candidate)."""
    result = aggregate(
        Criteria(date_from=D(2023, 12, 1), date_to=D(2025, 1, 31)), groupings=["outlet"]
    )
    assert result["total"]["people"]["female"] == 2
    assert result["total"]["total_quotes"] == 11
    outlets = {g["outlet"]: g["total_quotes"] for g in result["groups"]["outlet"]}
    assert outlets == {"Alpha": 8, "Beta": 3}
    assert result["candidates"] == 2  # Cal's in a1, Ben's of 1 January 2025


def test_the_candidates_of_edge_days_are_counted_either_way(neighbouring_years, source):
    """5 January 2024 to 10 January 2025: both ends are edge days, Cal's candidate of a1
    in the first and Ben's of 1 January 2025 in the last; February to December between
    (a2's rejected quote of Ben is no candidate)."""
    dates = {"date_from": D(2024, 1, 5), "date_to": D(2025, 1, 10)}
    without = aggregate(Criteria(**dates), groupings=["month"])
    with_them = aggregate(Criteria(**dates, include_candidates=True), groupings=["month"])
    assert without["candidates"] == with_them["candidates"] == 2
    assert without["total"]["total_quotes"] == 9  # a1's four, b1's three, a2's two
    assert with_them["total"]["total_quotes"] == 11
    assert "2025-01" not in {g["month"] for g in without["groups"]["month"]}
    [january] = [g for g in with_them["groups"]["month"] if g["month"] == "2025-01"]
    assert january["people"]["male"] == 1 and january["total_quotes"] == 1


def test_an_open_ended_range(corpus, source):
    assert aggregate(Criteria(date_from=D(2024, 1, 15)))["total"]["total_quotes"] == 5
    assert aggregate(Criteria(date_to=D(2024, 1, 31)))["total"]["total_quotes"] == 7


def test_an_outlet_and_a_range(corpus, source):
    total = aggregate(Criteria(outlet="Alpha", date_from=D(2024, 1, 5), date_to=D(2024, 2, 29)))[
        "total"
    ]
    assert total["quotes"]["female"] == 4 and total["people"]["female"] == 2  # Ann, Dee
    assert total["people"]["male"] == 1 and total["total_quotes"] == 6


def test_kinds_and_a_range(corpus, source):
    total = aggregate(Criteria(kinds=("direct",), date_from=D(2024, 1, 1), date_to=D(2024, 2, 29)))[
        "total"
    ]
    assert total["quotes"] == {"female": 4, "male": 1, "nonbinary": 0, "unknown": 0}
    assert total["total_quotes"] == 7


def test_two_kinds_count_a_person_once(corpus, source):
    """Ben is quoted directly (b1) and indirectly (a1): one man, two quotes."""
    total = aggregate(Criteria(kinds=("direct", "indirect")))["total"]
    assert total["quotes"]["male"] == 2 and total["people"]["male"] == 1
    assert total["quotes"]["unknown"] == 0  # Cal's confirmed quote is mixed
    assert total["total_quotes"] == 8


def test_a_kind_and_the_most_quoted_and_candidates(corpus, source):
    result = aggregate(Criteria(kinds=("mixed",)))
    assert result["total"]["total_quotes"] == 1
    assert result["total"]["people"]["unknown"] == 1  # Cal
    assert result["top"] == {"women": [], "men": [], "organisations": []}
    assert result["candidates"] == 0
    assert aggregate(Criteria(kinds=("direct",)))["candidates"] == 1  # Cal's, direct


# The per-kind summaries stay exact --------------------------------------------------------

BITS = {"direct": 1, "indirect": 2, "mixed": 4}
SCOPES = {1: {"confirmed", "corrected"}, 2: {"confirmed", "corrected", "candidate"}}


def recounted_presence() -> dict:
    """VoicePresence as it should be, counted here from the quotes."""
    counts: Counter = Counter()
    rows = Quote.objects.values_list(
        "speaker_id", "article__outlet", "article__published", "status", "kind"
    )
    for speaker, outlet, published, status, kind in rows:
        month = published.replace(day=1) if published else None
        for scope, statuses in SCOPES.items():
            if status not in statuses:
                continue
            for kinds in range(1, 8):
                if kinds != 7 and not kinds & BITS[kind]:
                    continue
                for grain in range(6):
                    cell_outlet = outlet if grain in (1, 3, 5) else None
                    cell_month = month if grain in (2, 3) else None
                    if grain in (4, 5) and month:  # a year: its first day
                        cell_month = month.replace(month=1)
                    counts[(speaker, scope, grain, kinds, cell_outlet, cell_month)] += 1
    return dict(counts)


def recounted_people(presence: dict) -> dict:
    profiles_of = {s.pk: (s.speaker_type, s.gender, s.gender_source) for s in Speaker.objects.all()}
    cells: dict = defaultdict(lambda: [0, 0])
    for (speaker, scope, grain, kinds, outlet, month), quotes in presence.items():
        profile = profiles_of[speaker] if speaker else ("unknown", "unknown", "none")
        cell = cells[(scope, grain, kinds, outlet, month, *profile)]
        cell[0] += speaker is not None
        cell[1] += quotes
    return {key: tuple(value) for key, value in cells.items()}


def stored() -> tuple[dict, dict]:
    presence = {
        (p.speaker_id, p.scope, p.grain, p.kinds, p.outlet, p.month): p.quotes
        for p in VoicePresence.objects.all()
    }
    people = {
        (
            p.scope,
            p.grain,
            p.kinds,
            p.outlet,
            p.month,
            p.speaker_type,
            p.gender,
            p.gender_source,
        ): (p.people, p.quotes)
        for p in VoicePeople.objects.all()
    }
    return presence, people


def recounted_month_bits(presence: dict) -> dict:
    """The months of each speaker (grain ALL) and speaker and outlet (grain OUTLET) as
    they should be: those of their dated month rows (grains MONTH and OUTLET_MONTH)."""
    months: dict = {}
    for (speaker, scope, grain, kinds, outlet, _), _quotes in presence.items():
        if speaker is not None and grain in (0, 1):
            months[(speaker, scope, grain, kinds, outlet)] = set()
    for (speaker, scope, grain, kinds, outlet, month), _quotes in presence.items():
        if speaker is not None and grain in (2, 3) and month is not None:
            months[(speaker, scope, grain - 2, kinds, outlet)].add((month.year, month.month))
    return months


def stored_month_bits() -> dict:
    """VoicePresence's bits decoded: bit i is the month first_month + i."""
    months = {}
    for p in VoicePresence.objects.filter(grain__in=[0, 1]).exclude(speaker=None):
        first = p.first_month or 0  # no bits without a first month
        numbers = [first + i for i, bit in enumerate(p.months or "") if bit == "1"]
        months[(p.speaker_id, p.scope, p.grain, p.kinds, p.outlet)] = {
            (n // 12, n % 12 + 1)
            for n in numbers  # month_number's inverse
        }
    return months


def assert_exact():
    presence, people = stored()
    expected = recounted_presence()
    assert presence == expected
    assert people == recounted_people(expected)
    assert stored_month_bits() == recounted_month_bits(expected)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers")
def test_the_kind_summaries_stay_exact_through_writes(corpus):
    assert_exact()
    Quote.objects.filter(status="candidate").update(status="confirmed")  # bulk
    assert_exact()
    Quote.objects.filter(kind="mixed").update(kind="indirect")
    Quote.objects.filter(speaker=corpus["org"]).delete()
    article = Quote.objects.filter(article__outlet="Beta").first().article
    make_quote(article, start=40, end=45, speaker=corpus["ann"], status="corrected", kind="mixed")
    article.outlet, article.published = "Gamma", D(2023, 12, 1)
    article.save()
    assert_exact()
    corpus["ben"].gender, corpus["ben"].gender_source = "female", "editor"
    corpus["ben"].save()
    assert_exact()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers")
def test_the_kind_summaries_stay_exact_through_editors_actions(corpus, alice):
    quote = Quote.objects.filter(status="candidate").first()
    quote = review.quote_set_kind(quote=quote, editor=alice, version=quote.version, kind="mixed")
    assert_exact()
    quote = review.quote_set_speaker(
        quote=quote, editor=alice, version=quote.version, speaker=corpus["ann"]
    )
    assert_exact()
    quote = review.quote_reject(quote=quote, editor=alice, version=quote.version)
    assert_exact()
    speakers.speaker_merge(source=corpus["ben"], target=corpus["ann"], user=alice)
    assert_exact()
    ann = Speaker.objects.get(pk=corpus["ann"].pk)  # the merge chose her gender
    profiles.speaker_profile_edit(
        speaker=ann, user=alice, changes={"gender": "nonbinary"}, based_on={"gender": ann.gender}
    )
    assert_exact()
    # and the aggregate read from them says so: Ann (with Ben's quotes) is non-binary now,
    # Dee the one woman quoted directly, and no man is
    result = aggregate(Criteria(kinds=("direct",)))
    assert result["total"]["people"] == {"female": 1, "male": 0, "nonbinary": 1, "unknown": 0}
    assert result["total"]["quotes"]["nonbinary"] == 4  # Ann 3, Ben's 1
