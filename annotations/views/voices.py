"""The Voices dashboard: who is quoted, by gender and by speaker type, per outlet and month.

One view serves the page and, for htmx, its results block; the CSV of the same aggregate
has its own URL. Numbers come from annotations.voices; each links to the quote list
filtered to the quotes behind it. Charts are plain SVG with a table of the same numbers.
"""

import csv
import datetime
import functools

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from ..filters import BadParameter
from ..models import SpeakerType
from ..roles import reader_required
from ..voices import GENDERS, TYPES, VoiceFilter, aggregate, csv_rows
from .research import known_outlets

GENDER_LABELS = {
    "female": "Women",
    "male": "Men",
    "nonbinary": "Non-binary",
    "unknown": "Unknown gender",
}
TYPE_LABELS = dict(SpeakerType.choices)
# Colours with labels and patterns-free contrast on white; the table carries the numbers.
GENDER_COLOURS = {
    "female": "#8e3b8f",
    "male": "#2f6f9f",
    "nonbinary": "#c27c0e",
    "unknown": "#9a9a9a",
}
OUTLET_BARS = 20


def quotes_link(criteria, **kwargs) -> str:
    return f"{_quote_list_url()}?{urlencode(criteria.quote_query(**kwargs), doseq=True)}"


def _quote_list_url() -> str:
    return _quote_list_path(get_script_prefix())


@functools.lru_cache(maxsize=16)
def _quote_list_path(prefix: str) -> str:
    """reverse() once per script prefix, not for each of the page's ~1,600 links."""
    return reverse("quote_list")


# The parameters a number's link adds to its group's: quote_query() puts them last.
GENDER_PARAMS = {
    gender: "&" + urlencode({"speaker_gender": gender, "speaker_type": "person"})
    for gender in GENDERS
}
TYPE_PARAMS = {t: "&" + urlencode({"speaker_type": t}) for t in TYPES}


def _linked(criteria, group: dict, scope: dict) -> dict:
    """A group's numbers with the link behind each: the group's quote list, and the same
    with a gender or a type (its query string encoded once per group, not per number:
    the page has ~1,600 links)."""
    link = quotes_link(criteria, **scope)
    people = [
        {
            "gender": gender,
            "label": GENDER_LABELS[gender],
            "quotes": group["quotes"][gender],
            "people": group["people"][gender],
            "link": link + GENDER_PARAMS[gender],
        }
        for gender in GENDERS
    ]
    types = [
        {
            "type": t,
            "label": TYPE_LABELS[t],
            "quotes": group["types"][t]["quotes"],
            "speakers": group["types"][t]["speakers"],
            "link": link + TYPE_PARAMS[t],
        }
        for t in TYPES
    ]
    return {**group, "by_gender": people, "by_type": types, "link": link}


def outlet_chart(groups: list[dict], *, width=720, bar=22, gap=8, left=200) -> dict | None:
    """Stacked bars, one per outlet: the people quoted by gender, as shares of the bar."""
    rows = sorted(groups, key=lambda g: -g["types"]["person"]["speakers"])[:OUTLET_BARS]
    rows = [g for g in rows if sum(g["people"].values())]
    if not rows:
        return None
    bars = []
    for index, group in enumerate(rows):
        total = sum(group["people"].values())
        x = left
        segments = []
        for gender in GENDERS:
            n = group["people"][gender]
            w = (width - left - 10) * n / total
            if n:
                segments.append(
                    {
                        "x": round(x, 2),
                        "width": round(w, 2),
                        "colour": GENDER_COLOURS[gender],
                        "label": f"{group['outlet'] or '(no outlet)'}: {n} "
                        f"{GENDER_LABELS[gender]} ({100 * n / total:.0f}%)",
                    }
                )
            x += w
        bars.append(
            {
                "y": index * (bar + gap),
                "outlet": group["outlet"] or "(no outlet)",
                "segments": segments,
            }
        )
    return {
        "width": width,
        "height": len(bars) * (bar + gap),
        "bar": bar,
        "left": left,
        "bars": bars,
    }


def month_chart(groups: list[dict], *, width=720, height=200) -> dict | None:
    """The share of women among people quoted with a known gender, month by month, empty
    months left as gaps; readable for one month (a dot) or for ten years (year ticks)."""
    dated = [g for g in groups if g.get("month_start")]
    if not dated:
        return None
    first, last = dated[0]["month_start"], dated[-1]["month_start"]
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(datetime.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    share = {g["month_start"]: g["share_women_people"] for g in dated}
    left, right, top, bottom = 40, 30, 10, height - 28
    slot = (width - left - right) / max(1, len(months) - 1) if len(months) > 1 else 0
    points: list[dict] = []
    runs: list[list[str]] = []
    run: list[str] = []
    for index, day in enumerate(months):
        value = share.get(day)
        x = left + index * slot if len(months) > 1 else (left + width - right) / 2
        if value is None:
            if run:
                runs.append(run)
            run = []
            continue
        y = bottom - (bottom - top) * value / 100
        point = {"x": round(x, 2), "y": round(y, 2), "label": f"{day:%B %Y}: {value}% women"}
        points.append(point)
        run.append(f"{point['x']},{point['y']}")
    if run:
        runs.append(run)
    if len(months) <= 24:
        ticks = [
            {
                "x": round(left + i * slot if len(months) > 1 else (left + width - right) / 2, 2),
                "label": f"{d:%b %Y}",
            }
            for i, d in enumerate(months)
            if len(months) <= 6 or d.month in (1, 7)
        ]
    else:
        step = max(1, len(months) // 12 // 10 + 1)
        ticks = [
            {"x": round(left + i * slot, 2), "label": f"{d:%Y}"}
            for i, d in enumerate(months)
            if d.month == 1 and d.year % step == 0
        ]
    grid = [
        {"y": round(bottom - (bottom - top) * v / 100, 2), "label": f"{v}%"}
        for v in (0, 25, 50, 75, 100)
    ]
    return {
        "width": width,
        "height": height,
        "points": points,
        "lines": [" ".join(r) for r in runs if len(r) > 1],
        "ticks": ticks,
        "grid": grid,
        "left": left,
        "right": width - right,
        "baseline": bottom,
    }


@require_GET
@reader_required
@vary_on_headers("HX-Request")
def voices(request):
    filterset = VoiceFilter(request.GET, queryset=None)
    template = "annotations/research/voices.html"
    context = {"filter": filterset, "outlets": known_outlets(), "colours": GENDER_COLOURS}
    try:
        criteria = filterset.criteria()
        result = aggregate(criteria, groupings=["outlet", "month"])
    except BadParameter as error:
        context["error"] = str(error)
        partial = f"{template}#results" if request.htmx else template
        return render(request, partial, context, status=400)
    by_outlet = [_linked(criteria, g, {"outlet": g["outlet"]}) for g in result["groups"]["outlet"]]
    by_month = [
        _linked(criteria, g, {"month": g["month_start"]})
        if g["month_start"]
        else _linked(criteria, g, {})
        for g in result["groups"]["month"]
    ]
    for rows in result["top"].values():
        for row in rows:
            row["link"] = f"{reverse('speaker_detail', args=[row['speaker_id']])}"
    context.update(
        criteria=criteria,
        total=_linked(criteria, result["total"], {}),
        by_outlet=by_outlet,
        by_month=by_month,
        top=result["top"],
        candidates=result["candidates"],
        candidates_link=quotes_link(criteria, statuses=["candidate"]),
        outlet_chart=outlet_chart(result["groups"]["outlet"]),
        month_chart=month_chart(result["groups"]["month"]),
        csv_query=request.GET.urlencode(),
    )
    partial = f"{template}#results" if request.htmx else template
    return render(request, partial, context)


class _Echo:
    def write(self, value):
        return value


@require_GET
@reader_required
def voices_csv(request):
    filterset = VoiceFilter(request.GET, queryset=None)
    try:
        criteria = filterset.criteria()
        by = criteria.by or "outlet,month"
        result = aggregate(criteria, groupings=[by])
    except BadParameter as error:
        return render(
            request,
            "annotations/research/voices.html",
            {"filter": filterset, "error": str(error)},
            status=400,
        )
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in csv_rows(result, by)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="voices-by-{by.replace(",", "-")}.csv"'
    return response
