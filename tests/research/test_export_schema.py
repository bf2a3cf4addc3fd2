"""One schema (exports.COLUMNS) for CSV, Excel CSV, JSONL and the API, loaded in pandas.

The README's "Export schema" documents the columns; these tests hold every format to it
and read each export as a researcher would: pandas.read_csv / read_json with the
documented options, ids as integers (never floats) even where some are missing.
"""

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone

from annotations import exports
from annotations.models import Quote

README = Path(__file__).resolve().parents[2] / "README.md"


def export(client, fmt, params=None) -> bytes:
    response = client.get(reverse("quote_export", args=[fmt]), params or {})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


ALL = {"status": ["candidate", "confirmed", "corrected", "rejected"]}


def test_csv_header_is_the_schema(rachel_client, corpus):
    header = export(rachel_client, "csv").decode().splitlines()[0]

    assert header.split(",") == exports.COLUMN_NAMES


def test_jsonl_lines_have_the_schemas_fields_in_order(rachel_client, corpus):
    frame = pd.read_json(io.BytesIO(export(rachel_client, "jsonl")), lines=True)

    assert list(frame.columns) == exports.COLUMN_NAMES


def test_api_items_have_the_schemas_fields_and_rank(rachel_client, corpus):
    params = {"article": corpus.budget.pk, "kind": "direct"}
    (item,) = rachel_client.get("/api/quotes", params).json()["items"]

    assert list(item) == [*exports.COLUMN_NAMES, "rank"]


def test_the_readme_documents_every_column(db):
    text = README.read_text(encoding="utf-8")
    schema = text.split("### Export schema", 1)[1].split("\n### ", 1)[0]
    documented = re.findall(r"^\| `([a-z_]+)` \|", schema, flags=re.MULTILINE)

    assert documented == exports.COLUMN_NAMES


def test_a_quote_reads_the_same_in_csv_jsonl_and_the_api(rachel_client, corpus):
    params = {"article": corpus.budget.pk, "kind": "indirect"}
    csv_row = pd.read_csv(
        io.BytesIO(export(rachel_client, "csv", params)), dtype_backend="numpy_nullable"
    ).iloc[0]
    json_row = pd.read_json(io.BytesIO(export(rachel_client, "jsonl", params)), lines=True).iloc[0]
    (api_item,) = rachel_client.get("/api/quotes", params).json()["items"]

    for name in ("quote_id", "quote", "speaker_id", "speaker_name", "status", "outlet"):
        assert csv_row[name] == json_row[name] == api_item[name], name
    assert api_item["quote"] == "the budget could not carry the cost"


@pytest.mark.parametrize("fmt", ["csv", "excel-csv"])
def test_pandas_reads_ids_of_a_csv_as_integers_with_missing_speakers(rachel_client, corpus, fmt):
    # school_critics has no speaker: its speaker_id cell is empty.
    frame = pd.read_csv(io.BytesIO(export(rachel_client, fmt, ALL)), dtype_backend="numpy_nullable")

    assert frame["speaker_id"].isna().sum() == 1
    for column in ("quote_id", "speaker_id", "article_id", "quote_start", "quote_end"):
        assert str(frame[column].dtype) == "Int64", column
    assert frame.columns[0] == "quote_id"  # the BOM is not part of the first name


def test_pandas_reads_ids_of_jsonl_as_integers_with_missing_speakers(rachel_client, corpus):
    frame = pd.read_json(
        io.BytesIO(export(rachel_client, "jsonl", ALL)), lines=True, dtype_backend="numpy_nullable"
    )

    assert frame["speaker_id"].isna().sum() == 1
    assert str(frame["speaker_id"].dtype) == "Int64"
    assert sorted(frame["quote_id"]) == sorted(Quote.objects.values_list("pk", flat=True))


def test_pandas_reads_the_gold_format_one_article_a_line(rachel_client, corpus):
    frame = pd.read_json(io.BytesIO(export(rachel_client, "gold-jsonl", ALL)), lines=True)

    assert sorted(frame["article_id"]) == sorted(
        [corpus.bridge.pk, corpus.budget.pk, corpus.school.pk, corpus.undated.pk]
    )
    assert {"id", "text", "quotes"} <= set(frame.columns)


def test_excel_csv_starts_with_a_byte_order_mark(rachel_client, corpus):
    body = export(rachel_client, "excel-csv")

    assert body.startswith(b"\xef\xbb\xbf")
    assert body[3:].decode("utf-8") == export(rachel_client, "csv").decode("utf-8")


def test_reviewer_and_review_time_of_a_reviewed_quote(rachel_client, corpus, alice):
    when = timezone.now().replace(microsecond=0)
    Quote.objects.filter(pk=corpus.budget_reed.pk).update(updated_by=alice, updated_at=when)
    Quote.objects.filter(pk=corpus.school_lopez.pk).update(updated_by=alice, updated_at=when)

    rows = pd.read_json(io.BytesIO(export(rachel_client, "jsonl", ALL)), lines=True)
    reviewed = rows.set_index("quote_id")

    assert reviewed.loc[corpus.budget_reed.pk, "reviewed_by"] == "alice"
    assert pd.Timestamp(reviewed.loc[corpus.budget_reed.pk, "reviewed_at"]) == pd.Timestamp(when)
    # A candidate has been touched by nobody's review: no reviewer, no time.
    assert reviewed.loc[corpus.school_lopez.pk, "reviewed_by"] in ("", None)
    assert pd.isna(reviewed.loc[corpus.school_lopez.pk, "reviewed_at"])


def test_speaker_profile_columns_say_unknown_until_known(rachel_client, corpus):
    rows = pd.read_json(io.BytesIO(export(rachel_client, "jsonl")), lines=True)

    assert set(rows["speaker_type"]) <= {"person", "organisation", "group", "unknown"}
    assert set(rows["speaker_gender"]) <= {"female", "male", "nonbinary", "unknown"}


@pytest.mark.parametrize(
    ("fmt", "params", "name"),
    [
        ("csv", {}, "quotes.csv"),
        ("jsonl", {"outlet": "Valley Post"}, "quotes_outlet-valley-post.jsonl"),
        ("gold-jsonl", {}, "quotes_gold.jsonl"),
        (
            "excel-csv",
            {"date_from": "2024-03-01", "date_to": "2024-03-31", "q": "bridge plan"},
            "quotes_from-2024-03-01_to-2024-03-31_q-bridge-plan.csv",
        ),
        (
            "csv",
            {"status": ["candidate"], "kind": ["direct"]},
            "quotes_status-candidate_kind-direct.csv",
        ),
    ],
)
def test_export_file_names_carry_the_filter(rachel_client, corpus, fmt, params, name):
    response = rachel_client.get(reverse("quote_export", args=[fmt]), params)

    assert response["Content-Disposition"] == f'attachment; filename="{name}"'


def test_speaker_filter_in_the_file_name(rachel_client, corpus):
    response = rachel_client.get(reverse("quote_export", args=["csv"]), {"speaker": corpus.reed.pk})

    assert f'filename="quotes_speaker-{corpus.reed.pk}.csv"' in response["Content-Disposition"]
