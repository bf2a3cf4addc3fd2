"""Researchers' pages: quotes, speakers, top speakers, articles, repeated statements, exports.

Every page reads its filters from the query string (so a view can be bookmarked), is
served whole or, for htmx, as the fragment that changed (one template, partials), and
answers bad parameters with a 400 that says which parameter and why.
"""

import datetime
from collections import Counter
from functools import lru_cache

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from .. import exports
from ..filters import (
    RELEVANCE_POOL,
    ArticleFilter,
    BadParameter,
    Cursor,
    QuoteFilter,
    SpeakerFilter,
    SpeakerQuoteFilter,
    TopSpeakerFilter,
    id_page,
    page_size,
    quote_page,
    with_review_counts,
)
from ..models import Article, Quote, Speaker, Statement
from ..roles import reader_required

TOP_SPEAKERS = 50
OUTLETS_CACHE_SECONDS = 600


@lru_cache
def _url_pattern(name: str) -> str | None:
    """A url with "{}" for the id, built once: exports write a url per row."""
    try:
        return reverse(name, args=[987654321]).replace("987654321", "{}")
    except NoReverseMatch:
        return None  # the page is not there (yet): leave links out rather than fail


def article_url(article_id) -> str:
    pattern = _url_pattern("article_review")
    return pattern.format(article_id) if pattern else ""


def quote_url(article_id, quote_id) -> str:
    base = article_url(article_id)
    return f"{base}#quote-{quote_id}" if base else ""


def speaker_url(speaker_id) -> str:
    return _url_pattern("speaker_detail").format(speaker_id) if speaker_id else ""


def known_outlets() -> list[str]:
    """Every outlet name, for the outlet field's suggestions (cached: it scans articles)."""
    outlets = cache.get("research:outlets")
    if outlets is None:
        outlets = list(Article.objects.outlets())
        cache.set("research:outlets", outlets, OUTLETS_CACHE_SECONDS)
    return outlets


def _bad_request(request, template, context, error):
    context = {**context, "error": str(error)}
    partial = f"{template}#results" if request.htmx else template
    return render(request, partial, context, status=400)


def _query_without(request, *names) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def _quote_rows(page):
    """The page's quotes with the links each row shows."""
    for quote in page.items:
        quote.link = quote_url(quote.article_id, quote.pk)
    return page


def _quotes_for(filterset, request):
    """(page, next url) of the filtered quotes, or BadParameter."""
    quotes = filterset.filtered()
    sort = filterset.sort_order
    cursor = Cursor.decode(request.GET.get("cursor"), sort=sort)
    page = quote_page(
        quotes,
        sort=sort,
        cursor=cursor,
        limit=page_size(request.GET.get("limit")),
        terms=filterset.terms,
    )
    next_url = None
    if page.next_cursor:
        params = request.GET.copy()
        params["cursor"] = page.next_cursor.encode()
        next_url = f"?{params.urlencode()}"
    return _quote_rows(page), next_url


def _render_list(request, template, context):
    """The whole page, or for htmx the next rows (a "More" link) or the results block."""
    if request.htmx and request.GET.get("cursor"):
        return render(request, f"{template}#rows", context)
    if request.htmx and request.htmx.target == "results":
        return render(request, f"{template}#results", context)
    return render(request, template, context)


@reader_required
@require_GET
def quote_list(request):
    filterset = QuoteFilter(request.GET, queryset=Quote.objects.all())
    context = {
        "filter": filterset,
        "outlets": known_outlets(),
        "without_speaker_query": _query_without(request, "speaker", "cursor"),
        "relevance_pool": f"{RELEVANCE_POOL:,}",
    }
    template = "annotations/research/quote_list.html"
    selected = filterset.form["speaker"].value()
    if selected and str(selected).isdigit():
        context["selected_speaker"] = Speaker.objects.filter(pk=selected).first()
    try:
        page, next_url = _quotes_for(filterset, request)
    except BadParameter as error:
        return _bad_request(request, template, context, error)
    context.update(
        page=page,
        next_url=next_url,
        export_query=_query_without(request, "cursor", "limit"),
    )
    return _render_list(request, template, context)


@reader_required
@require_GET
def speaker_autocomplete(request):
    """Speakers whose name or alias contains the typed text, as buttons that pick one."""
    term = request.GET.get("speaker_q", "").strip()[:100]
    speakers = []
    if len(term) >= 2:
        speakers = list(Speaker.objects.active().matching(term).prefetch_related("aliases")[:10])
    context = {
        "speakers": speakers,
        "term": term,
        "searched": len(term) >= 2,
        # The links keep the page's other filters (htmx sends the filter form along).
        "base_query": _query_without(request, "speaker", "speaker_q", "cursor"),
    }
    return render(request, "annotations/research/_speaker_suggestions.html", context)


@reader_required
@require_GET
def speaker_detail(request, pk):
    speaker = get_object_or_404(Speaker.objects.prefetch_related("aliases"), pk=pk)
    filterset = SpeakerQuoteFilter(request.GET, queryset=Quote.objects.by_speaker(speaker))
    template = "annotations/research/speaker_detail.html"
    context = {"speaker": speaker, "filter": filterset, "outlets": known_outlets()}
    try:
        page, next_url = _quotes_for(filterset, request)
        if not (request.htmx and request.GET.get("cursor")):
            context.update(speaker_summary(filterset.filtered()))
    except BadParameter as error:
        return _bad_request(request, template, context, error)
    context.update(
        page=page,
        next_url=next_url,
        export_query=_query_without(request, "cursor", "limit") + f"&speaker={speaker.pk}",
    )
    return _render_list(request, template, context)


def speaker_summary(quotes) -> dict:
    """Count, quotes by outlet and the monthly chart of ``quotes``, from one query."""
    by_outlet, by_month = Counter(), Counter()
    for row in quotes.outlet_month_counts():
        by_outlet[row["article__outlet"]] += row["quote_count"]
        if row["month"] is not None:
            by_month[row["month"]] += row["quote_count"]
    outlets = [
        {"article__outlet": outlet, "quote_count": count}
        for outlet, count in sorted(by_outlet.items(), key=lambda item: (-item[1], item[0]))
    ]
    return {
        "quote_count": sum(by_outlet.values()),
        "by_outlet": outlets[:10],
        "more_outlets": outlets[10:],
        "outlet_count": len(outlets),
        "chart": monthly_chart(by_month),
    }


def monthly_chart(counts, *, width=720, height=160) -> dict | None:
    """Bar geometry for an SVG chart of quotes per month, empty months included.

    ``counts`` maps the first day of a month to its number of quotes.
    """
    if not counts:
        return None
    first, last = min(counts), max(counts)
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(datetime.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    peak = max(counts.values())
    plot_top, plot_bottom, left = 12, height - 24, 36
    # at most 48 px a month: one month or a few stay bars, not a wall of colour
    slot = min((width - left) / len(months), 48)
    bars = []
    for index, day in enumerate(months):
        value = counts.get(day, 0)
        bar_height = (plot_bottom - plot_top) * value / peak
        bars.append(
            {
                "x": round(left + index * slot, 2),
                "y": round(plot_bottom - bar_height, 2),
                "width": round(max(slot - 1, 0.5), 2),
                "height": round(bar_height, 2),
                "label": f"{day:%B %Y}: {value}",
            }
        )
    # Year labels at each January (or the first month), thinned to fit.
    step = max(1, len(months) // 10 // 12 + 1) if len(months) > 12 else 1
    ticks = [
        {"x": round(left + index * slot, 2), "label": f"{day:%Y}"}
        for index, day in enumerate(months)
        if (day.month == 1 or index == 0) and day.year % step == 0
    ]
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "ticks": ticks,
        "peak": peak,
        "left": left,
        "plot_top": plot_top,
        "plot_bottom": plot_bottom,
        "first": months[0],
        "last": months[-1],
        "total": sum(counts.values()),
    }


@reader_required
@require_GET
def speaker_list(request):
    """The most quoted speakers for a filter, or the speakers matching a name."""
    filterset = TopSpeakerFilter(request.GET, queryset=Quote.objects.reviewed())
    names = SpeakerFilter(request.GET, queryset=Speaker.objects.active())
    template = "annotations/research/speaker_list.html"
    context = {"filter": filterset, "names": names, "outlets": known_outlets()}
    try:
        quotes = filterset.filtered()
        named = names.filtered() if request.GET.get("q", "").strip() else None
        counts = quotes.speaker_counts()
        if named is not None:
            counts = counts.filter(speaker__in=named.values("pk"))
        rows = list(counts[:TOP_SPEAKERS])
    except BadParameter as error:
        return _bad_request(request, template, context, error)
    speakers = Speaker.objects.in_bulk([row["speaker"] for row in rows])
    context["rows"] = [
        {"speaker": speakers[row["speaker"]], "count": row["quote_count"]} for row in rows
    ]
    context["quotes_query"] = _query_without(request, "q")
    if request.htmx and request.htmx.target == "results":
        return render(request, f"{template}#results", context)
    return render(request, template, context)


@reader_required
@require_GET
def article_list(request):
    filterset = ArticleFilter(request.GET, queryset=Article.objects.all())
    template = "annotations/research/article_list.html"
    context = {"filter": filterset, "outlets": known_outlets()}
    try:
        articles = filterset.filtered()
        cursor = Cursor.decode(request.GET.get("cursor"), sort="id")
        page = id_page(articles, cursor=cursor, limit=page_size(request.GET.get("limit")))
    except BadParameter as error:
        return _bad_request(request, template, context, error)
    ids = [article.pk for article in page.items]
    counted = with_review_counts(Article.objects.filter(pk__in=ids)).in_bulk()
    for article in page.items:
        article.counts = counted[article.pk]
        article.link = article_url(article.pk)
    context["page"] = page
    if page.next_cursor:
        params = request.GET.copy()
        params["cursor"] = page.next_cursor.encode()
        context["next_url"] = f"?{params.urlencode()}"
    return _render_list(request, template, context)


@reader_required
@require_GET
def statement_list(request):
    """Each statement once (same speaker, same fingerprint), with where and when it ran."""
    filterset = QuoteFilter(request.GET, queryset=Quote.objects.all())
    template = "annotations/research/statement_list.html"
    context = {
        "filter": filterset,
        "outlets": known_outlets(),
        "without_speaker_query": _query_without(request, "speaker", "cursor"),
    }
    selected = filterset.form["speaker"].value()
    if selected and str(selected).isdigit():
        context["selected_speaker"] = Speaker.objects.filter(pk=selected).first()
    try:
        quotes = filterset.filtered()
        repeated_only = request.GET.get("repeated", "1") != "0"
        limit = page_size(request.GET.get("limit"))
        cursor = Cursor.decode(request.GET.get("cursor"), sort="statements")
        groups = _statement_groups(filterset, quotes)
        if repeated_only:
            groups = groups.filter(appearances__gt=1)
        totals = _statement_totals(groups) if not cursor else None
        if cursor:
            appearances, first_quote = cursor.keys[0], cursor.keys[1]
            groups = groups.filter(
                Q(appearances__lt=appearances)
                | Q(appearances=appearances, first_quote__gt=first_quote)
            )
        rows = list(groups.order_by("-appearances", "first_quote")[: limit + 1])
    except BadParameter as error:
        return _bad_request(request, template, context, error)
    more = len(rows) > limit
    rows = rows[:limit]
    context.update(
        statements=_describe_statements(rows, quotes), totals=totals, repeated=repeated_only
    )
    if more:
        params = request.GET.copy()
        last = rows[-1]
        params["cursor"] = Cursor("statements", (last["appearances"], last["first_quote"])).encode()
        context["next_url"] = f"?{params.urlencode()}"
    return _render_list(request, template, context)


def _statement_groups(filterset, quotes):
    """The statements of the filtered quotes: read from the Statement table the database
    keeps when the filters ask for what it counts (reviewed quotes, perhaps of one
    speaker), grouped from the quotes otherwise. Same rows either way."""
    if Statement.is_maintained() and filterset.selects_all_reviewed_quotes(but="speaker"):
        groups = Statement.rows()
        speaker = filterset.form.cleaned_data.get("speaker")
        return groups.filter(speaker=speaker) if speaker else groups
    return quotes.statements()


def _statement_totals(groups) -> dict:
    """How many statements and appearances: one aggregate over the grouped rows."""
    totals = groups.aggregate(groups=Count("*"), quotes=Sum("appearances"))
    return {"statements": totals["groups"], "appearances": totals["quotes"] or 0}


def _describe_statements(rows, quotes) -> list[dict]:
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


@reader_required
@require_GET
def quote_export(request, fmt):
    """The current filter's quotes as CSV (one row a quote) or JSONL (one line an article)."""
    if fmt not in exports.FORMATS:
        raise Http404(f"No export format {fmt!r}: use csv or jsonl.")
    filterset = QuoteFilter(request.GET, queryset=Quote.objects.all())
    try:
        quotes = filterset.filtered()
    except BadParameter as error:
        return HttpResponseBadRequest(f"Cannot export: {error}", content_type="text/plain")
    base_url = request.build_absolute_uri("/")[:-1]
    return exports.streaming_response(
        quotes, fmt=fmt, sort=filterset.sort_order, terms=filterset.terms, base_url=base_url
    )
