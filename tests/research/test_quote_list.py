"""The quote list: each filter, their combinations, paging, and bad parameters."""

import pytest
from django.urls import reverse

from .conftest import listed_ids

URL = reverse("quote_list")


def ids(corpus, *names):
    return [getattr(corpus, name).pk for name in names]


def test_default_lists_confirmed_and_corrected_newest_article_first(rachel_client, corpus):
    response = rachel_client.get(URL)

    assert response.status_code == 200
    # budget (9 March) before bridge (5 March), reading order within each, undated last;
    # the school article's candidate and rejected quotes are not shown.
    assert listed_ids(response) == ids(
        corpus, "budget_reed", "budget_lopez", "bridge_lopez", "bridge_reed", "undated_reed"
    )


def test_candidates_are_listed_only_when_asked_for(rachel_client, corpus):
    response = rachel_client.get(URL, {"status": "candidate"})

    assert listed_ids(response) == ids(corpus, "school_lopez")


def test_several_statuses_combine_with_or(rachel_client, corpus):
    response = rachel_client.get(URL, {"status": ["candidate", "rejected"]})

    assert listed_ids(response) == ids(corpus, "school_lopez", "school_critics")


def test_speaker_filter_keeps_only_that_speakers_quotes(rachel_client, corpus):
    response = rachel_client.get(URL, {"speaker": corpus.lopez.pk})

    assert listed_ids(response) == ids(corpus, "budget_lopez", "bridge_lopez")


def test_outlet_filter(rachel_client, corpus):
    response = rachel_client.get(URL, {"outlet": "Valley Post"})

    assert listed_ids(response) == ids(corpus, "budget_reed", "budget_lopez", "undated_reed")


def test_date_range_is_inclusive_and_leaves_out_undated_articles(rachel_client, corpus):
    response = rachel_client.get(URL, {"date_from": "2024-03-05", "date_to": "2024-03-08"})

    assert listed_ids(response) == ids(corpus, "bridge_lopez", "bridge_reed")


def test_kind_filter(rachel_client, corpus):
    response = rachel_client.get(URL, {"kind": "indirect"})

    assert listed_ids(response) == ids(corpus, "budget_reed", "bridge_reed")


def test_speaker_outlet_dates_and_kind_combine_with_and(rachel_client, corpus):
    response = rachel_client.get(
        URL,
        {
            "speaker": corpus.reed.pk,
            "outlet": "Harbour Gazette",
            "date_from": "2024-01-01",
            "date_to": "2024-12-31",
            "kind": ["indirect", "mixed"],
        },
    )

    assert listed_ids(response) == ids(corpus, "bridge_reed")


def test_article_filter(rachel_client, corpus):
    response = rachel_client.get(URL, {"article": corpus.bridge.pk})

    assert listed_ids(response) == ids(corpus, "bridge_lopez", "bridge_reed")


def test_pages_follow_each_other_without_gaps_or_repeats(rachel_client, corpus):
    seen, params = [], {"limit": 2}
    while True:
        response = rachel_client.get(URL, params)
        seen += listed_ids(response)
        if not response.context["next_url"]:
            break
        params = response.context["next_url"].lstrip("?")
        params = dict(pair.split("=", 1) for pair in params.split("&"))

    assert seen == ids(
        corpus, "budget_reed", "budget_lopez", "bridge_lopez", "bridge_reed", "undated_reed"
    )


def test_each_result_links_to_its_article_at_the_quote(rachel_client, corpus):
    response = rachel_client.get(URL, {"speaker": corpus.reed.pk, "outlet": "Harbour Gazette"})

    link = reverse("article_review", args=[corpus.bridge.pk]) + f"#quote-{corpus.bridge_reed.pk}"
    assert f'href="{link}"' in response.content.decode()


def test_htmx_filtering_answers_with_the_results_fragment_only(rachel_client, corpus):
    response = rachel_client.get(
        URL, {"outlet": "Valley Post"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="results"')
    assert "<form" not in html


def test_filters_are_kept_in_the_page_for_bookmarking(rachel_client, corpus):
    response = rachel_client.get(URL, {"outlet": "Valley Post", "kind": "direct"})

    html = response.content.decode()
    assert 'name="outlet" id="id_outlet" value="Valley Post"' in html
    assert 'value="direct" checked' in html.replace('id="id_kind_0" ', "")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"speaker": "999999"}, "There is no speaker with id 999999."),
        ({"speaker": "abc"}, "There is no speaker with id abc."),
        ({"date_from": "2024-02-30"}, "date_from: Enter a date as YYYY-MM-DD."),
        ({"date_to": "yesterday"}, "date_to: Enter a date as YYYY-MM-DD."),
        ({"limit": "100000"}, "limit: must be between 1 and 200, not 100000."),
        ({"limit": "ten"}, "limit: 'ten' is not a whole number."),
        ({"cursor": "not-a-cursor"}, "cursor: not a cursor this list gave out"),
        ({"status": "published"}, "status: Select a valid choice."),
        ({"kind": "shouted"}, "kind: Select a valid choice."),
        ({"article": "-3"}, "article:"),
    ],
)
def test_bad_parameters_get_a_400_that_names_them(rachel_client, corpus, params, message):
    response = rachel_client.get(URL, params)

    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")


def test_a_bad_parameter_in_an_htmx_request_answers_the_fragment_with_the_message(
    rachel_client, corpus
):
    response = rachel_client.get(
        URL, {"date_from": "2024-13-01"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )

    assert response.status_code == 400
    assert "date_from: Enter a date as YYYY-MM-DD." in response.content.decode()
    assert "<form" not in response.content.decode()


def test_a_cursor_from_another_sort_is_refused(rachel_client, corpus):
    first = rachel_client.get(URL, {"limit": 1})
    cursor = first.context["page"].next_cursor.encode()

    response = rachel_client.get(URL, {"q": "budget", "sort": "relevance", "cursor": cursor})

    assert response.status_code == 400


def test_speaker_autocomplete_matches_names_and_aliases(rachel_client, corpus):
    by_alias = rachel_client.get(reverse("speaker_autocomplete"), {"speaker_q": "mayor lo"})
    by_name = rachel_client.get(reverse("speaker_autocomplete"), {"speaker_q": "REED"})

    assert f"speaker={corpus.lopez.pk}" in by_alias.content.decode()
    assert "Tom Reed" not in by_alias.content.decode()
    assert f"speaker={corpus.reed.pk}" in by_name.content.decode()


def test_autocomplete_links_keep_the_other_filters(rachel_client, corpus):
    response = rachel_client.get(
        reverse("speaker_autocomplete"),
        {"speaker_q": "lopez", "outlet": "Valley Post", "speaker": corpus.reed.pk},
    )

    assert f"?outlet=Valley+Post&amp;speaker={corpus.lopez.pk}" in response.content.decode()
