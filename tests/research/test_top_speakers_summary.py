"""Top speakers read from the per-speaker counts PostgreSQL keeps (VoicePresence), when
the filters are what it counts: the same rows as counting the quotes, by hand."""

import pytest
from django.db import connection
from django.http import QueryDict

from annotations import aggregates
from annotations.filters import TopSpeakerFilter
from annotations.models import Quote, Speaker
from tests.voices.test_aggregate import corpus  # noqa: F401  (the hand-counted corpus)

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers")


def rows(query: str):
    """(summary rows or None, counted rows) of the filters, as (name, quotes)."""
    filterset = TopSpeakerFilter(QueryDict(query), queryset=Quote.objects.all())
    summary = aggregates.summary_speaker_counts(filterset)
    counted = filterset.filtered().speaker_counts()
    names = dict(Speaker.objects.values_list("pk", "name"))

    def named(found):
        return [(names[row["speaker"]], row["quote_count"]) for row in found]

    return (named(summary) if summary is not None else None), named(counted)


@pytest.mark.usefixtures("corpus")
def test_reviewed_quotes_of_every_outlet():
    summary, counted = rows("")
    assert summary == counted == [("Ann", 3), ("Ben", 2), ("Cal", 1), ("Dee", 1), ("Org", 1)]


@pytest.mark.usefixtures("corpus")
def test_with_the_candidates():
    summary, counted = rows("status=confirmed&status=corrected&status=candidate")
    assert summary == counted == [("Ann", 3), ("Ben", 2), ("Cal", 2), ("Dee", 1), ("Org", 1)]


@pytest.mark.usefixtures("corpus")
def test_one_outlet_in_any_case_and_a_kind():
    summary, counted = rows("outlet=alpha&kind=direct")
    assert summary == counted == [("Ann", 3), ("Dee", 1), ("Org", 1)]


@pytest.mark.parametrize("query", ["date_from=2024-01-01", "status=rejected", "status=confirmed"])
@pytest.mark.usefixtures("corpus")
def test_other_filters_count_the_quotes(query):
    summary, counted = rows(query)
    assert summary is None and counted
