"""What the research pages and the API count: totals, the quotes a filter leaves out,
top speakers with their shares, and repeated statements.

Below the views (pages and API both call it). Every count is of the quotes a FilterSet
selects, so a number means the same on a page, in the API and in an export.
"""

from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from .filters import Cursor
from .models import Quote, Speaker, Statement
from .permalinks import quote_url

TOP_SPEAKERS = 50


@dataclass(frozen=True)
class Coverage:
    """How many quotes a filter keeps, and how many unreviewed ones it leaves out.

    ``unreviewed_left_out`` is None when the filter already includes the candidates;
    ``including_unreviewed`` is the query string that includes them.
    """

    total: int
    unreviewed_left_out: int | None
    including_unreviewed: str


def coverage(filterset, quotes, *, base_queryset, total: int | None = None) -> Coverage:
    """Counts of ``quotes`` (``filterset.filtered()``; ``total`` if already counted) and
    of the candidates the same filter leaves out (``base_queryset``: the quotes the page
    filters, unfiltered)."""
    left_out = filterset.left_out_filter(base_queryset)
    return Coverage(
        total=quotes.count() if total is None else total,
        unreviewed_left_out=left_out.filtered().count() if left_out is not None else None,
        including_unreviewed=filterset.including_unreviewed(),
    )


def top_speakers(quotes, *, named=None, limit: int = TOP_SPEAKERS) -> list[dict]:
    """The most quoted speakers of ``quotes``: speaker, count and share of ``quotes``
    (unattributed quotes count in the whole, so shares add up to at most 100%)."""
    counts = quotes.speaker_counts()
    if named is not None:
        counts = counts.filter(speaker__in=named.values("pk"))
    rows = list(counts[:limit])
    if not rows:
        return []
    total = quotes.count()
    speakers = Speaker.objects.in_bulk([row["speaker"] for row in rows])
    described = []
    for row in rows:
        share = row["quote_count"] / total if total else 0.0
        described.append(
            {
                "speaker": speakers[row["speaker"]],
                "count": row["quote_count"],
                "share": share,
                "percent": f"{share:.1%}",
            }
        )
    return described


def statement_groups(filterset, quotes):
    """The statements of the filtered quotes: read from the Statement table the database
    keeps when the filters ask for what it counts (reviewed quotes, perhaps of one
    speaker), grouped from the quotes otherwise. Same rows either way."""
    if Statement.is_maintained() and filterset.selects_all_reviewed_quotes(but="speaker"):
        groups = Statement.rows()
        speaker = filterset.form.cleaned_data.get("speaker")
        return groups.filter(speaker=speaker) if speaker else groups
    return quotes.statements()


def statement_page(filterset, quotes, *, repeated_only: bool, cursor, limit: int):
    """(rows, totals, next cursor) of one page of statements, most repeated first;
    totals (statements and appearances) on the first page only."""
    groups = statement_groups(filterset, quotes)
    if repeated_only:
        groups = groups.filter(appearances__gt=1)
    totals = statement_totals(groups) if not cursor else None
    if cursor:
        appearances, first_quote = cursor.keys
        groups = groups.filter(
            Q(appearances__lt=appearances) | Q(appearances=appearances, first_quote__gt=first_quote)
        )
    rows = list(groups.order_by("-appearances", "first_quote")[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = Cursor("statements", (rows[-1]["appearances"], rows[-1]["first_quote"]))
    return rows, totals, next_cursor


def statement_totals(groups) -> dict:
    """How many statements and appearances: one aggregate over the grouped rows."""
    totals = groups.aggregate(groups=Count("*"), quotes=Sum("appearances"))
    return {"statements": totals["groups"], "appearances": totals["quotes"] or 0}


def describe_statements(rows, quotes) -> list[dict]:
    """Each group with its first quote, its speaker and the outlets that carried it."""
    if not rows:
        return []
    pairs = Q()
    for row in rows:
        pairs |= Q(speaker_id=row["speaker"], fingerprint=row["fingerprint"])
    appearances = {}
    found_quotes = (
        quotes.filter(pairs)
        .select_related("article")
        .defer("article__text")
        .order_by("article__published", "pk")
    )
    for quote in found_quotes:
        appearances.setdefault((quote.speaker_id, quote.fingerprint), []).append(quote)
    first_quotes = (
        Quote.objects.select_related("speaker", "article")
        .defer("article__text")
        .in_bulk([row["first_quote"] for row in rows])
    )
    described = []
    for row in rows:
        found = appearances.get((row["speaker"], row["fingerprint"]), [])
        for quote in found[:20]:
            quote.link = quote_url(quote.article_id, quote.pk)
        outlets = []
        for quote in found:
            if quote.article.outlet not in outlets:
                outlets.append(quote.article.outlet)
        dates = [quote.article.published for quote in found if quote.article.published]
        first = first_quotes[row["first_quote"]]
        described.append(
            {
                **row,
                "articles": len({quote.article_id for quote in found}),
                "first_seen": min(dates) if dates else None,
                "quote": first,
                "link": quote_url(first.article_id, first.pk),
                "outlets": outlets,
                "appearances_list": found[:20],
            }
        )
    return described
