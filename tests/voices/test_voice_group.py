"""VoiceGroup, VoicePeople's rows of each cell added up by PostgreSQL's statement triggers
(migrations 0020 and 0021): against a hand count, and against VoicePeople added up here
after every kind of write."""

import datetime
from collections import defaultdict

import pytest
from django.db import connection

from annotations.models import Quote, VoiceGrain, VoiceGroup, VoicePeople, VoiceScope
from annotations.voices import SUMS

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers"),
    pytest.mark.django_db,
]
D = datetime.date
CELL = ("scope", "grain", "kinds", "outlet", "month")


def _columns(row) -> list[str]:
    """The VoiceGroup columns a VoicePeople row adds to, read from their names."""
    columns = [f"tq_{row.speaker_type}", f"tp_{row.speaker_type}"]
    if row.speaker_type == "person":
        columns += [f"gq_{row.gender}", f"gp_{row.gender}"]
        if row.gender == "unknown":
            why = "name" if row.gender_source == "name" else "none"
            columns += [f"uq_{why}", f"up_{why}"]
    return columns


def added_up_here() -> dict:
    cells: dict = defaultdict(lambda: dict.fromkeys(SUMS, 0))
    for row in VoicePeople.objects.all():
        sums = cells[tuple(getattr(row, name) for name in CELL)]
        for column in _columns(row):
            sums[column] += row.quotes if column[1] == "q" else row.people
    return dict(cells)


def kept_by_triggers() -> dict:
    return {
        tuple(getattr(row, name) for name in CELL): {name: getattr(row, name) for name in SUMS}
        for row in VoiceGroup.objects.all()
    }


def test_an_outlets_cell_holds_its_hand_count(corpus):
    alpha = VoiceGroup.objects.get(
        scope=VoiceScope.REVIEWED, grain=VoiceGrain.OUTLET, kinds=7, outlet="Alpha"
    )
    # Alpha's reviewed quotes: Ann 3, Ben 1, Dee 1 (people); Org 1. Cal's is a candidate,
    # Ben's second a rejection.
    assert (alpha.tq_person, alpha.tp_person) == (5, 3)
    assert (alpha.tq_organisation, alpha.tp_organisation) == (1, 1)
    assert (alpha.gq_female, alpha.gp_female, alpha.gq_male, alpha.gp_male) == (4, 2, 1, 1)
    assert (alpha.gq_unknown, alpha.uq_name, alpha.uq_none) == (0, 0, 0)


def test_the_cells_add_up_voice_people_through_every_kind_of_write(corpus):
    assert kept_by_triggers() == added_up_here()
    Quote.objects.filter(status="candidate").update(status="confirmed")
    Quote.objects.filter(speaker=corpus["ann"]).update(speaker=corpus["ben"])
    Quote.objects.filter(kind="mixed").delete()
    moved = Quote.objects.filter(article__outlet="Alpha").first().article
    moved.outlet, moved.published = "Gamma", D(2023, 12, 1)
    moved.save()
    corpus["ben"].gender, corpus["ben"].gender_source = "female", "editor"
    corpus["ben"].save()
    assert kept_by_triggers() == added_up_here()


def test_a_cell_with_no_quotes_left_has_no_row(corpus):
    assert VoiceGroup.objects.filter(outlet="Beta").exists()
    Quote.objects.filter(article__outlet="Beta").delete()
    assert not VoiceGroup.objects.filter(outlet="Beta").exists()


def test_emptying_voice_people_empties_the_cells(corpus):
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE annotations_voicepeople")
    assert not VoiceGroup.objects.exists()
