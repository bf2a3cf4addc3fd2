"""Streamed exports of filtered quotes: CSV (one row a quote) and JSONL (one line an article).

Rows come from ``.values()`` through ``.iterator(chunk_size=...)`` (a server-side cursor
on PostgreSQL) and are written as they arrive, so a million quotes take constant memory.
The JSONL lines follow ../shared/data/README.md (the gold/prediction format: ``id``,
``outlet``, ``url``, ``text``, ``quotes`` with ``quote_span`` ...), plus this project's
stable ids and permalinks, so an export can be scored or imported again.
"""

import csv
import json
from collections.abc import Iterable, Iterator

from django.db.models import F
from django.http import StreamingHttpResponse

from .filters import best_matches
from .models import Article, Quote

CHUNK_SIZE = 2000
ARTICLES_PER_TEXT_FETCH = 200

CSV_COLUMNS = [
    "quote_id",
    "quote_url",
    "quote",
    "quote_start",
    "quote_end",
    "kind",
    "status",
    "speaker_id",
    "speaker_name",
    "speaker_url",
    "speaker_mention",
    "speaker_type",
    "speaker_gender",
    "verb",
    "article_id",
    "article_url",
    "article_external_id",
    "outlet",
    "published",
    "title",
    "source_url",
    "fingerprint",
]

QUOTE_FIELDS = [
    "id",
    "text",
    "start",
    "end",
    "kind",
    "status",
    "speaker_id",
    "speaker__name",
    "speaker__speaker_type",
    "speaker__gender",
    "speaker_name",
    "speaker_text",
    "speaker_start",
    "speaker_end",
    "cue_text",
    "cue_start",
    "cue_end",
    "is_floating",
    "confidence",
    "fingerprint",
    "article_id",
    "article__external_id",
    "article__outlet",
    "article__published",
    "article__title",
    "article__url",
]


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


def _links(base_url: str):
    from .views.research import article_url, speaker_url

    def links(row):
        article = article_url(row["article_id"])
        return (
            f"{base_url}{article}#quote-{row['id']}" if article else "",
            f"{base_url}{article}" if article else "",
            f"{base_url}{speaker_url(row['speaker_id'])}" if row["speaker_id"] else "",
        )

    return links


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


def csv_lines(rows: Iterable[dict], *, base_url: str = "") -> Iterator[str]:
    writer = csv.writer(_Echo())
    links = _links(base_url)
    yield writer.writerow(CSV_COLUMNS)
    for row in rows:
        quote_link, article_link, speaker_link = links(row)
        published = row["article__published"]
        yield writer.writerow(
            [
                row["id"],
                quote_link,
                as_text_cell(row["text"]),
                row["start"],
                row["end"],
                row["kind"],
                row["status"],
                row["speaker_id"] or "",
                as_text_cell(row["speaker__name"] or row["speaker_name"]),
                speaker_link,
                as_text_cell(row["speaker_text"]),
                *speaker_profile(row).values(),
                as_text_cell(row["cue_text"]),
                row["article_id"],
                article_link,
                as_text_cell(row["article__external_id"]),
                as_text_cell(row["article__outlet"]),
                published.isoformat() if published else "",
                as_text_cell(row["article__title"]),
                as_text_cell(row["article__url"]),
                row["fingerprint"],
            ]
        )


def speaker_profile(row: dict) -> dict:
    """The speaker_type and speaker_gender columns (voices): "unknown" with no speaker."""
    return {
        "speaker_type": row["speaker__speaker_type"] or "unknown",
        "speaker_gender": row["speaker__gender"] or "unknown",
    }


def _span(start, end):
    return [start, end] if start is not None and end is not None else None


def jsonl_lines(rows: Iterable[dict], *, base_url: str = "") -> Iterator[str]:
    """One JSON line per article with its quotes; ``rows`` must come grouped by article."""
    links = _links(base_url)
    batch: list[tuple[dict, list[dict]]] = []  # (first row of the article, its quotes)
    current = None
    for row in rows:
        quote_link, article_link, speaker_link = links(row)
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
            "quote_url": quote_link,
            "speaker_id": row["speaker_id"],
            "speaker_url": speaker_link,
            **speaker_profile(row),
            "fingerprint": row["fingerprint"],
        }
        if current is None or current[0]["article_id"] != row["article_id"]:
            if len(batch) >= ARTICLES_PER_TEXT_FETCH:
                yield from _article_lines(batch, links)
                batch = []
            current = (row, [])
            batch.append(current)
        current[1].append(quote)
    if batch:
        yield from _article_lines(batch, links)


def _article_lines(batch, links) -> Iterator[str]:
    # Texts are fetched a batch of articles at a time, not once per quote row.
    texts = dict(
        Article.objects.filter(pk__in=[row["article_id"] for row, _ in batch]).values_list(
            "pk", "text"
        )
    )
    for row, quotes in batch:
        published = row["article__published"]
        record = {
            "id": row["article__external_id"] or str(row["article_id"]),
            "article_id": row["article_id"],
            "article_url": links(row)[1],
            "outlet": row["article__outlet"],
            "url": row["article__url"],
            "title": row["article__title"],
            "published": published.isoformat() if published else None,
            "text": texts[row["article_id"]],
            "quotes": quotes,
        }
        yield json.dumps(record, ensure_ascii=False) + "\n"


FORMATS = {
    "csv": ("text/csv; charset=utf-8", csv_lines),
    "jsonl": ("application/x-ndjson; charset=utf-8", jsonl_lines),
}


def write_export(
    quotes, *, fmt: str, sort: str = "date", terms: str = "", base_url: str = ""
) -> Iterator[str]:
    """The export as a stream of text chunks, in the order of the quote list.

    JSONL groups quotes per article, so in relevance order it keeps the list's quotes
    (the best matches) but writes them in article (date) order.
    """
    _, writer = FORMATS[fmt]
    if fmt == "jsonl" and sort == "relevance":
        quotes = Quote.objects.filter(pk__in=best_matches(quotes, terms).values("pk"))
        sort = "date"
    return writer(ordered_rows(quotes, sort=sort, terms=terms), base_url=base_url)


def streaming_response(
    quotes, *, fmt: str, sort: str = "date", terms: str = "", base_url: str = ""
):
    content_type, _ = FORMATS[fmt]
    response = StreamingHttpResponse(
        write_export(quotes, fmt=fmt, sort=sort, terms=terms, base_url=base_url),
        content_type=content_type,
    )
    response["Content-Disposition"] = f'attachment; filename="quotes.{fmt}"'
    return response
