"""Whose voices: quotes and distinct people by gender and by speaker type, for the filters.

One aggregate for the Voices page, its CSV and ``GET /api/voices``, read from the cheapest
source that answers the filters exactly (PostgreSQL keeps the summaries with triggers,
migrations 0016, 0017, 0018, 0021, 0023 and 0024): with no date filter or a calendar year,
from VoiceGroup (distinct speakers and quotes already counted per outlet, month, year and
kinds: one row a group, VoicePeople's rows per profile added up); with other dates, per
month from VoiceGroup's months, and over the range from VoicePresence's per-speaker rows
of its whole months (or, for a long range, the months each speaker is quoted in) united
with the quotes of the days at its edges (``split``); on SQLite, from the quotes
themselves.
All give the same numbers (tests/voices/test_aggregate.py, test_ranges_and_kinds.py and
test_month_bits.py check each against a hand count).

Counts: ``quotes`` is the number of quotes; ``people`` the number of distinct speakers
(for types other than person: distinct organisations, groups...). A quote with no
speaker counts under type "unknown", gender "unknown", and is no person. Unknown
genders say why: "name" (the first name is ambiguous, nothing else in the text) or
"none" (no evidence at all).
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.db import connections, transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth

from .filters import BadParameter, ResearchFilterSet, iso_date
from .models import (
    REVIEWED,
    Gender,
    GenderSource,
    Quote,
    Speaker,
    SpeakerType,
    VoiceCount,
    VoiceGrain,
    VoiceGroup,
    VoicePeople,
    VoicePresence,
    VoiceScope,
    kind_mask,
    month_number,
)

GENDERS = [Gender.FEMALE, Gender.MALE, Gender.NONBINARY, Gender.UNKNOWN]
TYPES = [SpeakerType.PERSON, SpeakerType.ORGANISATION, SpeakerType.GROUP, SpeakerType.UNKNOWN]
COUNTED_STATUSES: list[str] = list(REVIEWED)  # what researchers count by default
GROUPINGS = {
    "": (),
    "outlet": ("outlet",),
    "month": ("month",),
    "outlet,month": ("outlet", "month"),
}
TOP = 10
# The same as plain strings, the keys of the numbers (for any JSON encoder).
GENDER_KEYS = tuple(str(g) for g in GENDERS)
TYPE_KEYS = tuple(str(t) for t in TYPES)


class VoiceFilter(ResearchFilterSet):
    """The quote filters of the dashboard. Reviewed quotes count; unreviewed candidates
    only when asked (``candidates=on``), and the page says how many that adds."""

    outlet = django_filters.CharFilter(label="Outlet", method="no_filter")
    date_from = iso_date("no_filter", "From")  # applied by Criteria, which knows months
    date_to = iso_date("no_filter", "To")
    kind = django_filters.MultipleChoiceFilter(
        choices=Quote.Kind.choices,
        label="Kind",
        widget=forms.CheckboxSelectMultiple,
        method="no_filter",
    )
    candidates = django_filters.BooleanFilter(
        label="Include unreviewed candidates", method="no_filter", widget=forms.CheckboxInput
    )
    by = django_filters.ChoiceFilter(
        choices=[("outlet", "outlet"), ("month", "month"), ("outlet,month", "outlet and month")],
        label="Per",
        method="no_filter",
        empty_label="outlet and month (API); the page shows both",
    )

    class Meta:
        model = Quote
        fields: list[str] = []

    def no_filter(self, queryset, name, value):
        return queryset

    def criteria(self) -> "Criteria":
        self.filtered()  # validates, or BadParameter naming the parameter
        data = self.form.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise BadParameter("date_to: must not be before date_from.")
        return Criteria(
            outlet=(data.get("outlet") or "").strip(),
            date_from=start,
            date_to=end,
            kinds=tuple(data.get("kind") or ()),
            include_candidates=bool(data.get("candidates")),
            by=data.get("by") or "",
        )


@dataclass(frozen=True)
class Criteria:
    outlet: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    kinds: tuple = ()
    include_candidates: bool = False
    by: str = ""

    @property
    def statuses(self) -> list[str]:
        candidates: list[str] = [Quote.Status.CANDIDATE] if self.include_candidates else []
        return COUNTED_STATUSES + candidates

    @property
    def calendar_year(self) -> datetime.date | None:
        """The first day of the year the dates are exactly (1 January to 31 December),
        if they are one: the summaries hold a cell for it."""
        start, end = self.date_from, self.date_to
        if (
            start
            and end
            and start == datetime.date(end.year, 1, 1)
            and (end.month, end.day) == (12, 31)
        ):
            return start
        return None

    @property
    def whole_months(self) -> bool:
        """Whether the dates fall on month boundaries (what the summary can answer)."""
        start_ok = self.date_from is None or self.date_from.day == 1
        end_ok = self.date_to is None or (
            self.date_to.day == calendar.monthrange(self.date_to.year, self.date_to.month)[1]
        )
        return start_ok and end_ok

    def quote_query(
        self, *, gender=None, speaker_type=None, outlet=None, month=None, statuses=None
    ) -> dict:
        """The quote-list parameters that list the quotes behind one number."""
        params = {"status": statuses or self.statuses}
        if self.kinds:
            params["kind"] = list(self.kinds)
        outlet = outlet if outlet is not None else self.outlet
        if outlet:
            params["outlet"] = outlet
        start, end = self.date_from, self.date_to
        if month is not None:
            last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
            start = max(start, month) if start else month
            end = min(end, last) if end else last
        if start:
            params["date_from"] = start.isoformat()
        if end:
            params["date_to"] = end.isoformat()
        if gender:
            params["speaker_gender"] = gender
        if speaker_type:
            params["speaker_type"] = speaker_type
        return params


@dataclass
class Cell:
    """Counts for one group (or the whole filter)."""

    quotes: dict = field(default_factory=lambda: defaultdict(int))  # gender -> quotes (people)
    people: dict = field(default_factory=lambda: defaultdict(int))  # gender -> distinct people
    type_quotes: dict = field(default_factory=lambda: defaultdict(int))
    type_speakers: dict = field(default_factory=lambda: defaultdict(int))
    unknown_quotes: dict = field(default_factory=lambda: defaultdict(int))  # why -> quotes
    unknown_people: dict = field(default_factory=lambda: defaultdict(int))

    def add(self, gender, speaker_type, source, quotes, speakers) -> None:
        self.type_quotes[speaker_type] += quotes
        self.type_speakers[speaker_type] += speakers
        if speaker_type == SpeakerType.PERSON:
            self.quotes[gender] += quotes
            self.people[gender] += speakers
            if gender == Gender.UNKNOWN:
                why = "name" if source == GenderSource.NAME else "none"
                self.unknown_quotes[why] += quotes
                self.unknown_people[why] += speakers

    def add_quotes(self, sums: dict) -> None:
        """Quotes already added up per type and gender (VoiceGroup's QUOTE_SUMS)."""
        for t in TYPES:
            self.type_quotes[t] += sums[f"tq_{t}"]
        for g in GENDERS:
            self.quotes[g] += sums[f"gq_{g}"]
        self.unknown_quotes["name"] += sums["uq_name"]
        self.unknown_quotes["none"] += sums["uq_none"]

    def as_dict(self) -> dict:
        return counts(
            [self.type_quotes[t] for t in TYPES],
            [self.type_speakers[t] for t in TYPES],
            [self.quotes[g] for g in GENDERS],
            [self.people[g] for g in GENDERS],
            (self.unknown_quotes["name"], self.unknown_quotes["none"]),
            (self.unknown_people["name"], self.unknown_people["none"]),
        )


def _share(part, whole):
    return round(100 * part / whole, 1) if whole else None


def counts(type_quotes, type_speakers, quotes, people, unknown_quotes, unknown_people) -> dict:
    """One group's numbers as the page, the CSV and the API give them, from its counts in
    TYPES and GENDERS order (the unknown genders' as (name only, no evidence)). Built for
    each of up to thousands of groups per request, so straight from sequences, with the
    keys written out (no zip per group)."""
    female_quotes, male_quotes, nonbinary_quotes, unknown_gender_quotes = quotes
    female_people, male_people, nonbinary_people, unknown_gender_people = people
    person, organisation, group, unknown_type = TYPE_KEYS
    female, male, nonbinary, unknown_gender = GENDER_KEYS
    return {
        "quotes": {
            female: female_quotes,
            male: male_quotes,
            nonbinary: nonbinary_quotes,
            unknown_gender: unknown_gender_quotes,
        },
        "people": {
            female: female_people,
            male: male_people,
            nonbinary: nonbinary_people,
            unknown_gender: unknown_gender_people,
        },
        "share_women_quotes": _share(female_quotes, female_quotes + male_quotes + nonbinary_quotes),
        "share_women_people": _share(female_people, female_people + male_people + nonbinary_people),
        "unknown_gender": {
            "quotes": {"name_only": unknown_quotes[0], "no_evidence": unknown_quotes[1]},
            "people": {"name_only": unknown_people[0], "no_evidence": unknown_people[1]},
        },
        "types": {
            person: {"quotes": type_quotes[0], "speakers": type_speakers[0]},
            organisation: {"quotes": type_quotes[1], "speakers": type_speakers[1]},
            group: {"quotes": type_quotes[2], "speakers": type_speakers[2]},
            unknown_type: {"quotes": type_quotes[3], "speakers": type_speakers[3]},
        },
        "total_quotes": type_quotes[0] + type_quotes[1] + type_quotes[2] + type_quotes[3],
    }


def _quote_rows(criteria: Criteria):
    quotes = Quote.objects.filter(status__in=criteria.statuses)
    if criteria.kinds:
        quotes = quotes.filter(kind__in=criteria.kinds)
    if criteria.outlet:
        quotes = quotes.filter(article__outlet=criteria.outlet)
    return quotes.published_between(criteria.date_from, criteria.date_to).annotate(
        outlet=F("article__outlet"), month=TruncMonth("article__published")
    )


def _profile_columns():
    return {
        "gender": F("speaker__gender"),
        "type": F("speaker__speaker_type"),
        "source": F("speaker__gender_source"),
    }


def aggregate(criteria: Criteria, *, groupings=None, using: str = "default") -> dict:
    """The whole aggregate: totals, groups per each of ``groupings`` (default: the
    criteria's ``by``), the most quoted speakers, and how many candidates are left out."""
    groupings = groupings or [criteria.by or "outlet,month"]
    if people_can_answer(criteria, using):
        return _from_people(criteria, groupings)
    if VoiceCount.is_maintained(using):
        return _from_range(criteria, groupings, using)
    return _from_quotes(criteria, groupings)


def _from_quotes(criteria: Criteria, groupings) -> dict:
    """The aggregate counted from the quotes themselves (SQLite, or any database)."""
    rows, quote_count = _quote_rows(criteria), Count("id")
    columns = _profile_columns()
    total = Cell()
    for row in (
        rows.order_by()
        .values(**columns)
        .annotate(n=quote_count, speakers=Count("speaker", distinct=True))
    ):
        total.add(*_profile(row), row["n"], row["speakers"])
    everything = _quote_rows(
        Criteria(criteria.outlet, criteria.date_from, criteria.date_to, criteria.kinds, True)
    )
    return {
        "filters": _describe(criteria),
        "total": total.as_dict(),
        "groups": {by: _groups(rows, quote_count, by) for by in groupings},
        "top": top_speakers(rows, quote_count),
        "candidates": everything.filter(status=Quote.Status.CANDIDATE).count(),
    }


# ---------------------------------------------------------------- the people summary

# The grain that answers each grouping, without and with an outlet filter.
GRAINS = {
    "": (VoiceGrain.ALL, VoiceGrain.OUTLET),
    "outlet": (VoiceGrain.OUTLET, VoiceGrain.OUTLET),
    "month": (VoiceGrain.MONTH, VoiceGrain.OUTLET_MONTH),
    "outlet,month": (VoiceGrain.OUTLET_MONTH, VoiceGrain.OUTLET_MONTH),
}


# A calendar year's: one cell of the year grains for the total and per outlet (its months
# are the month grains' rows of the year).
YEAR_GRAINS = {
    "": (VoiceGrain.YEAR, VoiceGrain.OUTLET_YEAR),
    "outlet": (VoiceGrain.OUTLET_YEAR, VoiceGrain.OUTLET_YEAR),
}


def people_can_answer(criteria: Criteria, using: str = "default") -> bool:
    """VoicePeople answers the whole corpus or one outlet, for any kinds, over all time
    or a calendar year; other dates need the range path (their months, and the quotes of
    the days at their edges)."""
    dated = criteria.date_from or criteria.date_to
    return VoiceCount.is_maintained(using) and (not dated or criteria.calendar_year is not None)


def _scope(criteria: Criteria) -> int:
    return VoiceScope.WITH_CANDIDATES if criteria.include_candidates else VoiceScope.REVIEWED


def _cells(model, scope: int, by: str, outlet: str, kinds: int, months=None, year=None):
    """The rows of ``model`` (VoicePeople, VoiceGroup, VoicePresence) of a grouping;
    ``months``, a (first, last) range of whole months (either may be None: open), for the
    month grains; ``year``, a calendar year's first day: its cells of the year grains, or
    its months."""
    if year is not None and by in YEAR_GRAINS:  # its one cell (an equality: the index's order)
        grain = YEAR_GRAINS[by][1 if outlet else 0]
        rows = model.objects.filter(scope=scope, grain=grain, kinds=kinds, month=year)
    else:
        if year is not None:  # its twelve months
            months = (year, year.replace(month=12))
        grain = GRAINS[by][1 if outlet else 0]
        rows = model.objects.filter(scope=scope, grain=grain, kinds=kinds)
        if months is not None:
            first, last = months
            rows = rows.filter(month__isnull=False)
            if first:
                rows = rows.filter(month__gte=first)
            if last:
                rows = rows.filter(month__lte=last)
    return rows.filter(outlet=outlet) if outlet else rows


# VoiceGroup's sums (migrations 0020 and 0021 say what each adds up), in the order of
# counts()' arguments but for the unknown genders', which come as (name, none) pairs of
# quotes and people.
SUMS = [
    *(f"tq_{t}" for t in TYPES),
    *(f"tp_{t}" for t in TYPES),
    *(f"gq_{g}" for g in GENDERS),
    *(f"gp_{g}" for g in GENDERS),
    "uq_name",
    "up_name",
    "uq_none",
    "up_none",
]


def _summed(
    scope: int, by: str, outlet: str, kinds: int, months=None, year=None
) -> list[tuple[tuple, dict]]:
    """(group key, counts) per group of ``by``: VoiceGroup's row of each cell, whose grain
    (GRAINS) holds one row per group. Read through a cursor: the per-outlet-and-month API
    has thousands of groups of 20 sums, and the queryset's converters per value cost more
    than the query."""
    keys = GROUPINGS[by]
    rows = _cells(VoiceGroup, scope, by, outlet, kinds, months, year)
    query = rows.order_by().values_list(*keys, *SUMS)
    with connections[rows.db].cursor() as cursor:
        cursor.execute(*query.query.sql_with_params())
        found = cursor.fetchall()
    if not keys:  # the whole filter: its one cell, or nothing yet
        return [((), _counts_of(found[0] if found else [0] * len(SUMS)))]
    width = len(keys)
    return [(row[:width], _counts_of(row[width:])) for row in found]


# VoiceGroup's quote counts (not people: they do not add up over cells), summed.
QUOTE_SUMS = {name: Sum(name) for name in SUMS if name.startswith(("tq_", "gq_", "uq_"))}


def _counts_of(sums) -> dict:
    return counts(
        sums[0:4], sums[4:8], sums[8:12], sums[12:16], (sums[16], sums[18]), (sums[17], sums[19])
    )


def _from_people(criteria: Criteria, groupings) -> dict:
    """The aggregate from VoiceGroup and VoicePresence: a row per group and the most
    quoted, whatever the corpus size (all time or a calendar year; whole corpus or one
    outlet)."""
    scope, outlet, kinds = _scope(criteria), criteria.outlet, kind_mask(criteria.kinds)
    year = criteria.calendar_year
    total = _summed(scope, "", outlet, kinds, year=year)[0][1]
    groups = {
        by: _grouped(GROUPINGS[by], dict(_summed(scope, by, outlet, kinds, year=year)))
        for by in groupings
    }
    if year is not None:
        presence = _cells(VoicePresence, scope, "", outlet, kinds, year=year)
    else:  # the conditions of the indexes voice_presence_top_all and _top_outlet
        grain = VoiceGrain.OUTLET if outlet else VoiceGrain.ALL
        presence = VoicePresence.objects.filter(
            scope=scope, grain=grain, kinds=kinds, outlet=outlet or None, month=None
        )
    return {
        "filters": _describe(criteria),
        "total": total,
        "groups": groups,
        "top": _top_present(presence),
        "candidates": _candidates_in("", outlet, kinds, year=year),
    }


def _candidates_in(by: str, *args, **kwargs) -> int:
    """The candidates of VoicePeople's cells (``_cells`` arguments): the quotes counted
    with them less the quotes counted without."""
    with_them = _cells(VoicePeople, VoiceScope.WITH_CANDIDATES, by, *args, **kwargs)
    without = _cells(VoicePeople, VoiceScope.REVIEWED, by, *args, **kwargs)
    return (with_them.aggregate(n=Sum("quotes"))["n"] or 0) - (
        without.aggregate(n=Sum("quotes"))["n"] or 0
    )


# ---------------------------------------------------------------- date ranges


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _next_month(day: datetime.date) -> datetime.date:
    return _month_end(day) + datetime.timedelta(days=1)


def _previous_month(day: datetime.date) -> datetime.date:
    return _month_start(_month_start(day) - datetime.timedelta(days=1))


@dataclass(frozen=True)
class Split:
    """A date range as whole months (first and last month's first day, None: open; or
    no whole month at all) and the partial months at its edges (day ranges)."""

    months: tuple | None
    edges: tuple


def split(date_from: datetime.date | None, date_to: datetime.date | None) -> Split:
    first = None
    if date_from:
        first = date_from if date_from.day == 1 else _next_month(date_from)
    last = None
    if date_to:
        last = _month_start(date_to) if date_to == _month_end(date_to) else None
        last = last or _previous_month(date_to)
    months = (first, last) if first is None or last is None or first <= last else None
    edges = []
    if date_from and date_from.day != 1:
        end = _month_end(date_from)
        edges.append((date_from, min(end, date_to) if date_to else end))
    if date_to and date_to != _month_end(date_to):
        start = _month_start(date_to)
        edge = (max(start, date_from) if date_from else start, date_to)
        if edge not in edges:
            edges.append(edge)
    return Split(months, tuple(edges))


def _months_sql(criteria: Criteria, parts: Split) -> tuple[str, list]:
    """(speaker_id, outlet, quotes) rows of the range's whole months: VoicePresence per
    outlet and month ("" when the range has none)."""
    if parts.months is None:
        return "", []
    first, last = parts.months
    where = ["scope = %s", "grain = %s", "kinds = %s"]
    if criteria.date_from or criteria.date_to:
        where.append("month IS NOT NULL")  # undated articles are in no range
    params: list = [_scope(criteria), VoiceGrain.OUTLET_MONTH, kind_mask(criteria.kinds)]
    for condition, value in (
        ("outlet = %s", criteria.outlet or None),
        ("month >= %s", first),
        ("month <= %s", last),
    ):
        if value:
            where.append(condition)
            params.append(value)
    sql = "SELECT speaker_id, outlet, quotes FROM annotations_voicepresence WHERE "
    return sql + " AND ".join(where), params


def _edge_sql(criteria: Criteria, parts: Split) -> tuple[str, list]:
    """EDGE for the days at the range's edges, from the quotes: each edge is a month of
    its own (``month``, its first day). Their candidates are read whether the filter
    counts them or not, for the number of candidates it leaves out."""
    selects: list[str] = []
    params: list = []
    for start, end in parts.edges:
        where = ["q.status = ANY(%s)", "a.published >= %s", "a.published <= %s"]
        params += [_month_start(start), Quote.Status.CANDIDATE]
        params += [[*COUNTED_STATUSES, Quote.Status.CANDIDATE], start, end]
        if criteria.kinds:
            where.append("q.kind = ANY(%s)")
            params.append(list(criteria.kinds))
        if criteria.outlet:
            where.append("a.outlet = %s")
            params.append(criteria.outlet)
        selects.append(
            "SELECT %s::date, q.speaker_id, a.outlet, q.status = %s, count(*) "
            "FROM annotations_quote q JOIN annotations_article a ON a.id = q.article_id "
            f"WHERE {' AND '.join(where)} GROUP BY 2, 3, 4"
        )
    edges = " UNION ALL ".join(selects) or NO_EDGE
    counted = "TRUE" if criteria.include_candidates else "NOT candidate"
    return EDGE.format(edges=edges, counted=counted), params


# A speaker's profile from ``sp`` (no speaker: unknown), and from ``edge_profiled``'s rows.
PROFILE_OF_SP = (
    "coalesce(sp.gender, 'unknown') AS gender, "
    "coalesce(sp.speaker_type, 'unknown') AS speaker_type, "
    "coalesce(sp.gender_source, 'none') AS gender_source"
)
EDGE_PROFILE = "e.gender, e.speaker_type, e.gender_source"

# The edge days' quotes (``edge_quotes``, per status: candidate or not), and those the
# filter counts (``edge``), per month, speaker and outlet; ``edge_profiled``: with their
# speakers' profiles, joined once for the rows of all the edge's cells (each join hashes
# every speaker). Unattributed quotes (speaker NULL) are quotes of nobody.
EDGE = """edge_quotes (month, speaker_id, outlet, candidate, quotes) AS ({edges}),
edge AS (
    SELECT month, speaker_id, outlet, sum(quotes) AS quotes FROM edge_quotes
    WHERE {counted} GROUP BY 1, 2, 3
), edge_profiled AS MATERIALIZED (
    SELECT e.month, e.speaker_id, e.outlet, e.quotes, {profile}
    FROM edge e LEFT JOIN annotations_speaker sp ON sp.id = e.speaker_id
)""".replace("{profile}", PROFILE_OF_SP)
NO_EDGE = "SELECT NULL::date, NULL::bigint, NULL::varchar, false, 0::bigint WHERE false"

# The rows of the edge months' own cells, read from ``edge`` with the range's numbers
# rather than from the quotes again (each edge read three times cost a third of a
# ten-year range at 1M quotes): its month (``label``: the month's first day) for the
# groupings by month and by outlet and month; and the candidates the edges hold.
EDGE_MONTH = f"""
UNION ALL
SELECT 'month', NULL, {EDGE_PROFILE}, sum(e.quotes), count(DISTINCT e.speaker_id),
    e.month::text
FROM edge_profiled e GROUP BY e.month, 3, 4, 5"""
EDGE_OUTLET_MONTH = f"""
UNION ALL
SELECT 'outlet,month', e.outlet, {EDGE_PROFILE}, sum(e.quotes), count(e.speaker_id),
    e.month::text
FROM edge_profiled e GROUP BY e.month, 2, 3, 4, 5"""
EDGE_CANDIDATES = """
UNION ALL
SELECT 'candidates', NULL, NULL, NULL, NULL, sum(quotes), 0, NULL
FROM edge_quotes WHERE candidate"""


def _edge_rows_sql(groupings) -> str:
    """The edge months' rows of the range statement for ``groupings``."""
    sql = EDGE_MONTH if "month" in groupings else ""
    sql += EDGE_OUTLET_MONTH if "outlet,month" in groupings else ""
    return sql + EDGE_CANDIDATES


# The speakers who can be among the most quoted (TOP_CONDITIONS), labelled, from
# ``{profiled}``'s (speaker_id, name, quotes, speaker_type, gender). MATERIALIZED: each
# label of TOP_OF_RANKED reads it, and inlined it would be recounted for each.
RANKED = """ranked AS MATERIALIZED (
    SELECT CASE WHEN speaker_type = 'organisation' THEN 'organisations'
                WHEN gender = 'female' THEN 'women' ELSE 'men' END AS label,
        speaker_id, name, quotes
    FROM {profiled}
    WHERE speaker_type = 'organisation'
        OR (speaker_type = 'person' AND gender IN ('female', 'male'))
)"""

# The most quoted of each label of ``ranked`` (label, speaker_id, name, quotes): three
# top-N sorts of a few rows each, where numbering every speaker sorted them all (20 of
# the 90 ms of a ten-year range at 1M quotes).
TOP_OF_RANKED = """
SELECT 'top', labels.label, NULL, NULL, NULL, t.quotes, t.speaker_id, t.name
FROM (VALUES ('women'), ('men'), ('organisations')) AS labels(label)
CROSS JOIN LATERAL (
    SELECT speaker_id, name, quotes FROM ranked WHERE ranked.label = labels.label
    ORDER BY quotes DESC, speaker_id LIMIT %s
) AS t"""

# The range's numbers in one statement, so that its pieces are read once: distinct people
# over the whole range (a speaker quoted in several months counts once) and per outlet
# over it, and the most quoted; the pieces are the whole months' rows (``months``) and
# the edge days' (``edge``). They are added up per speaker and outlet (``per``:
# a speaker once per outlet) and per speaker (``whole``: once), so every count is a plain
# count, hashed, with no DISTINCT to sort for; speakers' profiles are joined once, to
# ``whole`` (the unattributed quotes, speaker NULL, join as 0: ids start at 1).
RANGE = """
WITH {edge},
pieces (speaker_id, outlet, quotes) AS (
    {months} SELECT speaker_id, outlet, quotes FROM edge
),
per AS (SELECT speaker_id, outlet, sum(quotes) AS quotes FROM pieces GROUP BY 1, 2),
whole AS (SELECT speaker_id, sum(quotes) AS quotes FROM per GROUP BY 1),
profiled AS (
    SELECT whole.speaker_id, whole.quotes, sp.name, {profile}
    FROM whole LEFT JOIN annotations_speaker sp ON sp.id = whole.speaker_id
), {ranked}
SELECT 'outlet', per.outlet, pr.gender, pr.speaker_type, pr.gender_source,
    sum(per.quotes), count(per.speaker_id), NULL
FROM per JOIN profiled pr ON coalesce(pr.speaker_id, 0) = coalesce(per.speaker_id, 0)
GROUP BY 2, 3, 4, 5
UNION ALL
SELECT 'total', NULL, gender, speaker_type, gender_source, sum(quotes), count(speaker_id), NULL
FROM profiled GROUP BY 3, 4, 5
UNION ALL
{top}
""".replace("{ranked}", RANKED.format(profiled="profiled")).replace("{profile}", PROFILE_OF_SP)


def _range_sql(criteria: Criteria, parts: Split) -> tuple[str, list]:
    """RANGE for the criteria ("" for a range of no day), and its parameters."""
    if parts.months is None and not parts.edges:
        return "", []
    edge, edge_params = _edge_sql(criteria, parts)
    months, month_params = _months_sql(criteria, parts)
    months = f"{months} UNION ALL" if months else ""
    sql = RANGE.format(edge=edge, months=months, top=TOP_OF_RANKED)
    return sql, [*edge_params, *month_params, TOP]


# A range of more months than this reads the speakers' month bits (migration 0024): one
# row per speaker and outlet, whatever the range's length, where the month rows a range
# reads grow with it. At 1M quotes, whole months, aggregate() costs the same both ways
# at about 17 months (15 months: 85 ms by month rows against 93 by bits; 24: 136 against
# 89; ten years: 467 against 120).
MONTH_BITS_FROM = 18

# The people over a long range, in one statement: distinct people from the speakers'
# month bits, and the edge days' speakers who are not among them, counted apart (so that
# no union hashes every speaker to find the few the edges add); the edge days' quotes
# (the whole months' are VoiceGroup's, added up: QUOTE_SUMS); the most quoted from the
# year rows of the range's whole calendar years and the month rows of the rest.
# Unattributed quotes (speaker NULL) are quotes of nobody.
MONTH_BITS_RANGE = """
WITH {edge},
pool AS MATERIALIZED ({pool}),
{ranked}
SELECT 'total', NULL, {edge_profile}, sum(e.quotes), 0, NULL
FROM edge_profiled e GROUP BY 3, 4, 5
UNION ALL
SELECT 'total', NULL, {profile}, 0, count(*), NULL
FROM ({whole}) AS w LEFT JOIN annotations_speaker sp ON sp.id = w.speaker_id GROUP BY 3, 4, 5
UNION ALL
SELECT 'total', NULL, {edge_profile}, 0, count(*), NULL
FROM (
    SELECT DISTINCT speaker_id, gender, speaker_type, gender_source
    FROM edge_profiled WHERE speaker_id IS NOT NULL
) AS e
WHERE ({whole_has_edge} LIMIT 1) IS NULL
GROUP BY 3, 4, 5
UNION ALL
SELECT 'pool', NULL, NULL, NULL, NULL, min(quotes), count(*), NULL FROM pool
UNION ALL
{top}{per_outlet}
"""
# The rows per outlet of a long range, when its groupings have any (a ten-year range's
# people per outlet read every speaker's row of every outlet: 100 of its 250 ms at 1M
# quotes): the edge days' quotes and people the months' bits do not have; the months'.
MONTH_BITS_PER_OUTLET = f"""
UNION ALL
SELECT 'outlet', e.outlet, {EDGE_PROFILE}, sum(e.quotes), 0, NULL
FROM edge_profiled e GROUP BY 2, 3, 4, 5
UNION ALL
SELECT 'outlet', e.outlet, {EDGE_PROFILE}, 0, count(*), NULL
FROM (
    SELECT DISTINCT speaker_id, outlet, gender, speaker_type, gender_source
    FROM edge_profiled WHERE speaker_id IS NOT NULL
) AS e
WHERE ({{per_has_edge}} LIMIT 1) IS NULL
GROUP BY 2, 3, 4, 5
UNION ALL
SELECT 'outlet', p.outlet, {PROFILE_OF_SP}, 0, count(*), NULL
FROM ({{per}}) AS p LEFT JOIN annotations_speaker sp ON sp.id = p.speaker_id
GROUP BY 2, 3, 4, 5"""
# The quotes of a long range per speaker (``{in_pool}``: of the pool's only), and the
# speakers who can be among the most quoted.
RANKED_OVER_RANGE = """spoken AS (
    SELECT speaker_id, sum(quotes) AS quotes
    FROM ({spoken} UNION ALL SELECT speaker_id, quotes FROM edge WHERE TRUE {in_pool}) AS s
    WHERE speaker_id IS NOT NULL GROUP BY 1
), """ + RANKED.format(
    profiled="""(
        SELECT s.speaker_id, sp.name, s.quotes, sp.speaker_type, sp.gender
        FROM spoken s JOIN annotations_speaker sp ON sp.id = s.speaker_id
    ) AS profiled"""
)
# The most quoted over a long range when the pool cannot tell them: every speaker's.
MONTH_BITS_TOP = """
WITH {edge},
{ranked}
{top}
"""
# The most quoted over a long range are looked for among the speakers most quoted of all
# time first: nobody outside them has more quotes in the range than the least of them has
# in all, so when each list's last has more than that, the lists are exact, from the
# range's quotes of these speakers only (at 1M quotes, the 1,000th has 76 quotes; the
# tenth woman of two years, 208). Otherwise every speaker's quotes are added up.
TOP_RANGE_POOL = 1000
# Month numbers beyond any date: an open end of a range.
BEFORE_ALL, AFTER_ALL = -(2**31), 2**31 - 1


def _reads_month_bits(criteria: Criteria, parts: Split) -> bool:
    """A dated range of more than MONTH_BITS_FROM whole months (or open at an end)."""
    if parts.months is None or not (criteria.date_from or criteria.date_to):
        return False
    first, last = parts.months
    if first is None or last is None:
        return True
    return month_number(last) - month_number(first) + 1 > MONTH_BITS_FROM


def _whole_years(first, last) -> tuple | None:
    """The first days of the first and last calendar years wholly inside the months
    [first, last] (None: open), or None when there is none."""
    years_from = (
        first if first is None or first.month == 1 else first.replace(year=first.year + 1, month=1)
    )
    years_to = None
    if last is not None:
        years_to = (
            last.replace(month=1) if last.month == 12 else last.replace(year=last.year - 1, month=1)
        )
    if years_from and years_to and years_from > years_to:
        return None
    return years_from, years_to


def _month_bits_sql(
    criteria: Criteria, parts: Split, pooled: bool = True, per_outlet: bool = True
) -> tuple[str, list]:
    """MONTH_BITS_RANGE for the criteria, and its parameters in the statement's order,
    with its rows per outlet or not; not ``pooled``, MONTH_BITS_TOP: the most quoted of
    every speaker."""
    scope, kinds, outlet = _scope(criteria), kind_mask(criteria.kinds), criteria.outlet
    assert parts.months is not None  # _reads_month_bits: whole months
    first, last = parts.months

    def rows(grain, columns, *conditions):
        """A select of VoicePresence's rows of one grain and the filters' outlet, with the
        (condition, parameters) whose parameters are all given (None: an open end)."""
        where, params = ["scope = %s", "grain = %s", "kinds = %s"], [scope, grain, kinds]
        if grain in (VoiceGrain.ALL, VoiceGrain.MONTH, VoiceGrain.YEAR):
            where.append("outlet IS NULL")  # always; said for the indexes' order
        elif outlet:
            where.append("outlet = %s")
            params.append(outlet)
        for condition, values in conditions:
            if None not in values:
                where.append(condition)
                params += values
        sql = f"SELECT {columns} FROM annotations_voicepresence WHERE {' AND '.join(where)}"
        return sql, params

    def months_between(start, end):
        return [("month IS NOT NULL", ()), ("month >= %s", (start,)), ("month <= %s", (end,))]

    bits = (
        "annotations_months_any(first_month, months, %s, %s)",
        (
            month_number(first) if first else BEFORE_ALL,
            month_number(last) if last else AFTER_ALL,
        ),
    )
    # The speakers of the months' bits, and the edges' speakers who are not among them:
    # each looked up in voice_presence_months, a LIMIT keeping the subquery a lookup (NOT
    # EXISTS became a join that sorted every speaker: 150 ms for ten years at 1M quotes).
    per = rows(VoiceGrain.OUTLET, "speaker_id, outlet", bits)
    per_has_edge = rows(
        VoiceGrain.OUTLET, "1", bits, ("speaker_id = e.speaker_id AND outlet = e.outlet", ())
    )
    whole_grain = VoiceGrain.OUTLET if outlet else VoiceGrain.ALL
    whole = rows(whole_grain, "speaker_id", bits)
    whole_has_edge = rows(whole_grain, "1", bits, ("speaker_id = e.speaker_id", ()))
    # The most quoted: whole calendar years from their year rows, the other months from
    # theirs (TOP_RANGE_POOL).
    pool = rows(
        whole_grain, "speaker_id, quotes", ("month IS NULL", ()), ("speaker_id IS NOT NULL", ())
    )
    pool = (f"{pool[0]} ORDER BY quotes DESC, speaker_id LIMIT %s", [*pool[1], TOP_RANGE_POOL])
    in_pool = ("speaker_id IN (SELECT speaker_id FROM pool)", ()) if pooled else ("TRUE", ())
    spoken, spans = [], [(first, last)]
    years = _whole_years(first, last)
    if years is not None:
        years_from, years_to = years
        year_grain = VoiceGrain.OUTLET_YEAR if outlet else VoiceGrain.YEAR
        spoken.append(rows(year_grain, "speaker_id, quotes", *months_between(*years), in_pool))
        spans = []
        if years_from is not None and (first is None or first < years_from):
            spans.append((first, _previous_month(years_from)))
        year_end = years_to.replace(month=12) if years_to is not None else None
        if year_end is not None and (last is None or last > year_end):
            spans.append((_next_month(year_end), last))
    # The other months from their rows: the pool's, looked up by speaker in the month
    # grain; everyone's, from the per-outlet rows, which an index holds whole
    # (voice_presence_range).
    month_grain = VoiceGrain.MONTH if pooled and not outlet else VoiceGrain.OUTLET_MONTH
    spoken += [
        rows(month_grain, "speaker_id, quotes", *months_between(*span), in_pool) for span in spans
    ]
    edge, edge_params = _edge_sql(criteria, parts)
    ranked = RANKED_OVER_RANGE.format(
        spoken=" UNION ALL ".join(part[0] for part in spoken), in_pool=f"AND {in_pool[0]}"
    )
    spoken_params = [value for part in spoken for value in part[1]]
    if not pooled:
        return (
            MONTH_BITS_TOP.format(edge=edge, ranked=ranked, top=TOP_OF_RANKED),
            [*edge_params, *spoken_params, TOP],
        )
    per_outlet_rows, per_outlet_params = "", []
    if per_outlet:
        per_outlet_rows = MONTH_BITS_PER_OUTLET.format(per=per[0], per_has_edge=per_has_edge[0])
        per_outlet_params = [*per_has_edge[1], *per[1]]
    sql = MONTH_BITS_RANGE.format(
        top=TOP_OF_RANKED,
        profile=PROFILE_OF_SP,
        edge_profile=EDGE_PROFILE,
        edge=edge,
        whole=whole[0],
        whole_has_edge=whole_has_edge[0],
        pool=pool[0],
        ranked=ranked,
        per_outlet=per_outlet_rows,
    )
    params = [
        *edge_params,
        *pool[1],
        *spoken_params,
        *whole[1],
        *whole_has_edge[1],
        TOP,
        *per_outlet_params,
    ]
    return sql, params


def _pool_tells_top(top: dict, least: int, size: int) -> bool:
    """Whether the most quoted found among the pool (TOP_RANGE_POOL) are everyone's: the
    pool is everybody, or each list is full and its last has more quotes in the range
    than anyone outside the pool can have (a tie could go to a lower speaker id)."""
    if size < TOP_RANGE_POOL:
        return True
    return all(len(rows) == TOP and rows[-1]["quotes"] > least for rows in top.values())


def _most_quoted_over(cursor, criteria: Criteria, parts: Split) -> dict:
    cursor.execute(*_month_bits_sql(criteria, parts, pooled=False))
    top: dict = {label: [] for label in TOP_CONDITIONS}
    for _, label, *_profile, quotes, speaker, name in cursor.fetchall():
        _add_top(top, label, speaker, name, quotes)
    return top


def _add_top(top: dict, label: str, speaker: int, name: str, quotes) -> None:
    """A row of TOP_OF_RANKED into the lists of the most quoted."""
    top[label].append({"speaker_id": speaker, "name": name, "quotes": int(quotes)})


def _from_range(criteria: Criteria, groupings, using: str) -> dict:
    """The aggregate of a date range (PostgreSQL): per month from VoiceGroup's months
    and the edge days' quotes; over the range (the total, per outlet, the most quoted)
    from the union of VoicePresence's months and the edge days' quotes, per speaker, or,
    over more than MONTH_BITS_FROM months, from the speakers' month bits. Never reads
    the quotes of whole months."""
    parts = split(criteria.date_from, criteria.date_to)
    scope, outlet, kinds = _scope(criteria), criteria.outlet, kind_mask(criteria.kinds)
    total = Cell()
    per_outlet: dict[tuple, Cell] = defaultdict(Cell)
    top: dict = {label: [] for label in TOP_CONDITIONS}
    edge_cells: dict[str, dict[tuple, Cell]] = {by: defaultdict(Cell) for by in groupings}
    candidates = 0
    by_month_bits = _reads_month_bits(criteria, parts)
    per_outlet_needed = any(GROUPINGS[by] == ("outlet",) for by in groupings)
    # The summaries' months of the range (None: all of them, undated included).
    summary_months = parts.months if criteria.date_from or criteria.date_to else None
    if by_month_bits:
        statement, params = _month_bits_sql(criteria, parts, per_outlet=per_outlet_needed)
    else:
        statement, params = _range_sql(criteria, parts)
    if statement:
        statement += _edge_rows_sql(groupings)
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            # With the default 4 MB the planner expects its hash of a year's speakers per
            # outlet (34,000 rows) not to fit, and sorts them by outlet and profile
            # instead: a third of the query's time at 1M quotes (137 against 109 ms).
            cursor.execute("SET LOCAL work_mem = '16MB'")
            # Compiling the long range's statement took 50 ms of its 600 at 1M quotes.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(statement, params)
            pool = None
            for row in cursor.fetchall():
                part, group, gender, kind, source, quotes, n, label = row
                if part == "pool":  # quotes: the least quoted of the pool, n: its size
                    pool = (quotes or 0, n)
                elif part == "top":  # group: the label, n: the speaker, label: the name
                    _add_top(top, group, n, label, quotes)
                elif part == "candidates":
                    candidates += int(quotes or 0)
                elif part in ("month", "outlet,month"):  # an edge month; label: its day 1
                    month = datetime.date.fromisoformat(label)
                    key = (month,) if part == "month" else (group, month)
                    edge_cells[part][key].add(gender, kind, source, int(quotes), n)
                else:
                    cell = total if part == "total" else per_outlet[(group,)]
                    cell.add(gender, kind, source, int(quotes), n)
            if pool is not None and not _pool_tells_top(top, *pool):
                top = _most_quoted_over(cursor, criteria, parts)
    if by_month_bits:  # the whole months' quotes, added up
        months = _cells(VoiceGroup, scope, "outlet,month", outlet, kinds, months=parts.months)
        if per_outlet_needed:
            for sums in months.values("outlet").annotate(**QUOTE_SUMS).order_by():
                per_outlet[(sums["outlet"],)].add_quotes(sums)
                total.add_quotes(sums)
        else:
            sums = months.aggregate(**QUOTE_SUMS)
            total.add_quotes({name: value or 0 for name, value in sums.items()})
    for rows in top.values():
        rows.sort(key=lambda r: (-r["quotes"], r["speaker_id"]))
    groups = {}
    for by in groupings:
        keys = GROUPINGS[by]
        cells: dict[tuple, dict] = {}
        if "month" not in keys:
            cells = {key: cell.as_dict() for key, cell in per_outlet.items()}
        else:
            if parts.months is not None:
                cells = dict(_summed(scope, by, outlet, kinds, months=summary_months))
            cells.update({key: cell.as_dict() for key, cell in edge_cells[by].items()})
        groups[by] = _grouped(keys, cells)
    if parts.months is not None:
        candidates += _candidates_in("month", outlet, kinds, months=summary_months)
    return {
        "filters": _describe(criteria),
        "total": total.as_dict(),
        "groups": groups,
        "top": top,
        "candidates": candidates,
    }


# The most quoted of a cell are read from the presence index, most quoted first, without
# joining speakers: in the first TOP_POOL there are TOP women, men and organisations
# unless the cell is small or very one-sided, and then the join answers.
TOP_POOL = 300


def _top_present(presence) -> dict:
    pool = list(
        presence.exclude(speaker=None)
        .order_by("-quotes", "speaker")  # the order of the index voice_presence_top_*
        .values_list("speaker", "quotes")[:TOP_POOL]
    )
    profiles = {
        s.pk: s
        for s in Speaker.objects.filter(pk__in=[pk for pk, _ in pool]).only(
            "name", "speaker_type", "gender"
        )
    }
    top = {}
    for label, condition in TOP_CONDITIONS.items():
        rows = [
            {"speaker_id": pk, "name": profiles[pk].name, "quotes": n}
            for pk, n in pool
            if pk in profiles and _matches(profiles[pk], condition)
        ]
        rows.sort(key=lambda r: (-r["quotes"], r["speaker_id"]))
        if len(rows) < TOP and len(pool) == TOP_POOL:
            rows = [
                {"speaker_id": r["speaker"], "name": r["speaker__name"], "quotes": r["quotes"]}
                for r in presence.filter(**condition)
                .order_by("-quotes", "speaker")
                .values("speaker", "speaker__name", "quotes")[:TOP]
            ]
        top[label] = rows[:TOP]
    return top


def _matches(speaker, condition: dict) -> bool:
    return all(getattr(speaker, key.split("__", 1)[1]) == value for key, value in condition.items())


def _grouped(keys, cells: dict[tuple, dict]) -> list[dict]:
    """The groups in order, each its key (``month`` as "YYYY-MM", its first day as
    ``month_start``) and its numbers."""
    groups = []
    for key, numbers in sorted(cells.items(), key=lambda kv: _group_order(kv[0])):
        group = dict(zip(keys, key, strict=True))
        group.update(numbers)
        if "month" in group:
            month = group["month_start"] = group["month"]
            group["month"] = month.isoformat()[:7] if month else None
        groups.append(group)
    return groups


def _quote_cells(rows, quote_count, by: str) -> dict[tuple, dict]:
    """The counts of quote ``rows`` per group of ``by``."""
    keys = GROUPINGS[by]
    cells: dict[tuple, Cell] = defaultdict(Cell)
    for row in (
        rows.order_by()
        .values(*keys, **_profile_columns())
        .annotate(n=quote_count, speakers=Count("speaker", distinct=True))
    ):
        cells[tuple(row[k] for k in keys)].add(*_profile(row), row["n"], row["speakers"])
    return {key: cell.as_dict() for key, cell in cells.items()}


def _groups(rows, quote_count, by: str) -> list[dict]:
    return _grouped(GROUPINGS[by], _quote_cells(rows, quote_count, by))


def _profile(row) -> tuple[str, str, str]:
    gender = row["gender"] or Gender.UNKNOWN
    speaker_type = row["type"] or SpeakerType.UNKNOWN
    return gender, speaker_type, row["source"] or GenderSource.NONE


def _group_order(key):
    """Outlets by name, months in time order, the empty outlet and undated month last."""
    return [(True, "") if value is None or value == "" else (False, value) for value in key]


TOP_CONDITIONS: dict[str, dict[str, str]] = {
    "women": {"speaker__speaker_type": SpeakerType.PERSON, "speaker__gender": Gender.FEMALE},
    "men": {"speaker__speaker_type": SpeakerType.PERSON, "speaker__gender": Gender.MALE},
    "organisations": {"speaker__speaker_type": SpeakerType.ORGANISATION},
}


def top_speakers(rows, quote_count) -> dict:
    """The most quoted women, men and organisations among the filtered quotes."""
    out = {}
    for label, condition in TOP_CONDITIONS.items():
        out[label] = [
            {"speaker_id": r["speaker"], "name": r["speaker__name"], "quotes": r["n"]}
            for r in rows.filter(**condition)
            .order_by()
            .values("speaker", "speaker__name")
            .annotate(n=quote_count)
            .order_by("-n", "speaker")[:TOP]
        ]
    return out


def _describe(criteria: Criteria) -> dict:
    return {
        "outlet": criteria.outlet or None,
        "date_from": criteria.date_from.isoformat() if criteria.date_from else None,
        "date_to": criteria.date_to.isoformat() if criteria.date_to else None,
        "kind": list(criteria.kinds),
        "statuses": criteria.statuses,
    }


CSV_COLUMNS = [
    "outlet",
    "month",
    "quotes_female",
    "quotes_male",
    "quotes_nonbinary",
    "quotes_unknown_gender",
    "people_female",
    "people_male",
    "people_nonbinary",
    "people_unknown_gender",
    "share_women_quotes",
    "share_women_people",
    "unknown_gender_people_name_only",
    "unknown_gender_people_no_evidence",
    "quotes_person",
    "quotes_organisation",
    "quotes_group",
    "quotes_unknown_type",
    "speakers_person",
    "speakers_organisation",
    "speakers_group",
    "speakers_unknown_type",
    "total_quotes",
]


def csv_rows(result: dict, by: str):
    """The aggregate as CSV rows: one per group, then the total (outlet and month "all")."""
    yield CSV_COLUMNS
    for group in [*result["groups"][by], {"outlet": "all", "month": "all", **result["total"]}]:
        yield [
            group.get("outlet", "all") or "",
            group.get("month", "all") or "undated",
            *[group["quotes"][g] for g in GENDERS],
            *[group["people"][g] for g in GENDERS],
            group["share_women_quotes"],
            group["share_women_people"],
            group["unknown_gender"]["people"]["name_only"],
            group["unknown_gender"]["people"]["no_evidence"],
            *[group["types"][t]["quotes"] for t in TYPES],
            *[group["types"][t]["speakers"] for t in TYPES],
            group["total_quotes"],
        ]
