"""The researchers' filters, defined once for the pages, the exports and the API.

Each FilterSet validates its query string (a bad date or an unknown speaker is a form
error, which callers turn into a 400 that names the parameter) and narrows a queryset
with the QuerySet methods in ``models``. Lists are paged by keyset (``Cursor``), never
by OFFSET, so page 1,000 costs what page 1 does.
"""

import base64
import binascii
import datetime
import json
from dataclasses import dataclass

import django_filters
from django import forms
from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import Count, Prefetch, Q, prefetch_related_objects

from .models import SEARCH_CONFIG, Article, Gender, Quote, Speaker, SpeakerType
from .parsing import BadParameter, is_id

__all__ = ["BadParameter"]  # defined with the other parsing helpers, raised from here too

DEFAULT_STATUSES = list(Quote.REVIEWED)
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
RELEVANCE_POOL = 1000


def describe_errors(errors) -> str:
    """A form's errors as one sentence: "speaker: There is no speaker with id 99."."""
    parts = []
    for field, messages in errors.items():
        label = "parameters" if field == "__all__" else field
        parts.append(f"{label}: {' '.join(str(m) for m in messages)}")
    return "; ".join(parts)


def iso_date(method: str, label: str) -> django_filters.DateFilter:
    """A date filter that takes only YYYY-MM-DD: "03/01/2024" means two different days
    on two sides of the Atlantic, so it is refused rather than guessed."""
    return django_filters.DateFilter(
        method=method,
        label=label,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter a date as YYYY-MM-DD."},
    )


def choices_filter(choices, label: str, method: str) -> django_filters.MultipleChoiceFilter:
    # distinct=False: a quote matches a status once, and DISTINCT would sort every match.
    return django_filters.MultipleChoiceFilter(
        choices=choices,
        label=label,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
        method=method,
    )


OUTLETS_CACHE_SECONDS = 600


def known_outlets() -> list[str]:
    """Every outlet name, for the outlet field's suggestions and its case-insensitive
    match (cached: it scans the articles)."""
    outlets = cache.get("research:outlets")
    if outlets is None:
        outlets = list(Article.objects.outlets())
        cache.set("research:outlets", outlets, OUTLETS_CACHE_SECONDS)
    return outlets


def outlet_names(typed: str) -> list[str]:
    """The stored outlet names that ``typed`` means, whatever its case and spacing
    ("valley post" is "Valley Post"): exact names, so the outlet index answers. An outlet
    newer than the cached list is looked up in the articles."""
    wanted = " ".join(typed.split())
    key = wanted.casefold()
    known = [name for name in known_outlets() if " ".join(name.split()).casefold() == key]
    if known:
        return known
    found = Article.objects.filter(outlet__iexact=wanted).values_list("outlet", flat=True)
    return sorted(set(found)) or [wanted]


# Paging parameters that travel with every filter.
PAGING_PARAMETERS = ("cursor", "limit")


class ResearchFilterSet(django_filters.FilterSet):
    """A FilterSet whose invalid data raises BadParameter from ``filtered()``."""

    def filtered(self):
        self._refuse_repeated_parameters()
        if not self.is_valid():
            raise BadParameter(describe_errors(self.errors))
        return self.qs

    def _refuse_repeated_parameters(self):
        """A parameter that takes one value but came several times is an error, not a
        silent pick of the last one (?q=bridge&q=budget would search for budget alone)."""
        getlist = getattr(self.data, "getlist", None)
        if getlist is None:
            return
        single = [
            name
            for name, filter_ in self.filters.items()
            if not isinstance(filter_, django_filters.MultipleChoiceFilter)
        ]
        counts = {name: len(getlist(name)) for name in [*single, *PAGING_PARAMETERS]}
        repeated = [f"{name}: give one value, not {n}." for name, n in counts.items() if n > 1]
        if repeated:
            raise BadParameter(" ".join(repeated))

    # Filter methods: each calls the QuerySet method of its concept (models.py).

    def by_outlet(self, queryset, name, value):
        return queryset.by_outlet(outlet_names(value)) if value.strip() else queryset

    def published_from(self, queryset, name, value):
        return queryset.published_between(start=value)

    def published_to(self, queryset, name, value):
        return queryset.published_between(end=value)

    def by_kind(self, queryset, name, value):
        return queryset.of_kind(value) if value else queryset

    def by_status(self, queryset, name, value):
        return queryset.with_status(value) if value else queryset


class ReviewedByDefault(ResearchFilterSet):
    """Researchers see reviewed quotes unless they ask for others: default the status.

    ``left_out_filter`` is the same filter for the quotes the default leaves out (the
    candidates, not yet reviewed), so every page can say how many there are.
    """

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else None
        self.status_given = data is not None and bool(data.getlist("status"))
        if data is not None and not self.status_given:
            data.setlist("status", list(DEFAULT_STATUSES))
        super().__init__(data, *args, **kwargs)

    @property
    def statuses(self) -> set[str]:
        return set(self.form.cleaned_data.get("status") or []) if self.is_valid() else set()

    def left_out_filter(self, queryset):
        """The filter with status=candidate, if this one leaves candidates out; else None."""
        if Quote.Status.CANDIDATE in self.statuses or not self.is_valid():
            return None
        data = self.data.copy()
        data.setlist("status", [Quote.Status.CANDIDATE])
        for name in ("cursor", "sort"):
            data.pop(name, None)
        return type(self)(data, queryset=queryset)

    def including_unreviewed(self):
        """The query string of this filter with the candidates included."""
        data = self.data.copy()
        data.setlist("status", sorted({*self.statuses, Quote.Status.CANDIDATE}))
        data.pop("cursor", None)
        return data.urlencode()


class QuoteFilter(ReviewedByDefault):
    speaker = django_filters.ModelChoiceFilter(
        queryset=Speaker.objects.all(),
        label="Speaker",
        method="by_speaker",
        error_messages={"invalid_choice": "There is no speaker with id %(value)s."},
    )
    article = django_filters.NumberFilter(method="in_article", label="Article id", min_value=1)
    outlet = django_filters.CharFilter(method="by_outlet", label="Outlet")
    date_from = iso_date("published_from", "From")
    date_to = iso_date("published_to", "To")
    status = choices_filter(Quote.Status.choices, "Status", "by_status")
    kind = choices_filter(Quote.Kind.choices, "Kind", "by_kind")
    # The speaker profile (voices): what the Voices dashboard's numbers link to.
    speaker_type = django_filters.ChoiceFilter(
        choices=SpeakerType.choices, label="Speaker type", method="by_speaker_type"
    )
    speaker_gender = django_filters.ChoiceFilter(
        choices=Gender.choices, label="Speaker gender", method="by_speaker_gender"
    )
    q = django_filters.CharFilter(method="search_text", label="Words in the quote")
    sort = django_filters.ChoiceFilter(
        choices=[("date", "newest first"), ("relevance", "best match first")],
        method="no_filter",
        label="Sort",
        empty_label=None,
    )

    class Meta:
        model = Quote
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.form.fields["q"].max_length = 500

    def by_speaker(self, queryset, name, value):
        return queryset.by_speaker(value)

    def in_article(self, queryset, name, value):
        return queryset.in_article(int(value))

    def search_text(self, queryset, name, value):
        return queryset.search(value)

    def by_speaker_type(self, queryset, name, value):
        return queryset.by_speaker_type(value)

    def by_speaker_gender(self, queryset, name, value):
        return queryset.by_speaker_gender(value)

    def no_filter(self, queryset, name, value):
        return queryset  # sorting is the pager's job

    @property
    def sort_order(self) -> str:
        data = self.form.cleaned_data if self.is_valid() else {}
        if data.get("sort") == "relevance" and data.get("q", "").strip():
            return "relevance"
        return "date"

    @property
    def terms(self) -> str:
        return self.form.cleaned_data.get("q", "") if self.is_valid() else ""

    def selects_all_reviewed_quotes(self, *, but: str = "") -> bool:
        """Whether the filters keep every reviewed quote (the default statuses, nothing
        else asked), ignoring the filter named ``but``: the Statement table counts those."""
        data = self.form.cleaned_data if self.is_valid() else None
        if data is None or set(data.get("status") or []) != set(DEFAULT_STATUSES):
            return False
        narrowing = set(self.filters) - {"status", "sort", but}
        return not any(data.get(name) not in (None, "", []) for name in narrowing)

    @property
    def is_search(self) -> bool:
        return bool(self.is_valid() and self.form.cleaned_data.get("q", "").strip())


class SpeakerQuoteFilter(QuoteFilter):
    """The quote filters of a speaker's own page: the speaker is in the path."""

    class Meta(QuoteFilter.Meta):
        exclude = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters.pop("speaker", None)
        self.form.fields.pop("speaker", None)


class TopSpeakerFilter(ReviewedByDefault):
    """Filters of the top-speakers table: which quotes count."""

    outlet = django_filters.CharFilter(method="by_outlet", label="Outlet")
    date_from = iso_date("published_from", "From")
    date_to = iso_date("published_to", "To")
    status = choices_filter(Quote.Status.choices, "Status", "by_status")
    kind = choices_filter(Quote.Kind.choices, "Kind", "by_kind")

    class Meta:
        model = Quote
        fields = []


class SpeakerFilter(ResearchFilterSet):
    q = django_filters.CharFilter(method="by_name", label="Name or alias")

    class Meta:
        model = Speaker
        fields = []

    def by_name(self, queryset, name, value):
        return queryset.matching(value) if value.strip() else queryset


class ArticleFilter(ResearchFilterSet):
    REVIEW_STATES = [
        ("awaiting", "has candidates to review"),
        ("reviewed", "all quotes reviewed"),
        ("no_quotes", "no quotes"),
    ]

    q = django_filters.CharFilter(method="search_title", label="Title, outlet or URL")
    outlet = django_filters.CharFilter(method="by_outlet", label="Outlet")
    date_from = iso_date("published_from", "From")
    date_to = iso_date("published_to", "To")
    extraction = django_filters.ChoiceFilter(
        choices=Article.Extraction.choices, label="Extraction", method="by_extraction"
    )
    review = django_filters.ChoiceFilter(
        choices=REVIEW_STATES, method="by_review_state", label="Review"
    )

    class Meta:
        model = Article
        fields = []

    def search_title(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(outlet__icontains=value) | Q(url__icontains=value)
        )

    def by_extraction(self, queryset, name, value):
        return queryset.with_extraction_state(value)

    def by_review_state(self, queryset, name, value):
        return queryset.in_review_state(value)


def with_review_counts(articles):
    """Articles annotated with how many quotes they have in each review state."""
    return articles.annotate(
        candidate_count=Count("quotes", filter=Q(quotes__status=Quote.Status.CANDIDATE)),
        reviewed_count=Count("quotes", filter=Q(quotes__status__in=Quote.REVIEWED)),
        rejected_count=Count("quotes", filter=Q(quotes__status=Quote.Status.REJECTED)),
    )


# Pages of results --------------------------------------------------------------------


def page_size(raw) -> int:
    """The ``limit`` parameter, checked: 1 to MAX_PAGE_SIZE."""
    if raw in (None, ""):
        return DEFAULT_PAGE_SIZE
    try:
        size = int(raw)
    except (TypeError, ValueError):
        raise BadParameter(f"limit: {raw!r} is not a whole number.") from None
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise BadParameter(f"limit: must be between 1 and {MAX_PAGE_SIZE}, not {size}.")
    return size


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: the sort keys of the last row of the page before.

    Opaque to clients (base64 of a small JSON list); ``decode`` rejects anything forged
    or stale with BadParameter rather than a 500.
    """

    sort: str
    keys: tuple

    def encode(self) -> str:
        raw = json.dumps([self.sort, *self.keys], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str | None, *, sort: str) -> "Cursor | None":
        if not token:
            return None
        try:
            padded = token + "=" * (-len(token) % 4)
            values = json.loads(base64.urlsafe_b64decode(padded.encode()))
            kind, *keys = values
            if kind != sort:
                raise ValueError
            if sort == "date":
                published, article_id, start, quote_id = keys
                if published is not None:
                    published = datetime.date.fromisoformat(published)
                keys = (published, _row_id(article_id), _position(start), _row_id(quote_id))
            elif sort == "relevance":
                rank, quote_id = keys
                if not isinstance(rank, int | float) or isinstance(rank, bool):
                    raise ValueError
                keys = (float(rank), _row_id(quote_id))
            elif sort == "statements":
                appearances, first_quote = keys
                keys = (_position(appearances), _row_id(first_quote))
            else:
                (quote_id,) = keys
                keys = (_row_id(quote_id),)
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, AttributeError):
            raise BadParameter(
                "cursor: not a cursor this list gave out (was the sort changed?)."
            ) from None
        return cls(sort, keys)


def _row_id(value) -> int:
    """A primary key read from a cursor: an int a row could have (not "²", not 10**5000)."""
    if not isinstance(value, int) or not is_id(value):
        raise ValueError
    return value


def _position(value) -> int:
    """A count or an offset in a text, read from a cursor."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 2**31 - 1:
        raise ValueError
    return value


@dataclass
class Page:
    items: list
    next_cursor: Cursor | None
    # How many quotes the whole list has, when the page counted them on its way (else None).
    total: int | None = None


def quote_page(quotes, *, sort: str, cursor: Cursor | None, limit: int, terms: str = "") -> Page:
    """One page of ``quotes`` in ``sort`` order, and the cursor of the next page.

    Date order is newest article first, then reading order within the article: the
    article index (published, id) is walked backwards and each article's quotes sorted,
    so no query sorts more than a page. Undated articles come after all dated ones.
    """
    read_all = sort == "date" and few_matches(quotes.db, terms)
    return _quote_page(
        quotes, sort=sort, cursor=cursor, limit=limit, terms=terms, read_all=read_all
    )


# A search matching at most this many quotes reads every match rather than walking the
# newest quotes checking each. Measured crossover on the 1M-quote corpus, each word's
# page both ways in one run: at 5-7k matches reading was faster (73 against 76 ms, 88
# against 97), from 9k walking (78 against 105 at 9.4k, 80 against 107 at 11.9k). Reading
# costs the same wherever the matches are; walking is slower for a word of years ago.
FEW_MATCHES = 8_000


def few_matches(using: str, terms: str) -> bool:
    """Whether a search matches few enough quotes to read them all and sort them by date.

    PostgreSQL's estimate of the matches is good, but it underrates what checking a
    quote costs, so for a moderately rare word it walks the newest articles checking
    every quote: a second for a word in 1% of quotes. For few
    matches, the keys of every match are read without ORDER BY (which leaves the planner
    one sensible plan, the bitmap scan of the GIN index) and sorted in Python. A common
    word keeps the walk, which finds a page of matches in a few articles.
    """
    estimate = estimated_matches(using, terms)
    return estimate is not None and estimate <= FEW_MATCHES


def estimated_matches(using: str, terms: str) -> int | None:
    """The planner's estimate of the quotes ``terms`` match, whatever the other filters
    (PostgreSQL only; None elsewhere or without terms)."""
    connection = connections[using]
    if not terms.strip() or connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            # search_vector: the stored tsvector of migration 0008 (QuoteQuerySet.search).
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM annotations_quote WHERE "
            "search_vector @@ websearch_to_tsquery(%s::regconfig, %s)",
            [SEARCH_CONFIG, terms],
        )
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def _quote_page(quotes, *, sort, cursor, limit, terms, read_all=False) -> Page:
    if sort == "relevance":
        rows = best_matches(quotes, terms)
        if cursor:
            rank, quote_id = cursor.keys
            rows = rows.filter(Q(rank__lt=rank) | Q(rank=rank, id__lt=quote_id))
        items = _with_relations(rows[: limit + 1])
        more = len(items) > limit
        items = items[:limit]
        last = items[-1] if items else None
        return Page(items, Cursor("relevance", (last.rank, last.pk)) if more else None)

    if read_all:
        return _page_of_few(quotes, cursor=cursor, limit=limit)
    order = ("-article_id", "start", "id")
    items = []
    published = cursor.keys[0] if cursor else None
    if cursor is None or published is not None:
        dated = quotes.filter(article__published__isnull=False)
        if cursor:  # the bound first: the index on the date answers it as a range
            dated = dated.filter(article__published__lte=published).filter(
                _after_in_date_order(*cursor.keys)
            )
        items = _with_relations(dated.order_by("-article__published", *order)[: limit + 1])
    if len(items) <= limit:
        undated = quotes.filter(article__published__isnull=True)
        if cursor and published is None:
            undated = undated.filter(_after_in_date_order(*cursor.keys))
        items += _with_relations(undated.order_by(*order)[: limit + 1 - len(items)])
    more = len(items) > limit
    items = items[:limit]
    if not more:
        return Page(items, None)
    last = items[-1]
    published = last.article.published.isoformat() if last.article.published else None
    return Page(items, Cursor("date", (published, last.article_id, last.start, last.pk)))


def _page_of_few(quotes, *, cursor, limit) -> Page:
    """A date-ordered page of a search with few matches: every match's sort keys read
    into a materialized CTE (no ORDER BY inside it, so the only sensible plan is the GIN
    bitmap scan), the page's rows picked from it by the database's top-N sort, then the
    page's quotes loaded by id. The first page also says how many quotes match
    (``Page.total``): counted from the keys already read."""
    if cursor:
        quotes = quotes.filter(_after_in_date_order(*cursor.keys))
    keys = quotes.order_by().values_list("article__published", "article_id", "start", "pk")
    sql, params = keys.query.sql_with_params()
    with connections[quotes.db].cursor() as db_cursor:
        db_cursor.execute(
            f"WITH matches (published, article_id, start, id) AS MATERIALIZED ({sql}) "
            "SELECT *, count(*) OVER () FROM matches "
            "ORDER BY published DESC NULLS LAST, article_id DESC, start, id LIMIT %s",
            [*params, limit + 1],
        )
        chosen = db_cursor.fetchall()
    total = None
    if cursor is None:
        total = chosen[0][4] if chosen else 0
    by_id = {
        quote.pk: quote
        for quote in _with_relations(Quote.objects.filter(pk__in=[row[3] for row in chosen]))
    }
    items = [by_id[row[3]] for row in chosen[:limit]]
    if len(chosen) <= limit:
        return Page(items, None, total)
    published, article_id, start, quote_id, _ = chosen[limit - 1]
    published = published.isoformat() if published else None
    return Page(items, Cursor("date", (published, article_id, start, quote_id)), total)


def _after_in_date_order(published, article_id, start, quote_id) -> Q:
    """Rows after a date cursor's row: older articles, then the undated ones (last)."""
    if published is None:
        return Q(article__published__isnull=True) & _after(article_id, start, quote_id)
    return (
        Q(article__published__lt=published)
        | Q(article__published=published) & _after(article_id, start, quote_id)
        | Q(article__published__isnull=True)
    )


def best_matches(quotes, terms: str):
    """``quotes`` in relevance order, best first, for the list and its exports alike.

    Ranking reads and scores every match, and a common word matches most quotes: only
    the RELEVANCE_POOL most recently added matches are ranked.
    """
    estimate = estimated_matches(quotes.db, terms)
    if estimate is not None and estimate <= RELEVANCE_WALK_ABOVE * (
        newest := _newest_id(quotes.db)
    ):
        pool = _newest_matches(quotes, estimate, newest)
    else:
        # Found newest id first from the primary key, checking each quote: a common word
        # fills the pool within a few thousand quotes (and SQLite has no estimate).
        pool = quotes.order_by("-id").values("pk")[:RELEVANCE_POOL]
    return Quote.objects.filter(pk__in=pool).ranked(terms).order_by("-rank", "-id")


# A search matching more than this share of the quotes finds its newest matches by walking
# the primary key (RELEVANCE_POOL / share quotes checked: at most 5,000); below it, from
# windows of the newest ids (_newest_matches).
RELEVANCE_WALK_ABOVE = 0.2


def _newest_id(using: str) -> int:
    return Quote.objects.using(using).order_by("-pk").values_list("pk", flat=True).first() or 0


def _newest_matches(quotes, estimate: int, newest: int) -> list[int]:
    """The ids of the RELEVANCE_POOL newest matches of a search (PostgreSQL), read from
    windows of the newest ids: a window holding about twice the pool by the estimate,
    four times wider until it holds the pool. Each window is one bitmap scan, the search
    index's matches ANDed with the primary key's range, so the quotes read are about the
    matches in the window, not every match of the word (tens of thousands for a word in a
    few per cent of quotes) nor every quote of the window. ``newest``: the highest id."""
    window = max(2 * RELEVANCE_POOL * newest // max(estimate, 1), RELEVANCE_POOL)
    while True:
        with transaction.atomic(using=quotes.db):
            with connections[quotes.db].cursor() as cursor:
                # The planner prefers walking the primary key's range and checking each
                # quote's words (it underrates that check: a window of 100,000 ids took
                # 143 ms against 41 ms for the bitmap AND on the 1M-quote corpus).
                cursor.execute("SET LOCAL enable_indexscan = off")
            ids = list(
                quotes.filter(pk__gt=newest - window).order_by().values_list("pk", flat=True)
            )
        if len(ids) >= RELEVANCE_POOL or window >= newest:
            return sorted(ids, reverse=True)[:RELEVANCE_POOL]
        window *= 4


def _with_relations(rows) -> list:
    """The rows with their articles (without the text) and speakers, loaded for these rows
    only: joining them in the main query would make the database fetch them for every
    match before the limit."""
    items = list(rows)
    prefetch_related_objects(
        items, Prefetch("article", queryset=Article.objects.defer("text")), "speaker"
    )
    return items


def _after(article_id, start, quote_id) -> Q:
    """Rows after (article_id, start, id) in the order (-article_id, start, id)."""
    return (
        Q(article_id__lt=article_id)
        | Q(article_id=article_id, start__gt=start)
        | Q(article_id=article_id, start=start, id__gt=quote_id)
    )


def id_page(queryset, *, cursor: Cursor | None, limit: int, sort: str = "id") -> Page:
    """A page of ``queryset`` newest id first (speakers, articles)."""
    rows = queryset.order_by("-pk")
    if cursor:
        rows = rows.filter(pk__lt=cursor.keys[0])
    items = list(rows[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    return Page(items, Cursor(sort, (items[-1].pk,)) if more else None)
