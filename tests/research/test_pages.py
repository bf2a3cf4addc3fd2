"""The speaker page, top speakers, repeated statements, articles, and who may see them."""

import datetime

import pytest
from django.urls import reverse

from annotations.importers import ArticleRecord, GoldQuote
from annotations.models import Quote, quote_fingerprint
from annotations.services import import_records
from annotations.views.research import monthly_chart

from .conftest import listed_ids

PAGES = ["quote_list", "speaker_list", "statement_list", "research_articles"]


# Speaker page -----------------------------------------------------------------------


def test_speaker_page_shows_name_aliases_description_and_external_id(rachel_client, corpus):
    html = rachel_client.get(reverse("speaker_detail", args=[corpus.lopez.pk])).content.decode()

    assert "<h1>Ana Lopez</h1>" in html
    assert "Mayor Lopez" in html
    assert "Mayor" in html and "Q1001" in html


def test_speaker_page_counts_quotes_by_outlet(rachel_client, corpus):
    response = rachel_client.get(reverse("speaker_detail", args=[corpus.reed.pk]))

    # Reed: bridge (Gazette), budget (Post, corrected) and the undated letter (Post).
    assert response.context["quote_count"] == 3
    assert response.context["by_outlet"] == [
        {"article__outlet": "Valley Post", "quote_count": 2, "percent": "66.7%"},
        {"article__outlet": "Harbour Gazette", "quote_count": 1, "percent": "33.3%"},
    ]


def test_speaker_page_lists_their_quotes_with_the_same_filters(rachel_client, corpus):
    response = rachel_client.get(
        reverse("speaker_detail", args=[corpus.lopez.pk]), {"status": "candidate"}
    )

    assert listed_ids(response) == [corpus.school_lopez.pk]
    assert response.context["quote_count"] == 1


def test_speaker_chart_has_a_bar_for_every_month_between_first_and_last(rachel_client, corpus):
    response = rachel_client.get(reverse("speaker_detail", args=[corpus.lopez.pk]))

    chart = response.context["chart"]
    # Both of Lopez's reviewed quotes are from March 2024: one month, two quotes.
    assert [bar["label"] for bar in chart["bars"]] == ["March 2024: 2"]
    assert '<title id="chart-title">Quotes per month</title>' in response.content.decode()


def test_monthly_chart_fills_empty_months_with_zero():
    chart = monthly_chart({datetime.date(2024, 11, 1): 4, datetime.date(2025, 2, 1): 2})

    assert [bar["label"] for bar in chart["bars"]] == [
        "November 2024: 4",
        "December 2024: 0",
        "January 2025: 0",
        "February 2025: 2",
    ]
    assert chart["bars"][1]["height"] == 0
    assert chart["bars"][0]["height"] == 2 * chart["bars"][3]["height"]


def test_unknown_speaker_page_is_a_404(rachel_client, corpus):
    assert rachel_client.get(reverse("speaker_detail", args=[987654])).status_code == 404


def test_speaker_absolute_url_is_the_speaker_page(corpus):
    assert corpus.lopez.get_absolute_url() == f"/speakers/{corpus.lopez.pk}/"


# Top speakers -----------------------------------------------------------------------


def test_top_speakers_are_ordered_by_reviewed_quotes(rachel_client, corpus):
    response = rachel_client.get(reverse("speaker_list"))

    assert [(row["speaker"], row["count"]) for row in response.context["rows"]] == [
        (corpus.reed, 3),
        (corpus.lopez, 2),
    ]


def test_top_speakers_for_an_outlet_and_dates(rachel_client, corpus):
    response = rachel_client.get(
        reverse("speaker_list"),
        {"outlet": "Valley Post", "date_from": "2024-03-01", "date_to": "2024-03-31"},
    )

    assert [(row["speaker"], row["count"]) for row in response.context["rows"]] == [
        (corpus.lopez, 1),
        (corpus.reed, 1),
    ]


def test_top_speakers_link_to_speaker_pages_with_the_filter(rachel_client, corpus):
    html = rachel_client.get(reverse("speaker_list"), {"outlet": "Valley Post"}).content.decode()

    assert f'href="/speakers/{corpus.reed.pk}/?outlet=Valley+Post"' in html


def test_top_speakers_with_a_malformed_date_is_a_400(rachel_client, corpus):
    response = rachel_client.get(reverse("speaker_list"), {"date_from": "03/01/2024"})

    assert response.status_code == 400
    assert "date_from: Enter a date as YYYY-MM-DD." in response.content.decode()


# Repeated statements ------------------------------------------------------------------


def test_a_statement_carried_by_two_outlets_is_shown_once_with_both(rachel_client, corpus):
    response = rachel_client.get(reverse("statement_list"))

    (statement,) = response.context["statements"]
    assert statement["quote"] == corpus.bridge_lopez  # the first seen, lowest id
    assert statement["appearances"] == 2
    assert statement["outlets"] == ["Harbour Gazette", "Valley Post"]
    assert statement["first_seen"] == datetime.date(2024, 3, 5)
    assert response.context["totals"] == {"statements": 1, "appearances": 2}


def test_every_statement_counts_statements_and_appearances(rachel_client, corpus):
    response = rachel_client.get(reverse("statement_list"), {"repeated": "0"})

    # Five reviewed quotes with speakers; the repeated bridge quote counts once.
    assert response.context["totals"] == {"statements": 4, "appearances": 5}


def test_the_same_words_from_another_speaker_are_another_statement(rachel_client, corpus):
    corpus.budget_lopez.speaker = corpus.reed
    corpus.budget_lopez.save()

    response = rachel_client.get(reverse("statement_list"))

    assert response.context["statements"] == []


def test_fingerprint_ignores_case_marks_punctuation_and_accents():
    assert quote_fingerprint('"We will rebuild the bridge by spring,"') == quote_fingerprint(
        "“we will REBUILD the bridge — by spring”"
    )
    assert quote_fingerprint("Café déjà vu") == quote_fingerprint("cafe deja vu!")
    assert quote_fingerprint("the bridge by spring") != quote_fingerprint("the bridge by summer")
    assert quote_fingerprint(" ,;' ") == ""
    assert len(quote_fingerprint("any words")) == 40


def test_importing_gold_quotes_sets_their_fingerprint(db):
    text = '"Fares will fall in May," said Ana Lopez.'
    record = ArticleRecord(
        text=text,
        quotes=[GoldQuote(start=0, end=26, text=text[:26], speaker_name="Ana Lopez")],
    )

    import_records(source="test", records=[record])

    assert Quote.objects.get().fingerprint == quote_fingerprint('"Fares will fall in May,"')


# Articles -----------------------------------------------------------------------------


def test_articles_awaiting_review(rachel_client, corpus):
    response = rachel_client.get(reverse("research_articles"), {"review": "awaiting"})

    assert [a.pk for a in response.context["page"].items] == [corpus.school.pk]


def test_articles_search_by_title_and_outlet(rachel_client, corpus):
    response = rachel_client.get(
        reverse("research_articles"), {"q": "budget", "outlet": "Valley Post"}
    )

    assert [a.pk for a in response.context["page"].items] == [corpus.budget.pk]


def test_articles_show_review_counts(rachel_client, corpus):
    response = rachel_client.get(reverse("research_articles"), {"q": "School opens"})

    (article,) = response.context["page"].items
    assert (article.counts.candidate_count, article.counts.rejected_count) == (1, 1)


# Permissions --------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, corpus, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", PAGES)
def test_users_without_a_role_are_refused(client, mallory, corpus, name):
    client.force_login(mallory)

    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_editors_may_read_the_research_pages(alice_client, corpus, name):
    assert alice_client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_research_pages_do_not_accept_writes(rachel_client, corpus, name):
    before = list(Quote.objects.order_by("pk").values())

    response = rachel_client.post(reverse(name), {"status": "rejected"})

    assert response.status_code == 405
    assert list(Quote.objects.order_by("pk").values()) == before


def test_anonymous_export_is_sent_to_log_in(client, corpus):
    response = client.get(reverse("quote_export", args=["csv"]))

    assert response.status_code == 302


def test_one_month_is_one_narrow_labelled_bar_not_the_whole_plot():
    chart = monthly_chart({datetime.date(2024, 3, 1): 5})

    (bar,) = chart["bars"]
    assert bar["width"] <= 56  # the plot is 720 wide
    assert bar["value"] == 5
    assert [tick["label"] for tick in chart["ticks"]] == ["Mar 2024"]
