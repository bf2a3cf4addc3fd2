"""A speaker page's counts by outlet and month read from the per-speaker cells PostgreSQL
keeps (VoicePresence), when the filters are what they count: the same rows as counting
the quotes, by hand."""

import datetime

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse

from annotations import aggregates
from annotations.filters import SpeakerQuoteFilter
from annotations.models import Quote, Speaker
from tests.voices.test_aggregate import corpus  # noqa: F401  (the hand-counted corpus)

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers")

JANUARY, FEBRUARY = datetime.date(2024, 1, 1), datetime.date(2024, 2, 1)


def cells(speaker, query: str = ""):
    """(summary rows or None, counted rows) of a speaker page's filters, as sorted
    (outlet, month, quotes)."""
    filterset = SpeakerQuoteFilter(QueryDict(query), queryset=Quote.objects.by_speaker(speaker))
    summary = aggregates.summary_outlet_month_counts(filterset, speaker)

    def rows(found):
        return sorted((row["article__outlet"], row["month"], row["quote_count"]) for row in found)

    counted = rows(filterset.filtered().outlet_month_counts())
    return (rows(summary) if summary is not None else None), counted


def named(name):
    return Speaker.objects.get(name=name)


@pytest.mark.usefixtures("corpus")
def test_reviewed_quotes_by_outlet_and_month():
    summary, counted = cells(named("Ann"))
    assert summary == counted == [("Alpha", JANUARY, 2), ("Alpha", FEBRUARY, 1)]


@pytest.mark.usefixtures("corpus")
def test_a_rejected_quote_is_not_counted():
    # Ben: confirmed in Alpha and in Beta in January; his February quote was rejected.
    summary, counted = cells(named("Ben"))
    assert summary == counted == [("Alpha", JANUARY, 1), ("Beta", JANUARY, 1)]


@pytest.mark.usefixtures("corpus")
def test_one_outlet_and_a_kind():
    summary, counted = cells(named("Ben"), "outlet=beta&kind=direct")
    assert summary == counted == [("Beta", JANUARY, 1)]


@pytest.mark.parametrize("query", ["date_from=2024-01-15", "status=rejected", "q=words"])
@pytest.mark.usefixtures("corpus")
def test_other_filters_count_the_quotes(query):
    summary, _ = cells(named("Ben"), query)
    assert summary is None


@pytest.mark.usefixtures("corpus")
def test_the_page_counts_a_candidate_once_an_editor_confirms_it(rachel_client):
    # Cal: one confirmed quote (Beta) and one candidate (Alpha).
    cal = named("Cal")
    page = reverse("speaker_detail", args=[cal.pk])
    assert rachel_client.get(page).context["quote_count"] == 1

    Quote.objects.filter(speaker=cal, status="candidate").update(status="confirmed")

    response = rachel_client.get(page)
    assert response.context["quote_count"] == 2
    assert [row["article__outlet"] for row in response.context["by_outlet"]] == ["Alpha", "Beta"]
