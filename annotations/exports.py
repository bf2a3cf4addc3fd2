"""Exports of filtered quotes, and the one record schema that CSV, JSONL and the API share.

``COLUMNS`` is the schema: one flat record per quote, the same names, order and meaning
in the CSV (one row a quote), the JSONL (one line a quote) and the API's quote items.
The README's "Export schema" table lists it; adding a field is one ``Column`` line.
The gold format (``gold-jsonl``: one article per line with its text and quotes, as in
the shared data's README) stays a separate, named format, so an export can be scored or
imported again.

Rows come from ``.values()`` through ``.iterator(chunk_size=...)`` (a server-side cursor
on PostgreSQL) and are written as they arrive, so a million quotes take constant memory.
"""

import csv
import datetime
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import F
from django.http import StreamingHttpResponse
from django.utils.text import slugify

from .filters import DEFAULT_STATUSES, best_matches
from .models import Article, Quote, Speaker
from .permalinks import article_url, quote_url, speaker_url

CHUNK_SIZE = 2000
ARTICLES_PER_TEXT_FETCH = 200
UNKNOWN = "unknown"


def _speaker_profile(name: str) -> str | None:
    """The Speaker field ``name`` as a values() path, or None until the model has it
    (speaker_type and gender come with the Speaker profile: "unknown" until then)."""
    fields = {f.name for f in Speaker._meta.get_fields()}
    return f"speaker__{name}" if name in fields else None


@dataclass(frozen=True)
class Column:
    name: str
    type: type | object  # the API schema's type; CSV writes "" for None
    description: str
    source: str | None = None  # a values() path read as is
    value: Callable[[dict], object] | None = field(default=None, compare=False)  # derived
    default: object = None  # when the source field does not exist (yet)


def _reviewed(row) -> bool:
    return row["status"] != Quote.Status.CANDIDATE


COLUMNS = [
    Column("quote_id", int, "Stable id of the quote.", "id"),
    Column(
        "quote_url",
        str,
        "Permalink: the article page, scrolled to this quote.",
        value=lambda r: r["_base"] + quote_url(r["article_id"], r["id"]),
    ),
    Column(
        "quote",
        str,
        "The quote as printed: the article text from quote_start to quote_end.",
        "text",
    ),
    Column("quote_start", int, "Offset of the quote in the article text (code points).", "start"),
    Column("quote_end", int, "Offset just after the quote.", "end"),
    Column("kind", str, "direct, indirect or mixed.", "kind"),
    Column("status", str, "candidate (not reviewed), confirmed, corrected or rejected.", "status"),
    Column(
        "confidence",
        float | None,
        "Extractor's confidence, 0 to 1 (none if added by hand).",
        "confidence",
    ),
    Column(
        "reviewed_by",
        str,
        "User name of the editor who confirmed, corrected or rejected it.",
        value=lambda r: (r["updated_by__username"] or "") if _reviewed(r) else "",
    ),
    Column(
        "reviewed_at",
        datetime.datetime | None,
        "When it was reviewed (ISO 8601, UTC).",
        value=lambda r: r["updated_at"] if _reviewed(r) else None,
    ),
    Column(
        "speaker_id", int | None, "Stable id of the speaker (none if unattributed).", "speaker_id"
    ),
    Column(
        "speaker_name",
        str,
        "The speaker's name (or the extractor's, if not resolved).",
        value=lambda r: r["speaker__name"] or r["speaker_name"],
    ),
    Column(
        "speaker_url",
        str,
        "Permalink of the speaker's page.",
        value=lambda r: r["_base"] + speaker_url(r["speaker_id"]) if r["speaker_id"] else "",
    ),
    Column(
        "speaker_type",
        str,
        "person, organisation, group or unknown.",
        _speaker_profile("speaker_type"),
        default=UNKNOWN,
    ),
    Column(
        "speaker_gender",
        str,
        "female, male, nonbinary or unknown.",
        _speaker_profile("gender"),
        default=UNKNOWN,
    ),
    Column(
        "speaker_mention",
        str,
        "The speaker as written at the quote: 'he', 'Mr Wallace'.",
        "speaker_text",
    ),
    Column("verb", str, "The reporting verb: 'said', 'warned'.", "cue_text"),
    Column("article_id", int, "Stable id of the article.", "article_id"),
    Column(
        "article_url",
        str,
        "Permalink of the article page in this app.",
        value=lambda r: r["_base"] + article_url(r["article_id"]),
    ),
    Column(
        "article_external_id",
        str,
        "The article's id in the source data set.",
        "article__external_id",
    ),
    Column("outlet", str, "The news outlet.", "article__outlet"),
    Column(
        "published",
        datetime.date | None,
        "Publication date (YYYY-MM-DD; none if unknown).",
        "article__published",
    ),
    Column("title", str, "The article's title.", "article__title"),
    Column("source_url", str, "Where the article was published.", "article__url"),
    Column("fingerprint", str, "Groups repeats of one statement by one speaker.", "fingerprint"),
]
COLUMN_NAMES = [column.name for column in COLUMNS]

# Everything a record or a gold-format line reads, in one values() query.
QUOTE_FIELDS = sorted(
    {column.source for column in COLUMNS if column.source}
    | {
        "id",
        "text",
        "start",
        "end",
        "article_id",
        "speaker_id",
        "speaker__name",
        "speaker_name",
        "speaker_text",
        "speaker_start",
        "speaker_end",
        "cue_text",
        "cue_start",
        "cue_end",
        "is_floating",
        "confidence",
        "kind",
        "status",
        "fingerprint",
        "updated_by__username",
        "updated_at",
        "article__external_id",
        "article__outlet",
        "article__published",
        "article__title",
        "article__url",
    }
)


def record(row: dict, base_url: str = "") -> dict:
    """The schema's record of one quote, from a ``values(*QUOTE_FIELDS)`` row."""
    row = {**row, "_base": base_url}
    out = {}
    for column in COLUMNS:
        if column.value is not None:
            out[column.name] = column.value(row)
        elif column.source is None:
            out[column.name] = column.default
        else:
            value = row[column.source]
            # a quote with no speaker has no profile: its type and gender are "unknown"
            out[column.name] = column.default if value is None else value
    return out


def records_by_id(quote_ids, base_url: str = "") -> dict[int, dict]:
    """Records of the given quotes, by id (the API builds its page items with it)."""
    rows = Quote.objects.filter(pk__in=list(quote_ids)).values(*QUOTE_FIELDS)
    return {row["id"]: record(row, base_url) for row in rows}


def ordered_rows(quotes, *, sort: str = "date", terms: str = "") -> Iterator[dict]:
    """The quotes as dicts, in the order the quote list shows them.

    Date order is newest article first, reading order within an article, undated
    articles last (two queries, so each follows the (published, id) index).
    """
    if sort == "relevance":
        rows = best_matches(quotes, terms).values(*QUOTE_FIELDS)
        yield from rows.iterator(chunk_size=CHUNK_SIZE)
        return
    rows = quotes.values(*QUOTE_FIELDS)
    order = ("-article_id", "start", "id")
    dated = rows.filter(article__published__isnull=False).order_by(
        F("article__published").desc(), *order
    )
    yield from dated.iterator(chunk_size=CHUNK_SIZE)
    undated = rows.filter(article__published__isnull=True).order_by(*order)
    yield from undated.iterator(chunk_size=CHUNK_SIZE)


class _Echo:
    """A file-like object whose write returns what it was given (Django's CSV recipe)."""

    def write(self, value):
        return value


# What a spreadsheet takes for the start of a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text_cell(value: str) -> str:
    """``value`` as a CSV cell a spreadsheet shows as text, never runs as a formula.

    Article text comes from anywhere; a quote reading =HYPERLINK(...) must not become a
    live link in a researcher's spreadsheet. The leading apostrophe is what spreadsheets
    themselves use to mark text; JSONL exports keep every text exactly.
    """
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _csv_cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, str):
        return as_text_cell(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def csv_lines(rows: Iterable[dict], *, base_url: str = "") -> Iterator[str]:
    """One row a quote, the schema's columns; an unknown value is an empty cell."""
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMN_NAMES)
    for row in rows:
        yield writer.writerow([_csv_cell(value) for value in record(row, base_url).values()])


def excel_csv_lines(rows: Iterable[dict], *, base_url: str = "") -> Iterator[str]:
    """The CSV with a byte-order mark first: Excel then reads it as UTF-8, not ANSI."""
    yield "\ufeff"
    yield from csv_lines(rows, base_url=base_url)


def _json_default(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def jsonl_lines(rows: Iterable[dict], *, base_url: str = "") -> Iterator[str]:
    """One JSON object a line, one line a quote: the schema's record (null if unknown)."""
    for row in rows:
        yield json.dumps(record(row, base_url), ensure_ascii=False, default=_json_default) + "\n"


def speaker_profile(row: dict) -> dict:
    """The speaker_type and speaker_gender columns (voices): "unknown" with no speaker."""
    return {
        "speaker_type": row["speaker__speaker_type"] or "unknown",
        "speaker_gender": row["speaker__gender"] or "unknown",
    }


def _span(start, end):
    return [start, end] if start is not None and end is not None else None


def gold_jsonl_lines(rows: Iterable[dict], *, base_url: str = "") -> Iterator[str]:
    """One JSON line per article with its text and quotes, the shared data's gold format;
    ``rows`` must come grouped by article."""
    batch: list[tuple[dict, list[dict]]] = []  # (first row of the article, its quotes)
    current = None
    for row in rows:
        quote = {
            "quote": row["text"],
            "quote_span": [row["start"], row["end"]],
            "speaker": row["speaker_text"],
            "speaker_span": _span(row["speaker_start"], row["speaker_end"]),
            "speaker_name": row["speaker__name"] or row["speaker_name"],
            "verb": row["cue_text"],
            "verb_span": _span(row["cue_start"], row["cue_end"]),
            "is_floating": row["is_floating"],
            "confidence": row["confidence"],
            "kind": row["kind"],
            "status": row["status"],
            "quote_id": row["id"],
            "quote_url": base_url + quote_url(row["article_id"], row["id"]),
            "speaker_id": row["speaker_id"],
            "speaker_url": base_url + speaker_url(row["speaker_id"]) if row["speaker_id"] else "",
            "fingerprint": row["fingerprint"],
        }
        if current is None or current[0]["article_id"] != row["article_id"]:
            if len(batch) >= ARTICLES_PER_TEXT_FETCH:
                yield from _article_lines(batch, base_url)
                batch = []
            current = (row, [])
            batch.append(current)
        current[1].append(quote)
    if batch:
        yield from _article_lines(batch, base_url)


def _article_lines(batch, base_url) -> Iterator[str]:
    # Texts are fetched a batch of articles at a time, not once per quote row.
    texts = dict(
        Article.objects.filter(pk__in=[row["article_id"] for row, _ in batch]).values_list(
            "pk", "text"
        )
    )
    for row, quotes in batch:
        published = row["article__published"]
        line = {
            "id": row["article__external_id"] or str(row["article_id"]),
            "article_id": row["article_id"],
            "article_url": base_url + article_url(row["article_id"]),
            "outlet": row["article__outlet"],
            "url": row["article__url"],
            "title": row["article__title"],
            "published": published.isoformat() if published else None,
            "text": texts[row["article_id"]],
            "quotes": quotes,
        }
        yield json.dumps(line, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class Format:
    content_type: str
    extension: str
    lines: Callable
    by_article: bool = False  # quotes grouped per article (relevance order cannot hold)


FORMATS = {
    "csv": Format("text/csv; charset=utf-8", "csv", csv_lines),
    "excel-csv": Format("text/csv; charset=utf-8", "csv", excel_csv_lines),
    "jsonl": Format("application/x-ndjson; charset=utf-8", "jsonl", jsonl_lines),
    "gold-jsonl": Format(
        "application/x-ndjson; charset=utf-8", "jsonl", gold_jsonl_lines, by_article=True
    ),
}


def write_export(
    quotes, *, fmt: str, sort: str = "date", terms: str = "", base_url: str = ""
) -> Iterator[str]:
    """The export as a stream of text chunks, in the order of the quote list.

    The gold format groups quotes per article, so in relevance order it keeps the list's
    quotes (the best matches) but writes them in article (date) order.
    """
    export_format = FORMATS[fmt]
    if export_format.by_article and sort == "relevance":
        quotes = Quote.objects.filter(pk__in=best_matches(quotes, terms).values("pk"))
        sort = "date"
    return export_format.lines(ordered_rows(quotes, sort=sort, terms=terms), base_url=base_url)


def file_name(fmt: str, filters: dict) -> str:
    """``quotes_speaker-12_outlet-valley-post_from-2024-01-01_q-budget.csv``: the filter
    that made the file, in its name (``filters``: the FilterSet's cleaned data)."""
    parts = ["quotes"]
    if fmt == "gold-jsonl":
        parts.append("gold")
    for name, value in filters.items():
        if value in (None, "", []) or name == "sort":
            continue
        if name == "status" and set(value) == set(DEFAULT_STATUSES):
            continue  # what every list shows unless asked
        if hasattr(value, "pk"):
            value = value.pk
        if isinstance(value, list | tuple):
            value = "-".join(str(v) for v in value)
        label = {"date_from": "from", "date_to": "to"}.get(name, name)
        parts.append(f"{label}-{slugify(str(value))[:40]}".rstrip("-"))
    stem = "_".join(parts)[:150]
    return f"{stem}.{FORMATS[fmt].extension}"


def streaming_response(
    quotes,
    *,
    fmt: str,
    sort: str = "date",
    terms: str = "",
    base_url: str = "",
    filters: dict | None = None,
):
    response = StreamingHttpResponse(
        write_export(quotes, fmt=fmt, sort=sort, terms=terms, base_url=base_url),
        content_type=FORMATS[fmt].content_type,
    )
    response["Content-Disposition"] = f'attachment; filename="{file_name(fmt, filters or {})}"'
    return response
