"""What the research pages and the API count: totals, the quotes a filter leaves out,
top speakers with their shares, and repeated statements.

Below the views (pages and API both call it). Every count is of the quotes a FilterSet
selects, so a number means the same on a page, in the API and in an export.
"""

import json
from dataclasses import dataclass

from django.db import connections
from django.db.models import Count, F, Q, Sum

from .filters import Cursor, outlet_names
from .models import (
    REVIEWED,
    Quote,
    Speaker,
    Statement,
    StatementTotal,
    VoiceCount,
    VoiceGrain,
    VoicePresence,
    VoiceScope,
    kind_mask,
)
from .permalinks import quote_url

TOP_SPEAKERS = 50
# Counting reads every row it counts (and, for a search, every match of the words before
# the other filters). A count whose plan the planner costs below this is exact; above, its
# estimate of the rows is shown as "about N". Measured on the 1M-quote corpus: cost 401
# took 1 ms, 3,447 27 ms, 17,931 (every reviewed quote) 315 ms, 67,106 (the candidates
# among a common word's matches) 1.5 s.
EXACT_COUNT_COST = 5_000


@dataclass(frozen=True)
class Tally:
    value: int
    exact: bool = True


def tally(queryset) -> Tally:
    """The number of rows of ``queryset``: exact when cheap to count, else the planner's
    estimate rounded to two significant digits (PostgreSQL only; elsewhere exact)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return Tally(queryset.count())
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    estimate = int(plan[0]["Plan"]["Plan Rows"])
    if plan[0]["Plan"]["Total Cost"] < EXACT_COUNT_COST:
        return Tally(queryset.count())
    digits = max(len(str(estimate)) - 2, 0)
    return Tally(round(estimate, -digits), exact=False)


@dataclass(frozen=True)
class Coverage:
    """How many quotes a filter keeps, and how many unreviewed ones it leaves out.

    ``unreviewed_left_out`` is None when the filter already includes the candidates;
    ``including_unreviewed`` is the query string that includes them. Large numbers are
    estimates (``*_exact`` False): see ``tally``.
    """

    total: int
    unreviewed_left_out: int | None
    including_unreviewed: str
    total_exact: bool = True
    left_out_exact: bool = True


def coverage(filterset, quotes, *, base_queryset, total: int | None = None) -> Coverage:
    """Counts of ``quotes`` (``filterset.filtered()``; ``total`` if already counted) and
    of the candidates the same filter leaves out (``base_queryset``: the quotes the page
    filters, unfiltered)."""
    left_out_filter = filterset.left_out_filter(base_queryset)
    counted = tally(quotes) if total is None else Tally(total)
    left_out = tally(left_out_filter.filtered()) if left_out_filter is not None else None
    return Coverage(
        total=counted.value,
        total_exact=counted.exact,
        unreviewed_left_out=left_out.value if left_out else None,
        left_out_exact=left_out.exact if left_out else True,
        including_unreviewed=filterset.including_unreviewed(),
    )


def _summary_cell(filterset) -> tuple[int, int, str | None] | None:
    """(scope, kinds mask, outlet or None for every outlet) of the VoicePresence cells
    that count the filtered quotes, when the filters are what the summaries count
    (migrations 0017, 0018): reviewed quotes (or with the candidates), any kinds, the
    whole corpus or one outlet, no dates, nothing else. None otherwise (or on SQLite)."""
    if not VoiceCount.is_maintained(filterset.queryset.db) or not filterset.is_valid():
        return None
    data = filterset.form.cleaned_data
    scopes = {
        frozenset(REVIEWED): VoiceScope.REVIEWED,
        frozenset([*REVIEWED, Quote.Status.CANDIDATE]): VoiceScope.WITH_CANDIDATES,
    }
    scope = scopes.get(frozenset(data.get("status") or ()))
    if scope is None or data.get("date_from") or data.get("date_to"):
        return None
    # The order of the quote list (sort) changes no count.
    narrowing = set(filterset.filters) - {"status", "kind", "outlet", "date_from", "date_to"}
    if any(data.get(name) not in (None, "", []) for name in narrowing - {"sort"}):
        return None
    outlet = (data.get("outlet") or "").strip()
    names = outlet_names(outlet) if outlet else [None]
    if len(names) != 1:
        return None
    return scope, kind_mask(data.get("kind") or ()), names[0]


def summary_speaker_counts(filterset):
    """``speaker_counts()`` rows of the filtered quotes read from VoicePresence, the
    per-speaker counts the database keeps, when the filters are what it counts
    (``_summary_cell``); None otherwise: count the quotes."""
    cell = _summary_cell(filterset)
    if cell is None:
        return None
    scope, kinds, outlet = cell
    return (
        VoicePresence.objects.filter(
            scope=scope,
            grain=VoiceGrain.OUTLET if outlet is not None else VoiceGrain.ALL,
            kinds=kinds,
            outlet=outlet,
            month=None,
        )
        .exclude(speaker=None)
        .annotate(quote_count=F("quotes"))
        .values("speaker", "quote_count")
        .order_by("-quote_count", "speaker")
    )


def summary_outlet_month_counts(filterset, speaker):
    """``outlet_month_counts()`` rows of one speaker's filtered quotes read from
    VoicePresence's per-outlet-and-month cells (a speaker page: a most quoted person has
    tens of thousands of quotes, their summary a few thousand cells), when the filters
    are what it counts (``_summary_cell``); None otherwise: count the quotes."""
    cell = _summary_cell(filterset)
    if cell is None:
        return None
    scope, kinds, outlet = cell
    cells = VoicePresence.objects.filter(
        speaker=speaker, scope=scope, grain=VoiceGrain.OUTLET_MONTH, kinds=kinds, quotes__gt=0
    )
    if outlet is not None:
        cells = cells.filter(outlet=outlet)
    return cells.annotate(article__outlet=F("outlet"), quote_count=F("quotes")).values(
        "article__outlet", "month", "quote_count"
    )


def top_speakers(
    quotes, *, total: int, named=None, limit: int = TOP_SPEAKERS, counts=None
) -> list[dict]:
    """The most quoted speakers of ``quotes``: speaker, count and share of ``total`` (the
    quotes' number; unattributed quotes count in it, so shares add up to at most 100%).
    ``counts``: the same rows from a summary (``summary_speaker_counts``), if it has them."""
    counts = quotes.speaker_counts() if counts is None else counts
    if named is not None:
        counts = counts.filter(speaker__in=named.values("pk"))
    rows = list(counts[:limit])
    if not rows:
        return []
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
    totals = None if cursor else statement_totals(filterset, groups, repeated_only=repeated_only)
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


def statement_totals(filterset, groups, *, repeated_only: bool) -> dict:
    """How many statements and appearances ``groups`` holds: the totals the database keeps
    when the groups are every statement (or every repeated one), one aggregate over them
    otherwise."""
    if Statement.is_maintained() and filterset.selects_all_reviewed_quotes():
        return StatementTotal.totals(repeated_only=repeated_only)
    totals = groups.aggregate(groups=Count("*"), quotes=Sum("appearances"))
    return {"statements": totals["groups"], "appearances": totals["quotes"] or 0}


def describe_statements(rows, quotes) -> list[dict]:
    """Each group with its first quote, its speaker and the outlets that carried it."""
    if not rows:
        return []
    pairs = Q()
    for row in rows:
        pairs |= Q(speaker_id=row["speaker"], fingerprint=row["fingerprint"])
    appearances: dict[tuple[int, str], list[Quote]] = {}
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
            quote.link = quote_url(quote.article_id, quote.pk)  # type: ignore[attr-defined]
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
