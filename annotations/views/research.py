"""Researchers' pages: quotes, speakers, top speakers, articles, repeated statements, exports.

Every page reads its filters from the query string (so a view can be bookmarked), is
served whole or, for htmx, as the fragment that changed (one template, partials), and
answers bad parameters with a 400 that says which parameter and why.
"""

import datetime
from collections import Counter

from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from .. import aggregates, exports, search
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
    known_outlets,
    page_size,
    quote_page,
    with_review_counts,
)
from ..models import Article, Quote, Speaker
from ..parsing import is_id
from ..permalinks import article_url, quote_url
from ..roles import reader_required


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
    search.highlight(page.items, filterset.terms)
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
@require_safe
@vary_on_headers("HX-Request")  # page or fragment from one URL
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
    if is_id(selected):
        context["selected_speaker"] = Speaker.objects.filter(pk=selected).first()
    try:
        page, next_url = _quotes_for(filterset, request)
        if not request.GET.get("cursor"):
            context["coverage"] = aggregates.coverage(
                filterset,
                filterset.filtered(),
                base_queryset=Quote.objects.all(),
                total=page.total,
            )
    except BadParameter as error:
        return _bad_request(request, template, context, error)
    context.update(
        page=page,
        next_url=next_url,
        export_query=_query_without(request, "cursor", "limit"),
    )
    return _render_list(request, template, context)


@reader_required
@require_safe
@vary_on_headers("HX-Request")  # page or fragment from one URL
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
@require_safe
@vary_on_headers("HX-Request")  # page or fragment from one URL
def speaker_detail(request, pk):
    speaker = get_object_or_404(Speaker.objects.prefetch_related("aliases"), pk=pk)
    filterset = SpeakerQuoteFilter(request.GET, queryset=Quote.objects.by_speaker(speaker))
    template = "annotations/research/speaker_detail.html"
    context = {"speaker": speaker, "filter": filterset, "outlets": known_outlets()}
    try:
        page, next_url = _quotes_for(filterset, request)
        if not (request.htmx and request.GET.get("cursor")):
            counts = aggregates.summary_outlet_month_counts(filterset, speaker)
            context.update(speaker_summary(filterset.filtered(), counts=counts))
            context["coverage"] = aggregates.coverage(
                filterset,
                filterset.filtered(),
                base_queryset=Quote.objects.by_speaker(speaker),
                total=context["quote_count"],
            )
    except BadParameter as error:
        return _bad_request(request, template, context, error)
    context.update(
        page=page,
        next_url=next_url,
        export_query=_query_without(request, "cursor", "limit") + f"&speaker={speaker.pk}",
    )
    return _render_list(request, template, context)


def speaker_summary(quotes, *, counts=None) -> dict:
    """Count, quotes by outlet and the monthly chart of ``quotes``, from one query;
    ``counts``: the same rows from a summary (``summary_outlet_month_counts``), if any."""
    by_outlet, by_month = Counter(), Counter()
    for row in quotes.outlet_month_counts() if counts is None else counts:
        by_outlet[row["article__outlet"]] += row["quote_count"]
        if row["month"] is not None:
            by_month[row["month"]] += row["quote_count"]
    total = sum(by_outlet.values())
    outlets = [
        {"article__outlet": outlet, "quote_count": count, "percent": f"{count / total:.1%}"}
        for outlet, count in sorted(by_outlet.items(), key=lambda item: (-item[1], item[0]))
    ]
    return {
        "quote_count": total,
        "by_outlet": outlets[:10],
        "more_outlets": outlets[10:],
        "outlet_count": len(outlets),
        "chart": monthly_chart(by_month),
    }


MAX_BAR = 56


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
    # A bar is at most MAX_BAR wide: one month is one readable bar, not the whole plot.
    slot = min((width - left) / len(months), MAX_BAR + 4)
    few = len(months) <= 12
    bars = []
    for index, day in enumerate(months):
        value = counts.get(day, 0)
        bar_height = (plot_bottom - plot_top) * value / peak
        bars.append(
            {
                "x": round(left + index * slot, 2),
                "y": round(plot_bottom - bar_height, 2),
                "width": round(max(slot - 4 if few else slot - 1, 0.5), 2),
                "height": round(bar_height, 2),
                "label": f"{day:%B %Y}: {value}",
                # With few months each bar says its count and month, no hover needed.
                "value": value if few else None,
                "value_y": round(plot_bottom - bar_height - 3, 2),
                "center": round(left + index * slot + (slot - 4) / 2, 2),
            }
        )
    if few:
        ticks = [
            {"x": bar["center"], "label": f"{day:%b %Y}" if len(months) <= 4 else f"{day:%b}"}
            for bar, day in zip(bars, months, strict=True)
        ]
        if len(months) > 4:  # the year once, under the first month
            ticks[0]["label"] = f"{months[0]:%b %Y}"
    else:
        # Year labels at each January (or the first month), thinned to fit.
        step = max(1, len(months) // 10 // 12 + 1)
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
        "few": few,
    }


@reader_required
@require_safe
@vary_on_headers("HX-Request")  # page or fragment from one URL
def speaker_list(request):
    """The most quoted speakers for a filter, or the speakers matching a name."""
    filterset = TopSpeakerFilter(request.GET, queryset=Quote.objects.all())
    names = SpeakerFilter(request.GET, queryset=Speaker.objects.active())
    template = "annotations/research/speaker_list.html"
    context = {"filter": filterset, "names": names, "outlets": known_outlets()}
    try:
        quotes = filterset.filtered()
        named = names.filtered() if request.GET.get("q", "").strip() else None
        context["coverage"] = counted = aggregates.coverage(
            filterset, quotes, base_queryset=Quote.objects.all()
        )
        context["rows"] = aggregates.top_speakers(
            quotes,
            total=counted.total,
            named=named,
            counts=aggregates.summary_speaker_counts(filterset),
        )
    except BadParameter as error:
        return _bad_request(request, template, context, error)
    context["quotes_query"] = _query_without(request, "q")
    if request.htmx and request.htmx.target == "results":
        return render(request, f"{template}#results", context)
    return render(request, template, context)


@reader_required
@require_safe
@vary_on_headers("HX-Request")  # page or fragment from one URL
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
@require_safe
@vary_on_headers("HX-Request")  # page or fragment from one URL
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
    if is_id(selected):
        context["selected_speaker"] = Speaker.objects.filter(pk=selected).first()
    try:
        quotes = filterset.filtered()
        repeated_only = request.GET.get("repeated", "1") != "0"
        limit = page_size(request.GET.get("limit"))
        cursor = Cursor.decode(request.GET.get("cursor"), sort="statements")
        rows, totals, next_cursor = aggregates.statement_page(
            filterset, quotes, repeated_only=repeated_only, cursor=cursor, limit=limit
        )
        if not cursor:
            context["coverage"] = aggregates.coverage(
                filterset, quotes, base_queryset=Quote.objects.all()
            )
    except BadParameter as error:
        return _bad_request(request, template, context, error)
    context.update(
        statements=aggregates.describe_statements(rows, quotes),
        totals=totals,
        repeated=repeated_only,
    )
    if next_cursor:
        params = request.GET.copy()
        params["cursor"] = next_cursor.encode()
        context["next_url"] = f"?{params.urlencode()}"
    return _render_list(request, template, context)


@reader_required
@require_safe
def quote_export(request, fmt):
    """The current filter's quotes in one of ``exports.FORMATS`` (CSV, Excel CSV, JSONL:
    one quote a row or line, the schema of ``exports.COLUMNS``; or the gold format)."""
    if fmt not in exports.FORMATS:
        raise Http404(f"No export format {fmt!r}: use one of {', '.join(exports.FORMATS)}.")
    filterset = QuoteFilter(request.GET, queryset=Quote.objects.all())
    try:
        quotes = filterset.filtered()
    except BadParameter as error:
        return HttpResponseBadRequest(f"Cannot export: {error}", content_type="text/plain")
    base_url = request.build_absolute_uri("/")[:-1]
    return exports.streaming_response(
        quotes,
        fmt=fmt,
        sort=filterset.sort_order,
        terms=filterset.terms,
        base_url=base_url,
        filters=filterset.form.cleaned_data,
    )
