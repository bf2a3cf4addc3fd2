"""The Voices aggregate against a hand count of a small corpus, on both of its sources
(the trigger-kept summary and the quotes themselves), and the summary kept exact."""

import datetime

import pytest
from django.db import connection

from annotations import voices
from annotations.models import Quote, VoiceCount
from annotations.voices import Criteria, aggregate
from tests.factories import make_article, make_quote, make_speaker

D = datetime.date


@pytest.fixture
def corpus(db):
    """Two outlets, two months; the numbers in the tests below were counted by hand from this."""
    a1 = make_article(outlet="Alpha", published=D(2024, 1, 10))
    a2 = make_article(outlet="Alpha", published=D(2024, 2, 5))
    b1 = make_article(outlet="Beta", published=D(2024, 1, 20))
    ann = make_speaker("Ann", speaker_type="person", gender="female", gender_source="pronoun")
    ben = make_speaker("Ben", speaker_type="person", gender="male", gender_source="title")
    cal = make_speaker("Cal", speaker_type="person", gender="unknown", gender_source="name")
    dee = make_speaker("Dee", speaker_type="person", gender="female", gender_source="name")
    org = make_speaker("Org", speaker_type="organisation")
    rows = [
        (a1, ann, "confirmed", "direct"),
        (a1, ann, "confirmed", "direct"),
        (a1, ben, "confirmed", "indirect"),
        (a1, org, "corrected", "direct"),
        (a1, cal, "candidate", "direct"),
        (a2, ann, "confirmed", "direct"),
        (a2, dee, "corrected", "direct"),
        (a2, ben, "rejected", "direct"),
        (b1, ben, "confirmed", "direct"),
        (b1, cal, "confirmed", "mixed"),
        (b1, None, "confirmed", "direct"),
    ]
    for position, (article, speaker, status, kind) in enumerate(rows):
        make_quote(
            article, start=position, end=position + 5, speaker=speaker, status=status, kind=kind
        )
    return {"ann": ann, "ben": ben, "org": org}


def test_totals_match_the_hand_count(corpus, source):
    total = aggregate(Criteria())["total"]
    assert total["quotes"] == {"female": 4, "male": 2, "nonbinary": 0, "unknown": 1}
    assert total["people"] == {"female": 2, "male": 1, "nonbinary": 0, "unknown": 1}
    assert total["share_women_people"] == 66.7
    assert total["share_women_quotes"] == 66.7
    assert total["unknown_gender"]["people"] == {"name_only": 1, "no_evidence": 0}
    assert total["types"]["person"] == {"quotes": 7, "speakers": 4}
    assert total["types"]["organisation"] == {"quotes": 1, "speakers": 1}
    assert total["types"]["unknown"] == {"quotes": 1, "speakers": 0}  # the unattributed quote
    assert total["total_quotes"] == 9


def test_per_outlet_matches_the_hand_count(corpus, source):
    groups = {
        g["outlet"]: g for g in aggregate(Criteria(), groupings=["outlet"])["groups"]["outlet"]
    }
    assert groups["Alpha"]["quotes"]["female"] == 4 and groups["Alpha"]["people"]["female"] == 2
    assert groups["Alpha"]["people"]["male"] == 1 and groups["Alpha"]["total_quotes"] == 6
    assert groups["Beta"]["people"] == {"female": 0, "male": 1, "nonbinary": 0, "unknown": 1}
    assert groups["Beta"]["total_quotes"] == 3


def test_per_month_counts_a_person_once_a_month(corpus, source):
    groups = {g["month"]: g for g in aggregate(Criteria(), groupings=["month"])["groups"]["month"]}
    assert groups["2024-01"]["quotes"]["female"] == 2 and groups["2024-01"]["people"]["female"] == 1
    assert groups["2024-01"]["quotes"]["male"] == 2 and groups["2024-01"]["people"]["male"] == 1
    assert groups["2024-01"]["total_quotes"] == 7
    assert groups["2024-02"]["people"]["female"] == 2 and groups["2024-02"]["total_quotes"] == 2


def test_candidates_count_only_when_asked_and_are_counted_either_way(corpus, source):
    without = aggregate(Criteria())
    with_candidates = aggregate(Criteria(include_candidates=True))
    assert without["candidates"] == with_candidates["candidates"] == 1
    assert with_candidates["total"]["quotes"]["unknown"] == 2
    assert with_candidates["total"]["people"]["unknown"] == 1
    assert with_candidates["total"]["total_quotes"] == 10


def test_the_kind_filter(corpus, source):
    total = aggregate(Criteria(kinds=("direct",)))["total"]
    assert total["quotes"] == {"female": 4, "male": 1, "nonbinary": 0, "unknown": 0}
    assert total["total_quotes"] == 7


def test_dates_inside_months_are_exact(corpus, source):
    total = aggregate(Criteria(date_from=D(2024, 1, 15), date_to=D(2024, 2, 10)))["total"]
    assert total["quotes"] == {"female": 2, "male": 1, "nonbinary": 0, "unknown": 1}
    assert total["people"]["female"] == 2
    assert total["total_quotes"] == 5


def test_the_most_quoted(corpus, source):
    top = aggregate(Criteria())["top"]
    assert [(r["name"], r["quotes"]) for r in top["women"]] == [("Ann", 3), ("Dee", 1)]
    assert [(r["name"], r["quotes"]) for r in top["men"]] == [("Ben", 2)]
    assert [(r["name"], r["quotes"]) for r in top["organisations"]] == [("Org", 1)]


def test_an_editors_gender_change_shows_at_once(corpus, source):
    corpus["ben"].gender = "female"
    corpus["ben"].gender_source = "editor"
    corpus["ben"].save()
    assert aggregate(Criteria())["total"]["people"]["female"] == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers")
@pytest.mark.django_db
def test_the_summary_stays_exact_through_every_kind_of_write(corpus):
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    def recount():
        rows = (
            Quote.objects.annotate(month=TruncMonth("article__published"))
            .values("speaker", "article__outlet", "month", "status", "kind")
            .annotate(n=Count("id"))
        )
        keys = ("speaker", "article__outlet", "month", "status", "kind", "n")
        return sorted((tuple(r[k] for k in keys) for r in rows), key=repr)

    def summary():
        rows = VoiceCount.objects.all()
        return sorted(
            ((r.speaker_id, r.outlet, r.month, r.status, r.kind, r.quotes) for r in rows), key=repr
        )

    assert summary() == recount()
    Quote.objects.filter(status="candidate").update(status="confirmed")
    Quote.objects.filter(speaker=corpus["ann"]).update(speaker=corpus["ben"])
    Quote.objects.filter(kind="mixed").delete()
    a1 = Quote.objects.filter(article__outlet="Alpha").first().article
    a1.outlet = "Gamma"
    a1.published = D(2023, 12, 1)
    a1.save()
    assert summary() == recount()
    assert not VoiceCount.objects.filter(quotes__lte=0).exists()
    # ...and so do the people counts, through a profile change as well
    corpus["ben"].gender, corpus["ben"].gender_source = "female", "editor"
    corpus["ben"].save()
    fast = voices.aggregate(Criteria(), groupings=["outlet", "month"])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(voices, "people_can_answer", lambda criteria, using="default": False)
        slow = voices.aggregate(Criteria(), groupings=["outlet", "month"])
    assert fast == slow
