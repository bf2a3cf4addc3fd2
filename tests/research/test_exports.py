"""Exports: CSV and JSONL of the current filter, the same from the command, streamed."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.http import StreamingHttpResponse
from django.urls import reverse

from tests.factories import make_article, make_quote

from .conftest import listed_ids

LIST = reverse("quote_list")
CSV_URL = reverse("quote_export", args=["csv"])
JSONL_URL = reverse("quote_export", args=["jsonl"])
GOLD_URL = reverse("quote_export", args=["gold-jsonl"])

FILTERS = [
    {},
    {"speaker": "lopez"},
    {"outlet": "Valley Post"},
    {"status": ["candidate", "rejected"]},
    {"kind": "indirect", "date_from": "2024-03-01", "date_to": "2024-03-31"},
    {"q": "budget"},
    {"q": "budget", "sort": "relevance"},
]


def resolve(corpus, params):
    params = dict(params)
    if params.get("speaker") == "lopez":
        params["speaker"] = corpus.lopez.pk
    return params


def read_csv(response) -> list[dict]:
    assert isinstance(response, StreamingHttpResponse)
    text = response.getvalue().decode()
    return list(csv.DictReader(io.StringIO(text)))


def read_jsonl(response) -> list[dict]:
    assert isinstance(response, StreamingHttpResponse)
    text = response.getvalue().decode()
    return [json.loads(line) for line in text.splitlines()]


@pytest.mark.parametrize("params", FILTERS)
def test_csv_export_has_exactly_the_listed_quotes_in_order(rachel_client, corpus, params):
    params = resolve(corpus, params)
    listed = listed_ids(rachel_client.get(LIST, params))

    rows = read_csv(rachel_client.get(CSV_URL, params))

    assert [int(row["quote_id"]) for row in rows] == listed


@pytest.mark.parametrize("params", FILTERS)
def test_jsonl_export_has_exactly_the_listed_quotes(rachel_client, corpus, params):
    params = resolve(corpus, params)
    listed = listed_ids(rachel_client.get(LIST, params))

    records = read_jsonl(rachel_client.get(JSONL_URL, params))

    assert [record["quote_id"] for record in records] == listed


@pytest.mark.parametrize("params", FILTERS)
def test_gold_export_has_exactly_the_listed_quotes(rachel_client, corpus, params):
    params = resolve(corpus, params)
    listed = listed_ids(rachel_client.get(LIST, params))

    records = read_jsonl(rachel_client.get(GOLD_URL, params))

    exported = [quote["quote_id"] for record in records for quote in record["quotes"]]
    assert sorted(exported) == sorted(listed)


def test_jsonl_has_one_record_per_article_in_the_shared_format(rachel_client, corpus):
    records = read_jsonl(rachel_client.get(GOLD_URL, {"speaker": corpus.reed.pk}))

    assert [record["article_id"] for record in records] == [
        corpus.budget.pk,
        corpus.bridge.pk,
        corpus.undated.pk,
    ]
    budget = records[0]
    assert budget["text"] == corpus.budget.text
    assert budget["outlet"] == "Valley Post"
    assert budget["url"] == "https://post.example/budget"
    assert budget["id"] == str(corpus.budget.pk)  # no external id: our own stable id
    (quote,) = budget["quotes"]
    start, end = quote["quote_span"]
    assert budget["text"][start:end] == quote["quote"] == "the budget could not carry the cost"
    assert quote["speaker_name"] == "Tom Reed"
    assert quote["quote_id"] == corpus.budget_reed.pk
    assert quote["speaker_id"] == corpus.reed.pk
    assert quote["status"] == "corrected"
    assert quote["quote_url"].endswith(
        f"/articles/{corpus.budget.pk}/#quote-{corpus.budget_reed.pk}"
    )


def test_csv_carries_stable_ids_and_permalinks(rachel_client, corpus):
    (row,) = read_csv(rachel_client.get(CSV_URL, {"article": corpus.bridge.pk, "kind": "direct"}))

    assert row["quote_id"] == str(corpus.bridge_lopez.pk)
    assert row["quote"] == '"We will rebuild the bridge by spring,"'
    assert row["speaker_name"] == "Ana Lopez"
    assert row["speaker_url"] == f"http://testserver/speakers/{corpus.lopez.pk}/"
    assert row["quote_url"] == (
        f"http://testserver/articles/{corpus.bridge.pk}/#quote-{corpus.bridge_lopez.pk}"
    )
    assert row["outlet"] == "Harbour Gazette"
    assert row["published"] == "2024-03-05"
    assert row["source_url"] == "https://gazette.example/bridge"


def test_export_with_a_bad_parameter_is_a_400_naming_it(rachel_client, corpus):
    response = rachel_client.get(CSV_URL, {"date_to": "2024-99-01"})

    assert response.status_code == 400
    assert "date_to: Enter a date as YYYY-MM-DD." in response.content.decode()


def test_unknown_export_format_is_not_found(rachel_client, corpus):
    assert rachel_client.get(reverse("quote_export", args=["xlsx"])).status_code == 404


def test_command_writes_what_the_page_exports(rachel_client, corpus, tmp_path):
    params = {"speaker": corpus.reed.pk, "status": ["confirmed", "corrected"]}
    page_rows = read_csv(rachel_client.get(CSV_URL, params))
    out = tmp_path / "reed.csv"

    call_command(
        "export_quotes",
        "--speaker",
        str(corpus.reed.pk),
        "--status",
        "confirmed",
        "--status",
        "corrected",
        "--base-url",
        "http://testserver",
        "--output",
        str(out),
    )

    with out.open(newline="", encoding="utf-8") as handle:
        assert list(csv.DictReader(handle)) == page_rows


def test_command_jsonl_export_by_outlet_and_dates(corpus, tmp_path):
    out = tmp_path / "quotes.jsonl"

    call_command(
        "export_quotes",
        "--format",
        "gold-jsonl",
        "--outlet",
        "Harbour Gazette",
        "--date-from",
        "2024-01-01",
        "--output",
        str(out),
    )

    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["article_id"] for r in records] == [corpus.bridge.pk]
    assert [q["quote_id"] for q in records[0]["quotes"]] == [
        corpus.bridge_lopez.pk,
        corpus.bridge_reed.pk,
    ]


def test_command_refuses_bad_filters_with_the_message(corpus):
    with pytest.raises(CommandError, match="speaker: There is no speaker with id 424242."):
        call_command("export_quotes", "--speaker", "424242")


def test_csv_cells_that_a_spreadsheet_would_run_are_marked_as_text(rachel_client, db):
    article = make_article(
        text='=HYPERLINK("http://evil.example") is all she wrote, said Tom Reed.',
        title="@everyone: a test",
        outlet="-Minus Weekly",
    )
    formula = '=HYPERLINK("http://evil.example")'
    make_quote(article, formula, status="confirmed")

    (row,) = read_csv(rachel_client.get(CSV_URL, {"article": article.pk}))
    (record,) = read_jsonl(rachel_client.get(JSONL_URL, {"article": article.pk}))

    assert row["quote"] == "'" + formula
    assert row["title"] == "'@everyone: a test"
    assert row["outlet"] == "'-Minus Weekly"
    assert record["quote"] == formula  # JSONL keeps the text exactly
