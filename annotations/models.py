"""Articles, speakers and the quotes that tie them together.

Every quote offset indexes ``Article.text`` exactly as imported, in Python ``str``
code points. Editors' decisions are never overwritten by the machine: see
``services.store_candidates``.

The QuerySets are the vocabulary: each concept (a reviewed quote, an article an editor may
claim, one a worker may extract) has one method here, used by services, views, filters,
exports and the API alike.
"""

import functools
import hashlib
import unicodedata
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections, models
from django.db.models import Count, Exists, Expression, F, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Length, TruncMonth
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from . import search


def content_hash(text: str) -> str:
    """The de-duplication key of an article: its text, NFC-normalised, whitespace folded."""
    folded = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def quote_fingerprint(text: str) -> str:
    """The key that groups one statement repeated across articles (agency copy, follow-ups).

    Case, accents, quotation marks, punctuation and spacing are ignored, so the same words
    quoted with curly or straight marks, or with a trailing comma, get the same key.
    Compute it when a quote is written (import, extraction, review), never at query time.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    kept = []
    for char in decomposed:
        category = unicodedata.category(char)
        if category.startswith("M"):
            continue  # accents
        kept.append(" " if category[0] in "PSZC" else char)
    words = "".join(kept).casefold().split()
    if not words:
        return ""
    return hashlib.sha1(" ".join(words).encode("utf-8"), usedforsecurity=False).hexdigest()


# PostgreSQL text-search configuration of quote search: the stored search_vector column
# (migration 0013) is built with the same (English stemming, no stop words; search.py).
SEARCH_CONFIG = search.PG_CONFIG


# annotations_quote.search_vector, on PostgreSQL only: to_tsvector(SEARCH_CONFIG, text),
# generated and stored by the database, GIN-indexed (migration 0008). The model does not
# declare it, so no query but a search reads it and no INSERT or UPDATE writes it.
class StoredSearchVector(Expression):
    """The quote's stored tsvector: a column of the queried quote table, followed to its
    new alias when the queryset becomes a subquery (like Django's own Col)."""

    output_field = SearchVectorField()
    contains_column_references = True
    possibly_multivalued = False

    def __init__(self, alias: str | None = None):
        super().__init__()
        self.alias = alias

    def resolve_expression(self, query=None, *args, **kwargs):
        return StoredSearchVector(self.alias or query.get_initial_alias())

    def relabeled_clone(self, relabels):
        return StoredSearchVector(relabels.get(self.alias, self.alias))

    def get_group_by_cols(self):
        return [self]

    def as_sql(self, compiler, connection):
        return f"{compiler.quote_name(self.alias)}.{compiler.quote_name('search_vector')}", ()


# A claim nobody has acted on for this long no longer holds the article: an editor who
# went home does not keep it from the others.
CLAIM_LIFETIME = timedelta(hours=4)


def _names(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


class ArticleQuerySet(models.QuerySet):
    def by_outlet(self, outlet):
        """Articles of the outlet (a name, or several names: any of them), exactly."""
        return self.filter(outlet__in=_names(outlet))

    def with_extraction_state(self, state):
        return self.filter(extraction_state=state)

    def in_review_state(self, state: str):
        """ "awaiting" (has candidates), "reviewed" (has quotes, none a candidate) or
        "no_quotes"."""
        has_candidates = Quote.objects.filter(article=OuterRef("pk"), status=Quote.Status.CANDIDATE)
        has_quotes = Quote.objects.filter(article=OuterRef("pk"))
        if state == "awaiting":
            return self.filter(Exists(has_candidates))
        if state == "reviewed":
            return self.filter(Exists(has_quotes)).exclude(Exists(has_candidates))
        return self.exclude(Exists(has_quotes))

    def published_between(self, start=None, end=None):
        """Articles published in [start, end] (either bound may be omitted)."""
        qs = self
        if start:
            qs = qs.filter(published__gte=start)
        if end:
            qs = qs.filter(published__lte=end)
        return qs

    def outlets(self) -> list[str]:
        """The distinct outlet names of these articles, in alphabetical order.

        Of all articles (the filter forms), in one index probe per outlet: a recursive
        query walking the outlet index instead of reading 100k articles (36 ms at 1M).
        """
        if self.query.where:
            return list(
                self.exclude(outlet="")
                .order_by("outlet")
                .values_list("outlet", flat=True)
                .distinct()
            )
        table = self.model._meta.db_table
        sql = f"""
            WITH RECURSIVE outlets(name) AS (
                SELECT min(outlet) FROM {table} WHERE outlet > ''
                UNION ALL
                SELECT (SELECT min(outlet) FROM {table} WHERE outlet > outlets.name)
                FROM outlets WHERE outlets.name IS NOT NULL
            )
            SELECT name FROM outlets WHERE name IS NOT NULL
        """
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql)
            return [row[0] for row in cursor.fetchall()]

    # Review claims: an editor claims an article so that two do not review it at once.

    def claimable_by(self, editor):
        """Articles ``editor`` may claim: unclaimed, claimed by them, or claimed so long ago
        that the claim has lapsed (CLAIM_LIFETIME)."""
        return self.filter(
            Q(claimed_by__isnull=True) | Q(claimed_by=editor) | Q(claimed_at__lt=claim_cutoff())
        )

    # Extraction claims: a worker marks the articles it extracts running.

    def extraction_stalled(self, before: datetime | None = None):
        """Articles a worker took and has not touched since ``before`` (default: now less
        settings.EXTRACTION_STALE_AFTER): that worker stopped (kill -9, lost machine)."""
        return self.filter(_stalled(before))

    def extraction_claimable(self):
        """Articles a worker may take: not extracted yet, queued, failed, or stalled."""
        state = Article.Extraction
        return self.filter(
            Q(extraction_state__in=[state.NOT_STARTED, state.QUEUED, state.FAILED]) | _stalled(None)
        )

    # The review queue: the counts kept on each article, so it never counts quotes.

    def in_review_queue(self):
        """Articles with candidates left, the most doubtful first (from the kept counts)."""
        return self.filter(review_candidates__gt=0).in_review_order()

    def in_review_order(self):
        return self.order_by(F("review_lowest_confidence").asc(nulls_last=True), "-published", "pk")

    def refresh_review_counts(self) -> int:
        """Recount the candidates left in these articles and their lowest confidence.

        Called by every service that stores, decides or removes quotes (one UPDATE over
        the articles' own quotes), so the queue reads two columns instead of counting a
        million quotes on every page.
        """
        candidates = Quote.objects.filter(
            article=OuterRef("pk"), status=Quote.Status.CANDIDATE
        ).order_by()
        per_article = candidates.values("article")
        every_quote = Quote.objects.filter(article=OuterRef("pk")).order_by().values("article")
        return self.update(
            review_quotes=Coalesce(Subquery(every_quote.annotate(n=Count("pk")).values("n")), 0),
            review_candidates=Coalesce(
                Subquery(per_article.annotate(n=Count("pk")).values("n")), 0
            ),
            review_lowest_confidence=Subquery(
                per_article.annotate(low=Min("confidence")).values("low")
            ),
        )


def _stalled(before: datetime | None) -> Q:
    before = before or timezone.now() - settings.EXTRACTION_STALE_AFTER
    return Q(extraction_state=Article.Extraction.RUNNING) & (
        Q(extraction_state_changed_at__lt=before) | Q(extraction_state_changed_at__isnull=True)
    )


def claim_cutoff() -> datetime:
    """Claims made before this have lapsed."""
    return timezone.now() - CLAIM_LIFETIME


class Article(models.Model):
    class Extraction(models.TextChoices):
        NOT_STARTED = "not_started", "not yet"
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    external_id = models.CharField(
        max_length=200, blank=True, help_text="The id the article had where it came from."
    )
    outlet = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    title = models.CharField(max_length=500, blank=True)
    published = models.DateField(null=True, blank=True)
    text = models.TextField(help_text="The body exactly as imported; quote offsets index it.")
    language = models.CharField(max_length=16, default="en")
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    imported_at = models.DateTimeField(default=timezone.now, editable=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imported_articles",
    )

    extraction_state = models.CharField(
        max_length=16, choices=Extraction.choices, default=Extraction.NOT_STARTED
    )
    extraction_error = models.TextField(blank=True)
    extracted_with = models.CharField(max_length=64, blank=True)
    extracted_at = models.DateTimeField(null=True, blank=True)
    # Kept by annotations.services (extraction): when the state last changed (a running
    # article whose worker died is recognised by this going stale), how many times a worker
    # took it, and how many candidates the last extraction left on it.
    extraction_state_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    extraction_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    extraction_candidates = models.PositiveIntegerField(null=True, blank=True, editable=False)

    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claimed_articles",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    # What the review queue orders by, kept by ArticleQuerySet.refresh_review_counts
    # whenever a quote of the article is stored, decided or removed.
    review_candidates = models.PositiveIntegerField(default=0, editable=False)
    review_quotes = models.PositiveIntegerField(default=0, editable=False)
    review_lowest_confidence = models.FloatField(null=True, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="article_url_unique_when_present"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="article_text_not_empty"),
        ]
        indexes = [
            models.Index(fields=["outlet", "published"], name="article_outlet_published"),
            models.Index(fields=["published"], name="article_published"),
            models.Index(fields=["extraction_state"], name="article_extraction_state"),
            # Newest-first lists page by (published, id) without OFFSET.
            models.Index(fields=["published", "id"], name="article_published_id"),
            # Lets a speaker's counts by outlet and month join articles from the index alone.
            models.Index(fields=["id", "published", "outlet"], name="article_id_published_outlet"),
            # The review queue: articles with candidates left, most doubtful first.
            # ASC puts NULLs last on PostgreSQL, as the queue's ORDER BY asks; SQLite
            # refuses NULLS LAST in an index, so it is not spelled out.
            models.Index(
                F("review_lowest_confidence").asc(),
                F("published").desc(),
                "id",
                condition=Q(review_candidates__gt=0),
                name="article_review_queue",
            ),
            models.Index(
                F("outlet"),
                F("review_lowest_confidence").asc(),
                F("published").desc(),
                "id",
                condition=Q(review_candidates__gt=0),
                name="article_review_queue_outlet",
            ),
            # The database-wide progress, summed from the index alone.
            models.Index(
                fields=["review_candidates", "review_quotes"], name="article_review_progress"
            ),
        ]

    def __str__(self):
        return self.title or self.url or f"Article {self.pk}"

    def save(self, *args, **kwargs):
        # The hash is derived data, so keep it in step with the text it describes.
        self.content_hash = content_hash(self.text)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("article_review", args=[self.pk])

    @property
    def source_url(self) -> str:
        """The url, only when it is a web address: a link must never run script."""
        return self.url if self.url.lower().startswith(("https://", "http://")) else ""

    @property
    def extraction_summary(self) -> str:
        """The extraction state in words: "done: 12 candidates", "failed: <error>"."""
        state = self.Extraction
        if self.extraction_state == state.DONE:
            n = self.extraction_candidates or 0
            return f"done: {n} candidate{'' if n == 1 else 's'}"
        if self.extraction_state == state.FAILED:
            return f"failed: {self.extraction_error or 'unknown error'}"
        return self.get_extraction_state_display()

    @property
    def claim_has_lapsed(self) -> bool:
        """Whether the article's claim is old enough for any editor to take it over."""
        return bool(self.claimed_at and self.claimed_at < claim_cutoff())


class SpeakerQuerySet(models.QuerySet):
    def active(self):
        """Speakers that have not been merged into another."""
        return self.filter(merged_into__isnull=True)

    def matching(self, term):
        """Speakers whose name or an alias contains ``term`` (case- and accent-insensitive)."""
        key = normalize_name(term)
        return self.filter(
            Q(normalized_name__contains=key) | Q(aliases__normalized__contains=key)
        ).distinct()


NORMALIZED_NAME_LENGTH = 300
_JOINERS = "\u200c\u200d"  # zero-width non-joiner / joiner


def strip_format_characters(text: str) -> str:
    """``text`` without invisible format characters (Unicode category Cf: zero-width
    spaces, soft hyphens, byte-order marks, direction marks) that copy-paste leaves in
    names, so "Roe\u200b" and "Roe" are one name.

    A zero-width (non-)joiner inside a word is spelling (Persian and Indic scripts, emoji
    sequences such as a family), not noise: it is kept there.
    """
    if not any(unicodedata.category(c) == "Cf" for c in text):
        return text
    kept = []
    for i, char in enumerate(text):
        if unicodedata.category(char) != "Cf" or (
            char in _JOINERS
            and 0 < i < len(text) - 1
            and text[i - 1].isalpha()
            and text[i + 1].isalpha()
        ):
            kept.append(char)
    return "".join(kept)


@functools.lru_cache(maxsize=4096)  # the review page normalises each alternative name per row
def normalize_name(name: str) -> str:
    """Case-folded, accent-free, whitespace-folded form used for matching names.

    Cut to the column's length: NFKD can make a name much longer (U+FDFA is 18 letters),
    and a 300-letter name must not fail to save.
    """
    decomposed = unicodedata.normalize("NFKD", strip_format_characters(name))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = " ".join(stripped.casefold().replace("\u2019", "'").split())
    return folded[:NORMALIZED_NAME_LENGTH]


class SpeakerType(models.TextChoices):
    PERSON = "person", "person"
    ORGANISATION = "organisation", "organisation"
    GROUP = "group", "group"
    UNKNOWN = "unknown", "unknown"


class Gender(models.TextChoices):
    FEMALE = "female", "woman"
    MALE = "male", "man"
    NONBINARY = "nonbinary", "non-binary"
    UNKNOWN = "unknown", "unknown"


class GenderSource(models.TextChoices):
    """Where a speaker's gender came from, strongest first (annotations.extraction.profiles)."""

    EDITOR = "editor", "set by an editor"
    TITLE = "title", "a gendered title in the text"
    PRONOUN = "pronoun", "pronouns that refer to them in the text"
    NAME = "name", "first-name statistics"
    NONE = "none", "no evidence"


class ProfileSource(models.TextChoices):
    """Who set a profile field: the extraction engine, or an editor (never overwritten)."""

    INFERRED = "inferred", "inferred from the text"
    EDITOR = "editor", "set by an editor"


class Speaker(models.Model):
    class Origin(models.TextChoices):
        MODEL = "model", "extraction model"
        HUMAN = "human", "person"

    Type = SpeakerType
    Gender = Gender

    name = models.CharField(max_length=300)
    normalized_name = models.CharField(max_length=300, db_index=True, editable=False)
    description = models.TextField(blank=True)
    external_id = models.CharField(
        max_length=64, blank=True, help_text="An id elsewhere, such as a Wikidata QID (Q1234)."
    )
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.HUMAN)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    # The profile (migration 0015). Each field says who set it; an editor's value is
    # never replaced by an inferred one (services.profiles, and on PostgreSQL a trigger).
    speaker_type = models.CharField(
        "type",
        max_length=12,
        choices=SpeakerType,
        default=SpeakerType.UNKNOWN,
        db_default=SpeakerType.UNKNOWN,
    )
    speaker_type_source = models.CharField(
        "type set by",
        max_length=8,
        choices=ProfileSource,
        default=ProfileSource.INFERRED,
        db_default=ProfileSource.INFERRED,
    )
    gender = models.CharField(
        max_length=9, choices=Gender, default=Gender.UNKNOWN, db_default=Gender.UNKNOWN
    )
    gender_source = models.CharField(
        "gender evidence",
        max_length=8,
        choices=GenderSource,
        default=GenderSource.NONE,
        db_default=GenderSource.NONE,
    )
    gender_evidence = models.CharField(
        max_length=300,
        blank=True,
        default="",
        db_default="",
        help_text="The words it came from: 'she said', 'Ms Lowe'.",
    )
    gender_quote = models.ForeignKey(
        "Quote", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(
        max_length=200, blank=True, default="", db_default="", help_text="The latest role seen."
    )
    affiliation = models.CharField(max_length=200, blank=True, default="", db_default="")
    role_source = models.CharField(
        "role set by",
        max_length=8,
        choices=ProfileSource,
        default=ProfileSource.INFERRED,
        db_default=ProfileSource.INFERRED,
    )
    role_evidence = models.CharField(max_length=300, blank=True, default="", db_default="")
    role_quote = models.ForeignKey(
        "Quote", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()
    objects = SpeakerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="speaker_external_id_unique_when_present",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="speaker_name_not_empty"),
            # A gender always says where it came from: no evidence means unknown, and a
            # title or a pronoun always gives a gender (an ambiguous first name may not).
            models.CheckConstraint(
                condition=~Q(gender_source=GenderSource.NONE) | Q(gender=Gender.UNKNOWN),
                name="speaker_gender_none_is_unknown",
            ),
            models.CheckConstraint(
                condition=~Q(gender_source__in=[GenderSource.TITLE, GenderSource.PRONOUN])
                | ~Q(gender=Gender.UNKNOWN),
                name="speaker_gender_text_evidence_gives_gender",
            ),
            models.CheckConstraint(
                condition=Q(speaker_type__in=SpeakerType.values), name="speaker_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(gender__in=Gender.values), name="speaker_gender_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["gender", "speaker_type"], name="speaker_gender_type"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = strip_format_characters(self.name)
        self.normalized_name = normalize_name(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("speaker_detail", args=[self.pk])

    @property
    def gender_set_by_editor(self) -> bool:
        return self.gender_source == GenderSource.EDITOR

    @property
    def heading(self) -> str:
        """What the speaker page calls them: the name, and the role where known."""
        described = ", ".join(part for part in (self.role, self.affiliation) if part)
        return f"{self.name} ({described})" if described else self.name


class SpeakerAlias(models.Model):
    """Another form of a speaker's name seen in text: "Mr Wallace", "the Defence Secretary"."""

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=300)
    normalized = models.CharField(max_length=300, db_index=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "speaker aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["speaker", "normalized"], name="speaker_alias_unique_per_speaker"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = strip_format_characters(self.name)
        self.normalized = normalize_name(self.name)
        super().save(*args, **kwargs)


class SpeakerRole(models.Model):
    """The role and affiliation a speaker had in one article: people change jobs, so each
    article keeps its own ("Defence Secretary" in 2021, "former Defence Secretary" later)."""

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="roles")
    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="speaker_roles")
    role = models.CharField(max_length=200, blank=True)
    affiliation = models.CharField(max_length=200, blank=True)
    evidence = models.CharField(max_length=300, blank=True, help_text="The words it was seen in.")
    quote = models.ForeignKey(
        "Quote", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=8, choices=ProfileSource, default=ProfileSource.INFERRED)
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-article__published", "-article_id"]
        constraints = [
            models.UniqueConstraint(fields=["speaker", "article"], name="speaker_role_per_article"),
            models.CheckConstraint(
                condition=~Q(role="", affiliation=""), name="speaker_role_not_empty"
            ),
        ]

    def __str__(self):
        return ", ".join(part for part in (self.role, self.affiliation) if part)


class VoiceCountQuerySet(models.QuerySet):
    """Filters of the Voices summary: the same concepts as QuoteQuerySet's, on its columns."""

    def with_status(self, statuses):
        return self.filter(status__in=statuses)

    def with_kind(self, kinds):
        return self.filter(kind__in=kinds) if kinds else self

    def by_outlet(self, outlet):
        return self.filter(outlet=outlet)

    def published_between(self, start=None, end=None):
        """Rows of months in [start, end]; callers pass month-aligned bounds."""
        qs = self
        if start:
            qs = qs.filter(month__gte=start)
        if end:
            qs = qs.filter(month__lte=end)
        return qs


class VoiceCount(models.Model):
    """Quotes per (speaker, outlet, month, status, kind): the Voices dashboard's summary.

    PostgreSQL keeps it exact on every write to quotes (and to an article's outlet or
    date), whoever writes, with statement-level triggers (migration 0016), as for
    Statement. The speaker's gender and type are joined at read time, so an editor's
    change to a profile shows at once without rewriting any row. SQLite has no triggers
    here; the dashboard counts quotes there instead (annotations.voices).
    """

    speaker = models.ForeignKey(
        Speaker, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    outlet = models.CharField(max_length=200)
    month = models.DateField(null=True)
    status = models.CharField(max_length=10)
    kind = models.CharField(max_length=8)
    # Not Positive: the triggers add negative deltas through ON CONFLICT, and PostgreSQL
    # checks a CHECK on the proposed row before it finds the conflict. Rows that reach 0
    # are deleted in the same statement.
    quotes = models.IntegerField()

    objects = VoiceCountQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["speaker", "outlet", "month", "status", "kind"],
                name="voice_count_unique",
                nulls_distinct=False,
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "outlet", "month", "kind", "speaker", "quotes"],
                name="voice_count_filter",
            ),
            models.Index(fields=["speaker", "status"], name="voice_count_speaker"),
        ]

    def __str__(self):
        return (
            f"{self.speaker_id} {self.outlet} {self.month} {self.status} {self.kind}: {self.quotes}"
        )

    @staticmethod
    def is_maintained(connection_alias: str = "default") -> bool:
        """Whether the database keeps this table (PostgreSQL's triggers)."""
        return connections[connection_alias].vendor == "postgresql"


class QuoteStatus(models.TextChoices):
    CANDIDATE = "candidate", "candidate"
    CONFIRMED = "confirmed", "confirmed"
    CORRECTED = "corrected", "corrected"
    REJECTED = "rejected", "rejected"


# "Reviewed", said of a quote: a person confirmed or corrected it (a rejected quote is
# decided, not reviewed). What researchers see and count by default: Quote.objects.reviewed(),
# the research filters' default statuses, the Statement table and its triggers (migration
# 0009), and the partial indexes below. Also Quote.REVIEWED.
REVIEWED = (QuoteStatus.CONFIRMED, QuoteStatus.CORRECTED)


class QuoteQuerySet(models.QuerySet):
    def reviewed(self):
        """Quotes a person confirmed or corrected (REVIEWED): what researchers see by default."""
        return self.filter(status__in=REVIEWED)

    def candidates(self):
        """Quotes the engine proposed that nobody has decided on yet."""
        return self.filter(status=QuoteStatus.CANDIDATE)

    def by_speaker(self, speaker):
        return self.filter(speaker=speaker)

    def by_outlet(self, outlet):
        """Quotes of articles of the outlet (a name, or several: any of them), exactly."""
        return self.filter(article__outlet__in=_names(outlet))

    def in_article(self, article_id):
        return self.filter(article_id=article_id)

    def of_kind(self, kinds):
        return self.filter(kind__in=kinds)

    def with_status(self, statuses):
        return self.filter(status__in=statuses)

    def by_speaker_type(self, speaker_type):
        """Quotes whose speaker is of this type; "unknown" includes quotes with no speaker."""
        if speaker_type == SpeakerType.UNKNOWN:
            return self.filter(Q(speaker__isnull=True) | Q(speaker__speaker_type=speaker_type))
        return self.filter(speaker__speaker_type=speaker_type)

    def by_speaker_gender(self, gender):
        """Quotes whose speaker has this gender; "unknown" includes quotes with no speaker."""
        if gender == Gender.UNKNOWN:
            return self.filter(Q(speaker__isnull=True) | Q(speaker__gender=gender))
        return self.filter(speaker__gender=gender)

    # Research queries. Each returns a queryset, so the filters compose in any order.

    def published_between(self, start=None, end=None):
        """Quotes from articles published in [start, end] (either bound may be omitted)."""
        qs = self
        if start:
            qs = qs.filter(article__published__gte=start)
        if end:
            qs = qs.filter(article__published__lte=end)
        return qs

    def search(self, terms: str):
        """Quotes whose text matches ``terms``, annotated with ``rank`` (higher is better).

        The web syntax ("exact phrase", or, -word) with English stemming, the same on
        PostgreSQL (stored search_vector and its GIN index) and SQLite (FTS5): see
        annotations/search.py. Other databases: every word must occur, rank 0.
        """
        terms = " ".join(terms.split())
        if not terms:
            return self
        vendor = connections[self.db].vendor
        if vendor == "postgresql":
            query = SearchQuery(terms, config=SEARCH_CONFIG, search_type="websearch")
            # alias(), not annotate(): the vector is matched, never read into Python.
            matches = self.alias(search_vector=StoredSearchVector()).filter(search_vector=query)
            return matches.ranked(terms)
        if vendor == "sqlite":
            return search.sqlite_search(self, terms).ranked(terms)
        qs = self
        for word in terms.replace('"', " ").split():
            qs = qs.filter(text__icontains=word)
        return qs.ranked(terms)

    def ranked(self, terms: str):
        """Annotate ``rank``: how well each quote matches ``terms`` (0 where unsupported)."""
        terms = " ".join(terms.split())
        vendor = connections[self.db].vendor
        zero = Value(0.0, output_field=models.FloatField())
        if not terms:
            return self.annotate(rank=zero)
        if vendor == "sqlite":
            return self.annotate(rank=search.sqlite_rank(terms) or zero)
        if vendor != "postgresql":
            return self.annotate(rank=zero)
        vector = StoredSearchVector()  # ts_rank reads the stored vector, no re-parsing
        query = SearchQuery(terms, config=SEARCH_CONFIG, search_type="websearch")
        # float8, so that the rank survives a round trip through a page cursor.
        return self.annotate(rank=Cast(SearchRank(vector, query), models.FloatField()))

    def speaker_counts(self):
        """(speaker id, number of quotes) rows, most quoted first; unattributed quotes left out."""
        return (
            self.filter(speaker__isnull=False)
            .order_by()
            .values("speaker")
            .annotate(quote_count=Count("*"))
            .order_by("-quote_count", "speaker")
        )

    def outlet_month_counts(self):
        """(outlet, month, number of quotes) rows: one pass gives a speaker page's count,
        its quotes by outlet and its quotes per month (month is None for undated articles).
        """
        return (
            self.order_by()
            .annotate(month=TruncMonth("article__published"))
            .values("article__outlet", "month")
            .annotate(quote_count=Count("*"))
        )

    def statements(self):
        """One row per statement: quotes by one speaker whose texts share a fingerprint.

        Rows carry ``appearances`` (how many quotes) and ``first_quote`` (the lowest quote
        id, a stable id for the statement). Reviewed quotes are grouped from the index
        quote_reviewed_statement alone; describe a page of statements (outlets, dates)
        from its quotes.
        """
        return (
            self.filter(speaker__isnull=False)
            .exclude(fingerprint="")
            .order_by()
            .values("speaker", "fingerprint")
            .annotate(appearances=Count("*"), first_quote=Min("id"))
        )


class Quote(models.Model):
    class Kind(models.TextChoices):
        DIRECT = "direct", "direct"
        INDIRECT = "indirect", "indirect"
        MIXED = "mixed", "mixed"

    Status = QuoteStatus

    class Origin(models.TextChoices):
        MODEL = "model", "extraction model"
        HUMAN = "human", "person"

    REVIEWED = REVIEWED

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="quotes")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField(help_text="article.text[start:end], stored to check the offsets.")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.DIRECT)

    speaker = models.ForeignKey(
        Speaker, null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    speaker_start = models.PositiveIntegerField(null=True, blank=True)
    speaker_end = models.PositiveIntegerField(null=True, blank=True)
    speaker_text = models.CharField(
        max_length=300, blank=True, help_text="The speaker mention as written: 'he', 'Mr Wallace'."
    )
    speaker_name = models.CharField(
        max_length=300, blank=True, help_text="The name the extractor resolved the mention to."
    )
    is_floating = models.BooleanField(
        default=False, help_text="No mention of its own; continues an earlier speaker."
    )

    cue_start = models.PositiveIntegerField(null=True, blank=True)
    cue_end = models.PositiveIntegerField(null=True, blank=True)
    cue_text = models.CharField(max_length=100, blank=True)
    # The engine's other people of the article who may have said it, best first (names):
    # the review card offers the top three.
    alternatives = models.JSONField(default=list, blank=True)

    confidence = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CANDIDATE)
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.MODEL)
    extractor_version = models.CharField(max_length=64, blank=True)
    # A normalised fingerprint of the text, so the same statement repeated across
    # articles can be grouped without comparing texts at query time.
    fingerprint = models.CharField(max_length=64, blank=True, db_index=True)

    version = models.PositiveIntegerField(default=1, help_text="Optimistic-locking counter.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["fingerprint"])
    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["article", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="quote_start_before_end"),
            # The stored text must be exactly as long as its span: a cheap guard against
            # offsets that drifted from the text they claim to index.
            models.CheckConstraint(
                condition=Q(end=F("start") + Length("text")), name="quote_text_matches_span"
            ),
            models.CheckConstraint(
                # Both ends or neither: "start < NULL" is unknown, which a CHECK lets through.
                condition=Q(speaker_start__isnull=True, speaker_end__isnull=True)
                | Q(
                    speaker_start__isnull=False,
                    speaker_end__isnull=False,
                    speaker_start__lt=F("speaker_end"),
                ),
                name="quote_speaker_span_valid",
            ),
            models.CheckConstraint(
                condition=Q(cue_start__isnull=True, cue_end__isnull=True)
                | Q(cue_start__isnull=False, cue_end__isnull=False, cue_start__lt=F("cue_end")),
                name="quote_cue_span_valid",
            ),
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__gte=0, confidence__lte=1),
                name="quote_confidence_in_unit_interval",
            ),
            # Re-running extraction can never store the same attribution twice.
            models.UniqueConstraint(
                "article",
                "start",
                "end",
                Coalesce("speaker_start", -1),
                name="quote_unique_span_and_mention",
            ),
        ]
        indexes = [
            models.Index(fields=["speaker", "status"], name="quote_speaker_status"),
            models.Index(fields=["status", "article"], name="quote_status_article"),
            models.Index(fields=["article", "status"], name="quote_article_status"),
            # Groups one speaker's repeated statements (Quote.objects.statements()).
            models.Index(fields=["speaker", "fingerprint"], name="quote_speaker_fingerprint"),
            models.Index(
                fields=["speaker", "fingerprint", "id"],
                condition=Q(status__in=list(REVIEWED)),
                name="quote_reviewed_statement",
            ),
            # What researchers count by default (top speakers, a speaker's page): reviewed
            # quotes per speaker, from the index alone.
            models.Index(
                fields=["speaker", "article"],
                condition=Q(status__in=list(REVIEWED)),
                name="quote_reviewed_speaker",
            ),
        ]

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#quote-{self.pk}"

    def span_errors(self, article_text: str | None = None) -> list[str]:
        """Why this quote's offsets do not index its article's text (empty when they do)."""
        text = self.article.text if article_text is None else article_text
        errors = []
        for label, start, end in [
            ("quote", self.start, self.end),
            ("speaker mention", self.speaker_start, self.speaker_end),
            ("cue", self.cue_start, self.cue_end),
        ]:
            if start is None and end is None:
                continue
            if start is None or end is None or not 0 <= start < end <= len(text):
                errors.append(
                    f"the {label} span [{start}, {end}) is outside the article text "
                    f"(0 to {len(text)})"
                )
        if not errors and text[self.start : self.end] != self.text:
            errors.append("the quote text does not match the article text at its span")
        return errors


class Statement(models.Model):
    """One speaker's statement: their reviewed quotes that share a fingerprint, counted.

    A summary of Quote rows that PostgreSQL keeps exact on every write, whoever writes
    (review, extraction, imports, merges, the admin, bulk SQL): statement-level triggers on
    annotations_quote recount each (speaker, fingerprint) a write touched (migration
    0009). It answers the repeated-statements page over the whole corpus without grouping
    a million quotes per request; filtered views group their quotes instead
    (QuoteQuerySet.statements), and so does SQLite, which has no triggers here.
    """

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=64)
    appearances = models.PositiveIntegerField(help_text="How many reviewed quotes.")
    # The lowest id among them: the statement's stable id. The triggers keep it current,
    # so no foreign-key constraint is needed (nor wanted: a deleted quote is recounted
    # after its row is gone).
    first_quote = models.ForeignKey(
        Quote, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["speaker", "fingerprint"], name="statement_unique"),
        ]
        indexes = [
            # The page's order, most repeated first; most statements are said once.
            models.Index(
                F("appearances").desc(),
                "first_quote",
                condition=Q(appearances__gt=1),
                name="statement_repeated_order",
            ),
            models.Index(F("appearances").desc(), "first_quote", name="statement_order"),
        ]

    def __str__(self):
        return f"{self.speaker_id}/{self.fingerprint[:8]}: {self.appearances}"

    @staticmethod
    def is_maintained(connection_alias: str = "default") -> bool:
        """Whether the database keeps this table (PostgreSQL's triggers)."""
        return connections[connection_alias].vendor == "postgresql"

    @classmethod
    def rows(cls):
        """The table in the shape of QuoteQuerySet.statements()."""
        return cls.objects.values("speaker", "fingerprint", "appearances", "first_quote")


class StatementTotal(models.Model):
    """How many statements and appearances the Statement table holds, every statement and
    the repeated ones (said more than once), so that the statements page's first total
    reads a few rows instead of counting 777,000 at 1M quotes.

    Kept by PostgreSQL's statement trigger on annotations_statement (migration 0022), as
    signed deltas: each write of Statement inserts one row of what it changed, and the
    totals are the rows' sum. A single row updated in place would hold every writer of
    statements (a long import included) on that row's lock until it commits; new rows
    take none. Every hundredth delta folds the rows no one holds into one.
    """

    statements = models.BigIntegerField()
    appearances = models.BigIntegerField()
    repeated_statements = models.BigIntegerField()
    repeated_appearances = models.BigIntegerField()

    def __str__(self):
        return f"{self.statements:+} statements, {self.appearances:+} appearances"

    @classmethod
    def totals(cls, *, repeated_only: bool) -> dict:
        """The totals of every statement, or of the repeated ones: in the shape of
        aggregates.statement_totals."""
        prefix = "repeated_" if repeated_only else ""
        sums = cls.objects.aggregate(
            statements=Sum(f"{prefix}statements"), appearances=Sum(f"{prefix}appearances")
        )
        return {name: sums[name] or 0 for name in ("statements", "appearances")}


class VoiceGrain(models.IntegerChoices):
    ALL = 0, "everything"
    OUTLET = 1, "per outlet"
    MONTH = 2, "per month"
    OUTLET_MONTH = 3, "per outlet and month"
    # A calendar year (``month`` is its first day): the year filter researchers use most,
    # read as one cell instead of adding up twelve months' speakers.
    YEAR = 4, "per year"
    OUTLET_YEAR = 5, "per outlet and year"


class VoiceScope(models.IntegerChoices):
    REVIEWED = 1, "confirmed and corrected"
    WITH_CANDIDATES = 2, "confirmed, corrected and candidate"


# The kinds a Voices summary row counts, as a bit mask: each quote counts in every mask
# that has its kind's bit (a direct quote in direct, direct+indirect, direct+mixed and
# every kind), so a kind filter reads its own rows and distinct people stay exact.
KIND_BITS = {"direct": 1, "indirect": 2, "mixed": 4}
EVERY_KIND = 7


def kind_mask(kinds) -> int:
    """The mask of a kind filter; no filter (or every kind) is EVERY_KIND."""
    return sum(KIND_BITS[kind] for kind in set(kinds)) or EVERY_KIND


class VoiceCell(models.Model):
    """A cell of the Voices summaries: the whole corpus, an outlet, a month, an outlet's
    month, a year or an outlet's year (``grain``), for one scope and one kind mask."""

    scope = models.SmallIntegerField(choices=VoiceScope)
    grain = models.SmallIntegerField(choices=VoiceGrain)
    kinds = models.SmallIntegerField(default=EVERY_KIND, help_text="Kinds counted (kind_mask).")
    # NULL: every outlet (grains all and month), unlike "" (an article without an outlet)
    outlet = models.CharField(max_length=200, null=True)  # noqa: DJ001
    # NULL: every month, or undated (by grain); of a year's grains, the year's first day
    month = models.DateField(null=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.scope}/{self.grain} {self.outlet} {self.month}"


class BitStringField(models.Field):
    """PostgreSQL's ``bit varying``, read and written as a string of 0s and 1s (text on
    other databases, where nothing writes it)."""

    def db_type(self, connection):
        return "bit varying" if connection.vendor == "postgresql" else "text"


def month_number(day) -> int:
    """A month counted from year 0 (annotations_month_number() in SQL, migration 0024)."""
    return day.year * 12 + day.month - 1


class VoicePresence(VoiceCell):
    """How many quotes one speaker has in one cell (all, an outlet, a month, a year, or an
    outlet's month or year), per scope: the rows whose appearance or disappearance
    changes VoicePeople's counts. Kept by PostgreSQL's triggers (migrations 0017, 0018:
    per kind mask too; 0023: per year; 0024: the months of a speaker); read for the most
    quoted lists and for the distinct people of a date range."""

    speaker = models.ForeignKey(
        Speaker, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    quotes = models.IntegerField()
    # Of the grains ALL and OUTLET only: the months this speaker is quoted in, bit i for
    # the month first_month + i (month_number). Distinct people over a long range are then
    # one pass over the speakers, not a sum over every month's speakers (migration 0024).
    first_month = models.IntegerField(null=True)
    months = BitStringField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["speaker", "scope", "grain", "kinds", "outlet", "month"],
                name="voice_presence_unique_kinds",
                nulls_distinct=False,
            ),
        ]
        indexes = [
            models.Index(
                fields=["scope", "grain", "kinds", "outlet", "month", "quotes"],
                name="voice_presence_cell_kinds",
            ),
            # The most quoted of the whole corpus or of one outlet, read in order from the
            # index alone (IS NULL is no equality to the planner: no NULL column before
            # the order's).
            models.Index(
                "scope",
                "grain",
                "kinds",
                F("quotes").desc(),
                "speaker",
                condition=Q(outlet__isnull=True, month__isnull=True),
                name="voice_presence_top_all",
            ),
            models.Index(
                "scope",
                "grain",
                "kinds",
                "outlet",
                F("quotes").desc(),
                "speaker",
                condition=Q(outlet__isnull=False, month__isnull=True),
                name="voice_presence_top_outlet",
            ),
            # The speakers of a long range, from their month bits, read from the index
            # alone, all of them or one by one (grains ALL and OUTLET: ``month`` is
            # always NULL there, and ``outlet`` of ALL too).
            models.Index(
                fields=["scope", "grain", "kinds", "outlet", "speaker"],
                include=["first_month", "months"],
                condition=Q(grain__lte=VoiceGrain.OUTLET),
                name="voice_presence_months",
            ),
            # The most quoted of a year, of every outlet or of one.
            models.Index(
                "scope",
                "kinds",
                "month",
                F("quotes").desc(),
                "speaker",
                condition=Q(grain=VoiceGrain.YEAR),
                name="voice_presence_top_year",
            ),
            models.Index(
                "scope",
                "kinds",
                "outlet",
                "month",
                F("quotes").desc(),
                "speaker",
                condition=Q(grain=VoiceGrain.OUTLET_YEAR),
                name="voice_presence_top_outlet_year",
            ),
            # A date range's per-speaker rows, its months of every outlet (or one), read
            # from the index alone: the rows of a month lie all over the table.
            models.Index(
                fields=["scope", "kinds", "month", "outlet"],
                include=["speaker", "quotes"],
                condition=Q(grain=VoiceGrain.OUTLET_MONTH),
                name="voice_presence_range",
            ),
        ]

    def __str__(self):
        return f"{self.speaker_id} {super().__str__()}: {self.quotes}"


class VoicePeople(VoiceCell):
    """Quotes and distinct speakers per cell and profile (type, gender, its source), per
    scope: the Voices dashboard's unfiltered, per-year, per-outlet and per-month numbers
    in a few hundred rows, whatever the corpus size. Kept exact by PostgreSQL's triggers
    on quotes, articles and speakers' profiles (migrations 0017, 0018 and 0023)."""

    speaker_type = models.CharField(max_length=12)
    gender = models.CharField(max_length=9)
    gender_source = models.CharField(max_length=8)
    people = models.IntegerField(help_text="Distinct speakers (not counting unattributed quotes).")
    quotes = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "scope",
                    "grain",
                    "kinds",
                    "outlet",
                    "month",
                    "speaker_type",
                    "gender",
                    "gender_source",
                ],
                name="voice_people_unique_kinds",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        return f"{super().__str__()} {self.gender}: {self.people}"


class VoiceGroup(VoiceCell):
    """VoicePeople's rows of one cell added up: per scope, grain, kinds, outlet and month,
    the sums the Voices numbers are built from (annotations.voices.counts), so that a
    grouping of thousands of cells (the API per outlet and month: 5,280 cells of about 11
    profile rows each at 1M quotes) reads one row per cell instead of adding up 58,000.
    Kept by PostgreSQL's statement triggers on VoicePeople (migration 0021)."""

    # Quotes (tq_) and distinct speakers (tp_) per speaker type; quotes (gq_) and people
    # (gp_) per gender, people only; people of unknown gender by why it is unknown
    # (uq_/up_: "name", the first name is ambiguous; "none", no evidence).
    tq_person = models.IntegerField(default=0)
    tq_organisation = models.IntegerField(default=0)
    tq_group = models.IntegerField(default=0)
    tq_unknown = models.IntegerField(default=0)
    tp_person = models.IntegerField(default=0)
    tp_organisation = models.IntegerField(default=0)
    tp_group = models.IntegerField(default=0)
    tp_unknown = models.IntegerField(default=0)
    gq_female = models.IntegerField(default=0)
    gq_male = models.IntegerField(default=0)
    gq_nonbinary = models.IntegerField(default=0)
    gq_unknown = models.IntegerField(default=0)
    gp_female = models.IntegerField(default=0)
    gp_male = models.IntegerField(default=0)
    gp_nonbinary = models.IntegerField(default=0)
    gp_unknown = models.IntegerField(default=0)
    uq_name = models.IntegerField(default=0)
    up_name = models.IntegerField(default=0)
    uq_none = models.IntegerField(default=0)
    up_none = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "grain", "kinds", "outlet", "month"],
                name="voice_group_unique",
                nulls_distinct=False,
            ),
        ]


class SpeakerMergeSuggestion(models.Model):
    """Two speakers that may be one person, for an editor to decide: never merged blindly."""

    class Status(models.TextChoices):
        OPEN = "open", "open"
        ACCEPTED = "accepted", "accepted"
        DISMISSED = "dismissed", "dismissed"

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reason = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["speaker", "other"], name="merge_suggestion_unique"),
            models.CheckConstraint(
                condition=Q(speaker__lt=F("other")), name="merge_suggestion_ordered_pair"
            ),
        ]

    def __str__(self):
        return f"{self.speaker} ~ {self.other} ({self.score:.0f})"


class SpeakerMerge(models.Model):
    """A merge done, with what it moved, so that it can be undone."""

    source = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="+")
    moved_quote_ids = models.JSONField(default=list)
    moved_alias_ids = models.JSONField(default=list)
    # The source's own name, added to the target as an alias by the merge (undo removes it).
    added_alias_ids = models.JSONField(default=list)
    # Which profile values won and why ({"gender": {"won", "from", "lost", "why"}, ...}),
    # and the target's values before, for undo (services.profiles.merge_profiles).
    profile_outcome = models.JSONField(default=dict, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self):
        return f"{self.source} → {self.target}"


class ApiToken(models.Model):
    """A per-user token for the read-only API; only its hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.name or f"token {self.pk}"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
