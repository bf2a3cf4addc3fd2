"""Honest counts: every research page says how many quotes its filters keep, how many
unreviewed candidates they leave out, and links to include them; lists carry shares."""

import datetime

import pytest
from django.urls import reverse

from annotations.models import Quote
from tests.factories import make_article

from .conftest import listed_ids, quote


@pytest.fixture
def only_candidates(corpus):
    """An outlet whose every quote still awaits review."""
    article = make_article(
        text='"The ferry runs late," said Ana Lopez.',
        outlet="Ferry News",
        published=datetime.date(2024, 5, 1),
    )
    return quote(
        article, '"The ferry runs late,"', speaker=corpus.lopez, status=Quote.Status.CANDIDATE
    )


def test_top_speakers_say_candidates_are_left_out_and_link_to_them(rachel_client, only_candidates):
    response = rachel_client.get(reverse("speaker_list"), {"outlet": "Ferry News"})
    coverage = response.context["coverage"]

    assert (coverage.total, coverage.unreviewed_left_out) == (0, 1)
    assert "1 unreviewed quote" in response.content.decode()
    including = rachel_client.get(
        reverse("speaker_list") + "?" + coverage.including_unreviewed
    ).context
    assert [(row["speaker"].name, row["count"]) for row in including["rows"]] == [("Ana Lopez", 1)]


def test_top_speakers_show_each_share_of_the_filtered_quotes(rachel_client, corpus):
    rows = rachel_client.get(reverse("speaker_list")).context["rows"]

    # Five reviewed quotes: Reed 3, Lopez 2.
    assert [(row["speaker"].name, row["percent"]) for row in rows] == [
        ("Tom Reed", "60.0%"),
        ("Ana Lopez", "40.0%"),
    ]


def test_statements_say_how_many_candidates_are_left_out(rachel_client, corpus):
    coverage = rachel_client.get(reverse("statement_list")).context["coverage"]

    assert (coverage.total, coverage.unreviewed_left_out) == (5, 1)


def test_the_quote_list_counts_its_quotes_and_the_candidates_left_out(rachel_client, corpus):
    response = rachel_client.get(reverse("quote_list"), {"outlet": "Harbour Gazette"})
    coverage = response.context["coverage"]

    assert (coverage.total, coverage.unreviewed_left_out) == (2, 1)
    html = response.content.decode()
    assert "<strong>2</strong> quotes under these filters." in html
    assert "include it</a>" in html


def test_including_candidates_lists_them(rachel_client, corpus):
    first = rachel_client.get(reverse("quote_list"), {"outlet": "Harbour Gazette"})
    query = first.context["coverage"].including_unreviewed

    response = rachel_client.get(reverse("quote_list") + "?" + query)

    assert corpus.school_lopez.pk in listed_ids(response)
    assert response.context["coverage"].unreviewed_left_out is None


def test_the_speaker_page_counts_the_candidates_left_out(rachel_client, corpus):
    coverage = rachel_client.get(reverse("speaker_detail", args=[corpus.lopez.pk])).context[
        "coverage"
    ]

    assert (coverage.total, coverage.unreviewed_left_out) == (2, 1)


def test_the_outlet_filter_ignores_case_and_spacing(rachel_client, corpus):
    exact = listed_ids(rachel_client.get(reverse("quote_list"), {"outlet": "Valley Post"}))

    typed = listed_ids(rachel_client.get(reverse("quote_list"), {"outlet": " valley  POST "}))

    assert typed == exact and len(exact) == 3


@pytest.mark.parametrize("name", ["quote_list", "speaker_list", "statement_list"])
def test_research_pages_vary_on_htmx(rachel_client, corpus, name):
    response = rachel_client.get(reverse(name))

    assert "HX-Request" in response["Vary"]


def test_the_nav_marks_the_current_page(rachel_client, corpus):
    html = rachel_client.get(reverse("statement_list")).content.decode()

    assert f'<a href="{reverse("statement_list")}" aria-current="page">Statements</a>' in html
    assert f'<a href="{reverse("speaker_list")}">Top speakers</a>' in html


def test_statement_pages_follow_their_cursor(rachel_client, corpus):
    first = rachel_client.get(reverse("statement_list"), {"repeated": "0", "limit": 1})
    next_url = first.context["next_url"]

    second = rachel_client.get(reverse("statement_list") + next_url)

    assert second.status_code == 200
    assert (
        second.context["statements"][0]["first_quote"]
        != (first.context["statements"][0]["first_quote"])
    )


def test_an_outlet_newer_than_the_cached_list_is_still_matched_by_case(rachel_client, corpus):
    rachel_client.get(reverse("quote_list"))  # caches the outlets known now
    article = make_article(text="Tolls rise, said the mayor.", outlet="Ferry Weekly")
    new = quote(article, "Tolls rise", status=Quote.Status.CONFIRMED)

    assert listed_ids(rachel_client.get(reverse("quote_list"), {"outlet": "ferry weekly"})) == [
        new.pk
    ]
