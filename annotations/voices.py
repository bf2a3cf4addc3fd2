"""Whose voices: quotes and distinct people by gender and by speaker type, for the filters.

One aggregate for the Voices page, its CSV and ``GET /api/voices``, read from the cheapest
source that answers the filters exactly (PostgreSQL keeps the summaries with triggers,
migrations 0016 and 0017): with no date or kind filter, from VoicePeople (distinct
speakers and quotes already counted per outlet, month and profile: a few hundred rows);
with dates on month boundaries or kinds, from VoiceCount (per speaker, outlet, month,
status and kind); otherwise, and on SQLite, from the quotes themselves. All give the
same numbers (tests/voices/test_aggregate.py checks each against a hand count).

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
from django.db.models import Count, F, Q, Sum
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
    VoicePeople,
    VoicePresence,
    VoiceScope,
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

    def as_dict(self) -> dict:
        known_quotes = (
            self.quotes[Gender.FEMALE] + self.quotes[Gender.MALE] + self.quotes[Gender.NONBINARY]
        )
        known_people = (
            self.people[Gender.FEMALE] + self.people[Gender.MALE] + self.people[Gender.NONBINARY]
        )

        def share(part, whole):
            return round(100 * part / whole, 1) if whole else None

        return {
            "quotes": {g: self.quotes[g] for g in GENDERS},
            "people": {g: self.people[g] for g in GENDERS},
            "share_women_quotes": share(self.quotes[Gender.FEMALE], known_quotes),
            "share_women_people": share(self.people[Gender.FEMALE], known_people),
            "unknown_gender": {
                "quotes": {
                    "name_only": self.unknown_quotes["name"],
                    "no_evidence": self.unknown_quotes["none"],
                },
                "people": {
                    "name_only": self.unknown_people["name"],
                    "no_evidence": self.unknown_people["none"],
                },
            },
            "types": {
                t: {"quotes": self.type_quotes[t], "speakers": self.type_speakers[t]} for t in TYPES
            },
            "total_quotes": sum(self.type_quotes.values()),
        }


def _summary_rows(criteria: Criteria):
    rows = VoiceCount.objects.with_status(criteria.statuses).with_kind(criteria.kinds)
    if criteria.outlet:
        rows = rows.by_outlet(criteria.outlet)
    start = criteria.date_from.replace(day=1) if criteria.date_from else None
    return rows.published_between(start, criteria.date_to)


def _quote_rows(criteria: Criteria):
    quotes = Quote.objects.filter(status__in=criteria.statuses)
    if criteria.kinds:
        quotes = quotes.filter(kind__in=criteria.kinds)
    if criteria.outlet:
        quotes = quotes.filter(article__outlet=criteria.outlet)
    return quotes.published_between(criteria.date_from, criteria.date_to).annotate(
        outlet=F("article__outlet"), month=TruncMonth("article__published")
    )


def _source(criteria: Criteria, using: str):
    """(rows, quote-count expression) from the summary when it can answer, else quotes."""
    if VoiceCount.is_maintained(using) and criteria.whole_months:
        return _summary_rows(criteria), Sum("quotes")
    return _quote_rows(criteria), Count("id")


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
    rows, quote_count = _source(criteria, using)
    columns = _profile_columns()
    total = Cell()
    for row in (
        rows.order_by()
        .values(**columns)
        .annotate(n=quote_count, speakers=Count("speaker", distinct=True))
    ):
        total.add(*_profile(row), row["n"], row["speakers"])
    result = {
        "filters": _describe(criteria),
        "total": total.as_dict(),
        "groups": {by: _groups(rows, quote_count, by) for by in groupings},
        "top": top_speakers(rows, quote_count),
        "candidates": candidate_count(criteria, using=using),
    }
    return result


# ---------------------------------------------------------------- the people summary

# The grain that answers each grouping, without and with an outlet filter.
GRAINS = {
    "": (VoiceGrain.ALL, VoiceGrain.OUTLET),
    "outlet": (VoiceGrain.OUTLET, VoiceGrain.OUTLET),
    "month": (VoiceGrain.MONTH, VoiceGrain.OUTLET_MONTH),
    "outlet,month": (VoiceGrain.OUTLET_MONTH, VoiceGrain.OUTLET_MONTH),
}


def people_can_answer(criteria: Criteria, using: str = "default") -> bool:
    """VoicePeople has no dates or kinds: it answers the whole corpus or one outlet."""
    return (
        VoiceCount.is_maintained(using)
        and not criteria.kinds
        and not (criteria.date_from or criteria.date_to)
    )


def _scope(criteria: Criteria) -> int:
    return VoiceScope.WITH_CANDIDATES if criteria.include_candidates else VoiceScope.REVIEWED


def _cells(scope: int, by: str, outlet: str):
    grain = GRAINS[by][1 if outlet else 0]
    rows = VoicePeople.objects.filter(scope=scope, grain=grain)
    return rows.filter(outlet=outlet) if outlet else rows


def _summed(rows, keys):
    """One row per group with its sums per profile, added up by the database (a group
    has up to 4 types x 4 genders x 5 sources rows)."""
    sums = {}
    for speaker_type in TYPES:
        condition = Q(speaker_type=speaker_type)
        sums[f"tq_{speaker_type}"] = Sum("quotes", filter=condition)
        sums[f"tp_{speaker_type}"] = Sum("people", filter=condition)
    person = Q(speaker_type=SpeakerType.PERSON)
    for gender in GENDERS:
        sums[f"gq_{gender}"] = Sum("quotes", filter=person & Q(gender=gender))
        sums[f"gp_{gender}"] = Sum("people", filter=person & Q(gender=gender))
    unknown = person & Q(gender=Gender.UNKNOWN)
    for why, condition in (
        ("name", Q(gender_source=GenderSource.NAME)),
        ("none", ~Q(gender_source=GenderSource.NAME)),
    ):
        sums[f"uq_{why}"] = Sum("quotes", filter=unknown & condition)
        sums[f"up_{why}"] = Sum("people", filter=unknown & condition)
    return rows.order_by().values(*keys).annotate(**sums) if keys else [rows.aggregate(**sums)]


def _cell_of(row) -> "Cell":
    cell = Cell()
    for speaker_type in TYPES:
        cell.type_quotes[speaker_type] = row[f"tq_{speaker_type}"] or 0
        cell.type_speakers[speaker_type] = row[f"tp_{speaker_type}"] or 0
    for gender in GENDERS:
        cell.quotes[gender] = row[f"gq_{gender}"] or 0
        cell.people[gender] = row[f"gp_{gender}"] or 0
    for why in ("name", "none"):
        cell.unknown_quotes[why] = row[f"uq_{why}"] or 0
        cell.unknown_people[why] = row[f"up_{why}"] or 0
    return cell


def _from_people(criteria: Criteria, groupings) -> dict:
    """The aggregate from VoicePeople and VoicePresence: a few hundred rows per request
    whatever the corpus size (no date or kind filter; whole corpus or one outlet)."""
    scope, outlet = _scope(criteria), criteria.outlet
    total = _cell_of(_summed(_cells(scope, "", outlet), ())[0])
    groups = {}
    for by in groupings:
        keys = GROUPINGS[by]
        cells = {
            tuple(row[k] for k in keys): _cell_of(row)
            for row in _summed(_cells(scope, by, outlet), keys)
        }
        groups[by] = [
            _group(keys, key, cell)
            for key, cell in sorted(cells.items(), key=lambda kv: _group_order(kv[0]))
        ]
    reviewed = _cells(VoiceScope.REVIEWED, "", outlet).aggregate(n=Sum("quotes"))["n"] or 0
    everything = _cells(VoiceScope.WITH_CANDIDATES, "", outlet).aggregate(n=Sum("quotes"))["n"] or 0
    grain = VoiceGrain.OUTLET if outlet else VoiceGrain.ALL
    presence = VoicePresence.objects.filter(scope=scope, grain=grain, outlet=outlet or None)
    return {
        "filters": _describe(criteria),
        "total": total.as_dict(),
        "groups": groups,
        "top": _top_present(presence),
        "candidates": everything - reviewed,
    }


# The most quoted of a cell are read from the presence index, most quoted first, without
# joining speakers: in the first TOP_POOL there are TOP women, men and organisations
# unless the cell is small or very one-sided, and then the join answers.
TOP_POOL = 300


def _top_present(presence) -> dict:
    pool = list(
        presence.exclude(speaker=None)
        .order_by("-quotes")
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


def _group(keys, key, cell) -> dict:
    group = {**dict(zip(keys, key, strict=True)), **cell.as_dict()}
    if "month" in group:
        group["month_start"] = group["month"]
        group["month"] = group["month"].strftime("%Y-%m") if group["month"] else None
    return group


def _groups(rows, quote_count, by: str) -> list[dict]:
    keys = GROUPINGS[by]
    cells: dict[tuple, Cell] = defaultdict(Cell)
    for row in (
        rows.order_by()
        .values(*keys, **_profile_columns())
        .annotate(n=quote_count, speakers=Count("speaker", distinct=True))
    ):
        cells[tuple(row[k] for k in keys)].add(*_profile(row), row["n"], row["speakers"])
    return [
        _group(keys, key, cell)
        for key, cell in sorted(cells.items(), key=lambda kv: _group_order(kv[0]))
    ]


def _profile(row) -> tuple[str, str, str]:
    gender = row["gender"] or Gender.UNKNOWN
    speaker_type = row["type"] or SpeakerType.UNKNOWN
    return gender, speaker_type, row["source"] or GenderSource.NONE


def _group_order(key):
    """Outlets by name, months in time order, the empty outlet and undated month last."""
    return tuple((value is None or value == "", str(value or "")) for value in key)


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


def candidate_count(criteria: Criteria, *, using: str = "default") -> int:
    """How many unreviewed candidates the filters match: what "include" would add."""
    only = Criteria(
        outlet=criteria.outlet,
        date_from=criteria.date_from,
        date_to=criteria.date_to,
        kinds=criteria.kinds,
        include_candidates=True,
    )
    rows, quote_count = _source(only, using)
    return rows.filter(status=Quote.Status.CANDIDATE).aggregate(n=quote_count)["n"] or 0


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
