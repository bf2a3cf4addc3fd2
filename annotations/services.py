"""Writes that touch several models: import articles, record editors' decisions, extract.

Views, commands and jobs call these keyword-only functions; none of them is called from
``save()`` or a signal, so every write that matters can be found here.
"""

import logging
import sys
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import import_module
from itertools import islice

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .importers import ArticleRecord, ImportFileError
from .models import (
    Article,
    Quote,
    Speaker,
    SpeakerAlias,
    SpeakerMerge,
    SpeakerMergeSuggestion,
    content_hash,
    normalize_name,
    quote_fingerprint,
)
from .speakers import (
    clean_name,
    is_name,
    merge_score,
    name_key,
    resolve_in_article,
    similar_key_filters,
)


@dataclass
class ImportResult:
    imported: list[Article] = field(default_factory=list)
    skipped: list[tuple[ArticleRecord, Article]] = field(default_factory=list)


def find_existing_article(record: ArticleRecord) -> Article | None:
    """The article already stored under this record's url or content, if any."""
    if record.url:
        found = Article.objects.filter(url=record.url).first()
        if found:
            return found
    return Article.objects.filter(content_hash=content_hash(record.text)).first()


def import_records(
    *, source: str, records: list[ArticleRecord], user=None, dry_run: bool = False
) -> ImportResult:
    """Store one file's articles and their gold quotes, all or nothing.

    An article whose url or content is already stored is skipped, never updated. Within
    the file, a repeated article is skipped too. With ``dry_run`` the whole file is
    validated against the database and then rolled back.
    """
    result = ImportResult()
    try:
        with transaction.atomic():
            for record in records:
                existing = find_existing_article(record)
                if existing is not None:
                    result.skipped.append((record, existing))
                    continue
                result.imported.append(_store_article(record, user=user, source=source))
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as error:
        raise ImportFileError(source, f"the database refused it ({error})") from None
    return result


def _store_article(record: ArticleRecord, *, user, source: str) -> Article:
    article = Article.objects.create(
        text=record.text,
        outlet=record.outlet,
        url=record.url,
        title=record.title,
        published=record.published,
        external_id=record.external_id,
        imported_by=user,
    )
    seen_spans = set()
    for index, gold in enumerate(record.quotes, 1):
        key = (gold.start, gold.end, gold.speaker_start)
        if key in seen_spans:
            raise ImportFileError(
                source, f"quote {index} repeats the span of an earlier quote", record.line
            )
        seen_spans.add(key)
        speaker = (
            speaker_for_name(gold.speaker_name, mention=gold.speaker_text)
            if (gold.speaker_name)
            else None
        )
        Quote.objects.create(
            article=article,
            start=gold.start,
            end=gold.end,
            text=gold.text,
            kind=gold.kind or _kind_of(gold.text),
            speaker=speaker,
            speaker_start=gold.speaker_start,
            speaker_end=gold.speaker_end,
            speaker_text=gold.speaker_text,
            speaker_name=gold.speaker_name,
            is_floating=gold.speaker_start is None,
            cue_text=gold.cue_text,
            cue_start=gold.cue_start,
            cue_end=gold.cue_end,
            fingerprint=quote_fingerprint(gold.text),
            status=Quote.Status.CONFIRMED,
            origin=Quote.Origin.HUMAN,
            created_by=user,
            updated_by=user,
        )
    return article


QUOTE_MARKS = '"\u201c\u201d\u201e\u00ab\u00bb\u2018'


def _kind_of(text: str) -> str:
    """Gold files rarely say the kind: marks around the whole text make it direct."""
    stripped = text.strip()
    if stripped[:1] in QUOTE_MARKS:
        return Quote.Kind.DIRECT
    if any(mark in stripped for mark in QUOTE_MARKS):
        return Quote.Kind.MIXED
    return Quote.Kind.INDIRECT


# Review
# ------
# Editors' decisions on quotes. Every write is one transaction that bumps Quote.version with
# a conditional UPDATE ... WHERE version = <the version the editor saw>; a stale version
# raises QuoteConflict carrying the current state, so nobody's change is silently lost.
# Each write leaves one django-simple-history record (user, time, reason) used by undo and
# by the quote's history.

REVIEW_FIELDS = (
    "start",
    "end",
    "text",
    "kind",
    "speaker_id",
    "speaker_start",
    "speaker_end",
    "speaker_text",
    "status",
)
UNDO_REASON = "undo "
BATCH_REASON = "batch "


class ReviewError(ValueError):
    """An editor's request that cannot be carried out, with a message saying why."""


class QuoteConflict(Exception):
    """The quote changed since the editor loaded it: ``current`` is what it is now."""

    def __init__(self, current: Quote | None, message: str = ""):
        self.current = current
        super().__init__(
            message
            or (
                "This quote was changed by someone else since you loaded it."
                if current is not None
                else "This quote no longer exists."
            )
        )


class ClaimConflict(Exception):
    def __init__(self, article: Article):
        self.article = article
        super().__init__(f"{article.claimed_by} is already reviewing this article.")


def _conflict(quote_id: int) -> QuoteConflict:
    return QuoteConflict(
        Quote.objects.select_related("speaker", "updated_by").filter(pk=quote_id).first()
    )


def _ensure_baseline(quote: Quote) -> None:
    """Quotes stored in bulk (extraction) have no history yet: record their state first,
    so that the first change by an editor can be undone and shown as before/after."""
    if not Quote.history.filter(id=quote.pk).exists():
        Quote.history.bulk_history_create(
            [quote], default_change_reason="baseline", default_date=quote.updated_at
        )


def _write(*, quote: Quote, editor, version: int, changes: dict, reason: str = "") -> Quote:
    """Apply ``changes`` if the quote is still at ``version``; record it in the history."""
    now = timezone.now()
    # savepoint=False: inside a caller's transaction (a view creating a speaker first), a
    # failure here rolls the whole of it back, which is what the caller wants anyway.
    with transaction.atomic(savepoint=False):
        _ensure_baseline(quote)
        try:
            with transaction.atomic():
                updated = Quote.objects.filter(pk=quote.pk, version=version).update(
                    **changes, version=F("version") + 1, updated_by=editor, updated_at=now
                )
        except IntegrityError:
            raise ReviewError(
                "Another quote in this article already has exactly this span and speaker "
                "mention; change that one instead."
            ) from None
        if not updated:
            raise _conflict(quote.pk)
        for name, value in changes.items():
            setattr(quote, name, value)
        quote.version = version + 1
        quote.updated_by, quote.updated_at = editor, now
        quote._history_user = editor
        Quote.history.bulk_history_create(
            [quote],
            update=True,
            default_user=editor,
            default_change_reason=reason,
            default_date=now,
        )
    return quote


def quote_confirm(*, quote: Quote, editor, version: int) -> Quote:
    """Accept the quote as it is (a corrected quote stays 'corrected')."""
    status = (
        Quote.Status.CORRECTED if quote.status == Quote.Status.CORRECTED else Quote.Status.CONFIRMED
    )
    return _write(
        quote=quote, editor=editor, version=version, changes={"status": status}, reason="confirm"
    )


def quote_reject(*, quote: Quote, editor, version: int) -> Quote:
    return _write(
        quote=quote,
        editor=editor,
        version=version,
        changes={"status": Quote.Status.REJECTED},
        reason="reject",
    )


def quote_set_kind(*, quote: Quote, editor, version: int, kind: str) -> Quote:
    if kind not in Quote.Kind.values:
        raise ReviewError(
            f"'{kind}' is not a kind of quote (expected one of {', '.join(Quote.Kind.values)})."
        )
    if kind == quote.kind:
        return quote_confirm(quote=quote, editor=editor, version=version)
    return _write(
        quote=quote,
        editor=editor,
        version=version,
        changes={"kind": kind, "status": Quote.Status.CORRECTED},
        reason="kind",
    )


def quote_set_speaker(*, quote: Quote, editor, version: int, speaker: Speaker) -> Quote:
    """Attribute the quote to ``speaker`` (a merged speaker's quotes go to the one it became)."""
    if speaker.merged_into_id:
        speaker = speaker.merged_into
    if speaker.pk == quote.speaker_id:
        return quote_confirm(quote=quote, editor=editor, version=version)
    changes = {"speaker_id": speaker.pk, "status": Quote.Status.CORRECTED}
    mention = normalize_name(quote.speaker_text)
    # The mention the engine found named someone else; keep it only if it names this one.
    if (
        quote.speaker_start is not None
        and mention != speaker.normalized_name
        and not speaker.aliases.filter(normalized=mention).exists()
    ):
        changes.update(speaker_start=None, speaker_end=None, speaker_text="")
    quote.speaker = speaker
    return _write(quote=quote, editor=editor, version=version, changes=changes, reason="speaker")


def _check_span(article: Article, start, end) -> tuple[int, int]:
    length = len(article.text)
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= length:
        raise ReviewError(
            f"The span [{start}, {end}) is not inside the article text, which has {length} "
            "characters: a span needs 0 ≤ start < end ≤ length."
        )
    if not article.text[start:end].strip():
        raise ReviewError("The selected span holds only spaces; select some words.")
    return start, end


def quote_set_span(*, quote: Quote, editor, version: int, start: int, end: int) -> Quote:
    """Move the quote's span; its stored text is always article.text[start:end]."""
    start, end = _check_span(quote.article, start, end)
    if (start, end) == (quote.start, quote.end):
        return quote_confirm(quote=quote, editor=editor, version=version)
    text = quote.article.text[start:end]
    changes = {
        "start": start,
        "end": end,
        "text": text,
        "fingerprint": quote_fingerprint(text),
        "status": Quote.Status.CORRECTED,
    }
    return _write(quote=quote, editor=editor, version=version, changes=changes, reason="span")


def quote_add(
    *, article: Article, editor, start: int, end: int, speaker: Speaker | None, kind: str = ""
) -> Quote:
    """A quote the engine missed, added by an editor: confirmed, origin human."""
    start, end = _check_span(article, start, end)
    text = article.text[start:end]
    kind = kind or _kind_of(text)
    if kind not in Quote.Kind.values:
        raise ReviewError(f"'{kind}' is not a kind of quote.")
    if speaker is not None and speaker.merged_into_id:
        speaker = speaker.merged_into
    quote = Quote(
        article=article,
        start=start,
        end=end,
        text=text,
        kind=kind,
        speaker=speaker,
        speaker_name=speaker.name if speaker else "",
        status=Quote.Status.CONFIRMED,
        origin=Quote.Origin.HUMAN,
        fingerprint=quote_fingerprint(text),
        created_by=editor,
        updated_by=editor,
    )
    quote._history_user = editor
    quote._change_reason = "add"
    try:
        with transaction.atomic():
            quote.save()
    except IntegrityError:
        raise ReviewError("This article already has a quote with exactly this span.") from None
    return quote


def article_confirm_remaining(*, article: Article, editor, expected: int) -> int:
    """Confirm every candidate left in the article, if there are still ``expected`` of them.

    The count is the optimistic lock here: if a candidate appeared or was decided since
    the editor saw the button, nothing is confirmed and they are asked to look again.
    """
    now = timezone.now()
    token = f"{BATCH_REASON}{article.pk}:{now.timestamp()}"
    with transaction.atomic():
        quotes = list(
            Quote.objects.select_for_update().filter(article=article, status=Quote.Status.CANDIDATE)
        )
        if len(quotes) != expected:
            raise ReviewError(
                f"{len(quotes)} candidates are left in this article, not {expected}: the list "
                "changed since you loaded it, so nothing was confirmed. Look again and retry."
            )
        if not quotes:
            return 0
        missing = {q.pk for q in quotes} - set(
            Quote.history.filter(id__in=[q.pk for q in quotes]).values_list("id", flat=True)
        )
        if missing:
            Quote.history.bulk_history_create(
                [q for q in quotes if q.pk in missing], default_change_reason="baseline"
            )
        Quote.objects.filter(pk__in=[q.pk for q in quotes]).update(
            status=Quote.Status.CONFIRMED,
            version=F("version") + 1,
            updated_by=editor,
            updated_at=now,
        )
        for quote in quotes:
            quote.status, quote.version = Quote.Status.CONFIRMED, quote.version + 1
            quote.updated_by, quote.updated_at = editor, now
        Quote.history.bulk_history_create(
            quotes, update=True, default_user=editor, default_change_reason=token, default_date=now
        )
    return len(quotes)


def quote_undo(*, article: Article, editor) -> list[Quote]:
    """Revert this editor's last action in this article (one quote, or a whole batch).

    Refused with QuoteConflict when someone else changed the quote since: their change
    is never overwritten by an undo. Returns the quotes restored (a deleted added quote
    is returned unsaved, with no pk).
    """
    History = Quote.history.model
    with transaction.atomic():
        mine = list(
            History.objects.filter(article_id=article.pk, history_user=editor)
            .exclude(history_change_reason="baseline")
            # Only what the search and _undo_one read: not each record's quote text.
            .only("history_id", "id", "history_date", "history_type", "history_change_reason")
            .order_by("-history_date", "-history_id")[:200]
        )
        undone: set[int] = set()
        target = None
        for record in mine:
            reason = record.history_change_reason or ""
            if reason.startswith(UNDO_REASON):
                undone.update(int(x) for x in reason[len(UNDO_REASON) :].split(",") if x)
            elif record.history_id not in undone:
                target = record
                break
        if target is None:
            raise ReviewError("Nothing of yours to undo in this article.")
        reason = target.history_change_reason or ""
        if reason.startswith(BATCH_REASON):
            targets = list(
                History.objects.filter(history_user=editor, history_change_reason=reason)
            )
        else:
            targets = [target]
        restored = [_undo_one(record, editor=editor, undone=undone) for record in targets]
    return restored


def _undo_one(record, *, editor, undone: set[int]) -> Quote:
    History = Quote.history.model
    later = History.objects.filter(id=record.id, history_date__gt=record.history_date)
    for newer in later:
        newer_reason = newer.history_change_reason or ""
        if not (newer_reason.startswith(UNDO_REASON) or newer.history_id in undone):
            current = (
                Quote.objects.select_related("speaker", "updated_by").filter(pk=record.id).first()
            )
            raise QuoteConflict(
                current,
                f"{newer.history_user or 'Someone'} changed this quote after you, so your "
                "change was not undone (theirs is kept).",
            )
    quote = Quote.objects.select_for_update().select_related("article").filter(pk=record.id).first()
    if quote is None:
        raise QuoteConflict(None)
    quote._history_user = editor
    quote._change_reason = f"{UNDO_REASON}{record.history_id}"
    previous = (
        History.objects.filter(id=record.id, history_date__lt=record.history_date)
        .order_by("-history_date", "-history_id")
        .first()
    )
    if record.history_type == "+" or previous is None:
        quote.delete()  # an added quote: undoing the add removes it (the history keeps it)
        quote.pk = None
        return quote
    changes = {name: getattr(previous, name) for name in REVIEW_FIELDS}
    changes["fingerprint"] = quote_fingerprint(changes["text"])
    return _write(
        quote=quote,
        editor=editor,
        version=quote.version,
        changes=changes,
        reason=f"{UNDO_REASON}{record.history_id}",
    )


# A claim nobody has acted on for this long no longer holds the article: an editor who
# went home does not keep it from the others.
CLAIM_LIFETIME = timedelta(hours=4)


def claim_is_free(editor) -> Q:
    """Articles ``editor`` may claim: unclaimed, claimed by them, or claimed long ago."""
    return (
        Q(claimed_by__isnull=True)
        | Q(claimed_by=editor)
        | Q(claimed_at__lt=timezone.now() - CLAIM_LIFETIME)
    )


def article_claim(*, article: Article, editor) -> Article:
    """Mark the article as being reviewed by ``editor``, unless another editor has it."""
    now = timezone.now()
    claimed = (
        Article.objects.filter(pk=article.pk)
        .filter(claim_is_free(editor))
        .update(claimed_by=editor, claimed_at=now)
    )
    if not claimed:
        article.refresh_from_db(fields=["claimed_by", "claimed_at"])
        raise ClaimConflict(article)
    article.claimed_by, article.claimed_at = editor, now
    return article


def article_release(*, article: Article, editor, force: bool = False) -> Article:
    """Give the article back to the queue (``force``: an admin releasing someone's claim)."""
    qs = Article.objects.filter(pk=article.pk)
    if not force:
        qs = qs.filter(claimed_by=editor)
    if not qs.update(claimed_by=None, claimed_at=None):
        article.refresh_from_db(fields=["claimed_by", "claimed_at"])
        if article.claimed_by_id:
            raise ClaimConflict(article)
    article.claimed_by, article.claimed_at = None, None
    return article


def speaker_create(*, name: str, editor) -> Speaker:
    """A new speaker named by an editor; the existing one when the name is already taken."""
    name = " ".join((name or "").split())
    if not name:
        raise ReviewError("A speaker needs a name.")
    if len(name) > 300:
        raise ReviewError("A speaker's name can be at most 300 characters.")
    existing = Speaker.objects.active().filter(normalized_name=normalize_name(name)).first()
    if existing:
        return existing
    speaker = Speaker(name=name, origin=Speaker.Origin.HUMAN)
    speaker._history_user = editor
    speaker.save()
    return speaker


def merge_suggestion_reopen(*, suggestion: SpeakerMergeSuggestion, user) -> None:
    """Undo a dismissal: the suggestion is open again for an editor to decide."""
    SpeakerMergeSuggestion.objects.filter(pk=suggestion.pk).update(
        status=SpeakerMergeSuggestion.Status.OPEN, decided_by=None, decided_at=None
    )


def merge_suggestion_undo_accept(*, merge: SpeakerMerge, user) -> SpeakerMerge:
    """Undo an accepted suggestion: the merge is undone (speaker_merge_undo) and the
    suggestion for the pair is open again, in one transaction."""
    with transaction.atomic():
        merge = speaker_merge_undo(merge=merge, user=user)
        low, high = sorted([merge.source_id, merge.target_id])
        SpeakerMergeSuggestion.objects.filter(
            speaker_id=low, other_id=high, status=SpeakerMergeSuggestion.Status.ACCEPTED
        ).update(status=SpeakerMergeSuggestion.Status.OPEN, decided_by=None, decided_at=None)
    return merge


# Extraction
# ----------
# The engine (annotations.extraction, or settings.EXTRACTION_ENGINE in tests) runs over
# batches of articles; each batch is stored in one transaction with a fixed number of
# queries, however many quotes it holds. People's work is never touched: only "untouched"
# candidates (status candidate, origin model, never edited) are updated or removed, and a
# candidate overlapping any other quote (confirmed, corrected, rejected, edited or added by a
# person) is not stored. Rejected quotes stay in the table as the memory of false candidates.

log = logging.getLogger(__name__)

# A worker that has held an article this long without finishing is taken for dead
# (kill -9, lost machine) and the article is queued again; after this many attempts it is
# marked failed instead, so one article that crashes workers cannot stop the queue.
EXTRACTION_STALE_AFTER = timedelta(minutes=15)
EXTRACTION_MAX_ATTEMPTS = 3

_pipelines: dict[tuple[str, str], object] = {}
_CANDIDATE_FIELDS = (
    "text",
    "kind",
    "speaker_id",
    "speaker_end",
    "speaker_text",
    "speaker_name",
    "is_floating",
    "cue_start",
    "cue_end",
    "cue_text",
    "confidence",
    "extractor_version",
    "fingerprint",
)


@dataclass
class ExtractionStats:
    """What one extraction run did, summed over its batches."""

    articles: int = 0  # extracted and stored
    failed: int = 0
    not_claimed: int = 0  # done already, or being extracted by another worker
    created: int = 0
    updated: int = 0  # same span, new extractor version or new attribution
    unchanged: int = 0
    removed: int = 0  # untouched candidates the new extraction no longer finds
    skipped_reviewed: int = 0  # overlapping a quote a person decided on
    invalid: int = 0  # offsets that do not index the text (an engine bug; logged)

    def add(self, other: "ExtractionStats") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def extraction_engine():
    """The engine module: annotations.extraction unless settings.EXTRACTION_ENGINE names
    another with the same API (load_pipeline, extract_texts, EXTRACTOR_VERSION)."""
    return import_module(getattr(settings, "EXTRACTION_ENGINE", "annotations.extraction"))


def extraction_pipeline():
    """The engine's spaCy pipeline, loaded once per process (each worker, each command)."""
    engine = extraction_engine()
    key = (engine.__name__, settings.SPACY_MODEL)
    if key not in _pipelines:
        _pipelines[key] = engine.load_pipeline(settings.SPACY_MODEL)
    return _pipelines[key]


def _stale_before():
    return timezone.now() - getattr(settings, "EXTRACTION_STALE_AFTER", EXTRACTION_STALE_AFTER)


def claimable_articles():
    """Articles a worker may take: not extracted yet, queued, failed, or held by a worker
    that stopped (running for longer than EXTRACTION_STALE_AFTER)."""
    state = Article.Extraction
    return Article.objects.filter(
        Q(extraction_state__in=[state.NOT_STARTED, state.QUEUED, state.FAILED])
        | Q(extraction_state=state.RUNNING, extraction_state_changed_at__lt=_stale_before())
        | Q(extraction_state=state.RUNNING, extraction_state_changed_at__isnull=True)
    )


def claim_articles(*, ids, force: bool = False) -> list[Article]:
    """Mark these articles running and return them, skipping any that another worker holds.

    Rows are taken with SELECT ... FOR UPDATE SKIP LOCKED, so two workers never claim the
    same article; without ``force``, articles already done or running are left alone.
    """
    now = timezone.now()
    qs = Article.objects.all() if force else claimable_articles()
    with transaction.atomic():
        articles = list(
            qs.filter(pk__in=ids)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .only("pk", "text", "extraction_attempts")
        )
        if articles:
            Article.objects.filter(pk__in=[a.pk for a in articles]).update(
                extraction_state=Article.Extraction.RUNNING,
                extraction_state_changed_at=now,
                # Forced (a person asked again): the count of dead workers starts again.
                extraction_attempts=1 if force else F("extraction_attempts") + 1,
                extraction_error="",
            )
    return articles


def queue_extraction(*, articles) -> None:
    """Mark articles queued and hand them to background workers, a batch per task.

    One task per EXTRACTION_BATCH_SIZE articles, so that several workers share a large
    import. Tasks are enqueued only once this transaction commits, so a worker never looks
    for an article that it cannot see yet. An article a worker is extracting right now is
    left running (its task is still enqueued, and skips it unless the worker died).
    """
    ids = [getattr(article, "pk", article) for article in articles]
    if not ids:
        return
    Article.objects.filter(pk__in=ids).exclude(extraction_state=Article.Extraction.RUNNING).update(
        extraction_state=Article.Extraction.QUEUED,
        extraction_error="",
        extraction_state_changed_at=timezone.now(),
        extraction_attempts=0,  # a new request: the count of dead workers starts again
    )
    _enqueue(ids)


def _enqueue(ids: list[int]) -> None:
    from .tasks import extract_articles

    size = settings.EXTRACTION_BATCH_SIZE

    def enqueue():
        for i in range(0, len(ids), size):
            extract_articles.enqueue(article_ids=ids[i : i + size])

    transaction.on_commit(enqueue)


def requeue_stale_extractions() -> int:
    """Queue again the articles whose worker died mid-batch; return how many.

    django-tasks-db leaves the task of a killed worker RUNNING for ever and never retries
    it, so the articles themselves say what is lost. Their stale task rows are marked
    failed, so the task admin shows what happened. Articles that have already cost
    EXTRACTION_MAX_ATTEMPTS workers are marked failed rather than queued again.
    """
    cutoff = _stale_before()
    state = Article.Extraction
    with transaction.atomic():
        stale = list(
            Article.objects.filter(extraction_state=state.RUNNING)
            .filter(
                Q(extraction_state_changed_at__lt=cutoff)
                | Q(extraction_state_changed_at__isnull=True)
            )
            .select_for_update(skip_locked=True)
            .only("pk", "extraction_attempts")
        )
        if not stale:
            return 0
        worn = [a.pk for a in stale if a.extraction_attempts >= EXTRACTION_MAX_ATTEMPTS]
        if worn:
            Article.objects.filter(pk__in=worn).update(
                extraction_state=state.FAILED,
                extraction_state_changed_at=timezone.now(),
                extraction_error=(
                    f"a worker stopped while extracting this article {EXTRACTION_MAX_ATTEMPTS} "
                    "times (killed, or out of memory); retry it when that is fixed"
                ),
            )
        again = [a.pk for a in stale if a.pk not in set(worn)]
        Article.objects.filter(pk__in=again).update(
            extraction_state=state.QUEUED, extraction_state_changed_at=timezone.now()
        )
        _enqueue(again)
        _fail_lost_tasks(cutoff, {a.pk for a in stale})
    log.warning("requeued %d stale extraction(s); %d failed for good", len(again), len(worn))
    return len(stale)


def _fail_lost_tasks(cutoff, stale_ids: set[int]) -> None:
    """Mark failed the database-queue tasks that held these stale articles."""
    if not apps.is_installed("django_tasks_db"):
        return
    from django_tasks_db.models import DBTaskResult

    running = DBTaskResult.objects.running().filter(
        task_path="annotations.tasks.extract_articles", started_at__lt=cutoff
    )
    lost = [
        task.pk
        for task in running.only("pk", "args_kwargs")
        if stale_ids.intersection(task.args_kwargs.get("kwargs", {}).get("article_ids", []))
    ]
    DBTaskResult.objects.filter(pk__in=lost).update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="annotations.services.WorkerLost",
        traceback="The worker stopped during this task; its articles were queued again.",
    )


def extract_articles(
    *,
    articles_or_ids,
    nlp=None,
    batch_size: int | None = None,
    n_process: int = 1,
    force: bool = False,
    claimed: bool = False,
    on_batch=None,
) -> ExtractionStats:
    """Run the engine over these articles and store their candidates, batch by batch.

    Each batch is claimed first (see ``claim_articles``; ``force`` takes done articles
    too), then extracted, then stored in one transaction. With ``claimed``, the caller
    has claimed them all already (a task: so a dead worker's whole task shows as stale)
    and they are only kept fresh, batch by batch. An article whose extraction or storing
    fails is marked failed with the error and the others go on. ``on_batch(n)`` is called
    with the number of articles handled after each batch (progress bars).
    """
    engine = extraction_engine()
    nlp = nlp if nlp is not None else extraction_pipeline()
    batch_size = batch_size or settings.EXTRACTION_BATCH_SIZE
    ids = iter([getattr(a, "pk", a) for a in articles_or_ids])
    stats = ExtractionStats()

    def claimed_batches():
        if claimed:
            remaining = list(articles_or_ids)
            while remaining:
                # Still alive: the articles this worker holds are not stale.
                Article.objects.filter(pk__in=[a.pk for a in remaining]).update(
                    extraction_state_changed_at=timezone.now()
                )
                yield remaining[:batch_size]
                remaining = remaining[batch_size:]
            return
        while chunk := list(islice(ids, batch_size)):
            articles = claim_articles(ids=chunk, force=force)
            stats.not_claimed += len(chunk) - len(articles)
            if len(articles) < len(chunk) and on_batch:
                on_batch(len(chunk) - len(articles))
            if articles:
                yield articles

    if n_process <= 1:
        for articles in claimed_batches():
            stats.add(_extract_and_store(engine, nlp, articles, batch_size))
            if on_batch:
                on_batch(len(articles))
        return stats

    # Several processes: one stream through nlp.pipe, so that its workers stay busy, stored
    # a batch at a time. spaCy forks; the children must not share our database socket (one
    # inside a transaction stays open: closing it would lose the caller's transaction).
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()
    pending: deque[Article] = deque()

    def texts():
        for articles in claimed_batches():
            pending.extend(articles)
            yield from (a.text for a in articles)

    done: list[tuple[Article, list]] = []
    try:
        results = engine.extract_texts(nlp, texts(), batch_size=batch_size, n_process=n_process)
        for candidates in results:
            done.append((pending.popleft(), candidates))
            if len(done) >= batch_size:
                stats.add(_store_or_fail(done, engine.EXTRACTOR_VERSION))
                if on_batch:
                    on_batch(len(done))
                done = []
    except Exception:
        log.exception("the engine failed in a multi-process batch; extracting one by one")
        pending.extendleft(article for article, _ in reversed(done))
        done = []
        if pending:
            stats.add(_extract_and_store(engine, nlp, list(pending), batch_size))
        # Whatever the stream had not reached yet goes through the single-process path.
        stats.add(
            extract_articles(
                articles_or_ids=list(ids),
                nlp=nlp,
                batch_size=batch_size,
                force=force,
                on_batch=on_batch,
            )
        )
    if done:
        stats.add(_store_or_fail(done, engine.EXTRACTOR_VERSION))
        if on_batch:
            on_batch(len(done))
    return stats


def _extract_and_store(engine, nlp, articles: list[Article], batch_size: int) -> ExtractionStats:
    """Extract one claimed batch in this process; isolate the article that breaks it."""
    try:
        results = list(engine.extract_texts(nlp, [a.text for a in articles], batch_size=batch_size))
    except Exception:
        if len(articles) == 1:
            log.exception("extraction failed for article %s", articles[0].pk)
            _mark_failed(articles, _error_message())
            return ExtractionStats(failed=1)
        stats = ExtractionStats()
        for article in articles:
            stats.add(_extract_and_store(engine, nlp, [article], batch_size))
        return stats
    return _store_or_fail(list(zip(articles, results, strict=True)), engine.EXTRACTOR_VERSION)


def _store_or_fail(pairs, extractor_version: str) -> ExtractionStats:
    try:
        return store_candidates(pairs=pairs, extractor_version=extractor_version)
    except DatabaseError:
        if len(pairs) == 1:
            log.exception("storing candidates failed for article %s", pairs[0][0].pk)
            _mark_failed([pairs[0][0]], _error_message())
            return ExtractionStats(failed=1)
        stats = ExtractionStats()
        for pair in pairs:
            stats.add(_store_or_fail([pair], extractor_version))
        return stats


def _error_message() -> str:
    error = sys.exc_info()[1]
    return f"{type(error).__name__}: {error}"[:2000]


def _mark_failed(articles, message: str) -> None:
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(
        extraction_state=Article.Extraction.FAILED,
        extraction_error=message,
        extraction_state_changed_at=timezone.now(),
    )


def _is_untouched(quote: Quote) -> bool:
    """A candidate exactly as the machine left it: nobody decided on or edited it."""
    return (
        quote.status == Quote.Status.CANDIDATE
        and quote.origin == Quote.Origin.MODEL
        and quote.updated_by_id is None
    )


def _valid(candidate, text: str) -> bool:
    def span_ok(start, end):
        return (start is None and end is None) or (
            start is not None and end is not None and 0 <= start < end <= len(text)
        )

    return (
        0 <= candidate.start < candidate.end <= len(text)
        and text[candidate.start : candidate.end] == candidate.text
        and span_ok(candidate.speaker_start, candidate.speaker_end)
        and span_ok(candidate.cue_start, candidate.cue_end)
        and candidate.kind in Quote.Kind.values
        and 0 <= candidate.confidence <= 1
    )


def store_candidates(*, pairs, extractor_version: str) -> ExtractionStats:
    """Store the engine's candidates for several articles in one transaction.

    ``pairs`` is [(article, [QuoteCandidate, ...]), ...]. Per article: candidates already
    stored (same span and speaker mention) are kept, updated only where the new extraction
    says something else; untouched candidates it no longer finds are removed; a candidate
    overlapping any quote a person touched is not stored. The unique constraint
    quote_unique_span_and_mention makes storing the same candidate twice impossible even
    if this code were wrong. Queries: a fixed number per call, whatever the quote count.
    """
    stats = ExtractionStats()
    if not pairs:
        return stats
    now = timezone.now()
    ids = [article.pk for article, _ in pairs]
    with transaction.atomic():
        # Locks in id order: one writer per article at a time, and no deadlock.
        list(Article.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
        # Locking the quotes too makes an editor's concurrent write wait and then see the
        # new version (its optimistic check fails) instead of being overwritten.
        existing: dict[int, list[Quote]] = defaultdict(list)
        for quote in Quote.objects.select_for_update().filter(article_id__in=ids).order_by("pk"):
            existing[quote.article_id].append(quote)

        plans = []
        names_by_article = {}
        for article, candidates in pairs:
            wanted = {}
            for candidate in candidates:
                if not _valid(candidate, article.text):
                    stats.invalid += 1
                    log.warning("article %s: invalid candidate %r", article.pk, candidate)
                    continue
                key = (candidate.start, candidate.end, candidate.speaker_start)
                wanted.setdefault(key, candidate)
            plans.append((article, wanted))
            names_by_article[article.pk] = [
                (_name_of(c), c.speaker_text) for c in wanted.values() if _name_of(c)
            ]
        speakers = match_speakers(names_by_article=names_by_article)

        to_create, to_update, to_delete = [], [], []
        for article, wanted in plans:
            mine = {}
            protected = []
            for quote in existing[article.pk]:
                if _is_untouched(quote):
                    mine[(quote.start, quote.end, quote.speaker_start)] = quote
                else:
                    protected.append(quote)
            for key, candidate in wanted.items():
                speaker = speakers.get((article.pk, _name_of(candidate)))
                if any(candidate.start < p.end and p.start < candidate.end for p in protected):
                    stats.skipped_reviewed += 1
                    continue
                fields = _quote_fields(candidate, speaker, extractor_version)
                quote = mine.pop(key, None)
                if quote is None:
                    to_create.append(Quote(article_id=article.pk, **fields, created_at=now))
                elif any(getattr(quote, name) != fields[name] for name in _CANDIDATE_FIELDS):
                    for name in _CANDIDATE_FIELDS:
                        setattr(quote, name, fields[name])
                    quote.version += 1
                    quote.updated_at = now
                    to_update.append(quote)
                else:
                    stats.unchanged += 1
            to_delete.extend(quote.pk for quote in mine.values())

        _delete_untouched(to_delete)
        if to_update:
            Quote.objects.bulk_update(to_update, [*_CANDIDATE_FIELDS, "version", "updated_at"])
        Quote.objects.bulk_create(to_create)
        # One UPDATE for the batch (bulk_update's CASE over every field costs more to build
        # than the quotes' INSERT); the count is what is left for review.
        left = (
            Quote.objects.filter(article=OuterRef("pk"), status=Quote.Status.CANDIDATE)
            .order_by()
            .values("article")
            .annotate(n=Count("pk"))
            .values("n")
        )
        Article.objects.filter(pk__in=ids).update(
            extraction_state=Article.Extraction.DONE,
            extraction_error="",
            extracted_with=extractor_version,
            extracted_at=now,
            extraction_state_changed_at=now,
            extraction_candidates=Coalesce(Subquery(left), 0),
        )
    stats.articles += len(pairs)
    stats.created += len(to_create)
    stats.updated += len(to_update)
    stats.removed += len(to_delete)
    return stats


def _name_of(candidate) -> str:
    """The name to find a Speaker by: the engine's resolved name, else the mention if it
    is a name itself ("Mr Wallace", not "he")."""
    if candidate.speaker_name:
        return candidate.speaker_name
    return candidate.speaker_text if is_name(candidate.speaker_text) else ""


def _quote_fields(candidate, speaker, extractor_version: str) -> dict:
    return {
        "start": candidate.start,
        "end": candidate.end,
        "text": candidate.text,
        "kind": candidate.kind,
        "speaker_id": speaker.pk if speaker else None,
        "speaker_start": candidate.speaker_start,
        "speaker_end": candidate.speaker_end,
        "speaker_text": candidate.speaker_text[:300],
        "speaker_name": candidate.speaker_name[:300],
        "is_floating": candidate.is_floating,
        "cue_start": candidate.cue_start,
        "cue_end": candidate.cue_end,
        "cue_text": candidate.cue_text[:100],
        "confidence": candidate.confidence,
        "extractor_version": extractor_version,
        "fingerprint": quote_fingerprint(candidate.text),
        "status": Quote.Status.CANDIDATE,
        "origin": Quote.Origin.MODEL,
    }


def _delete_untouched(ids: list[int]) -> None:
    """Delete untouched candidates in one query.

    Quote.delete() would write a history row per quote (simple-history's post_delete);
    untouched candidates have no history to continue (the review services record a
    baseline on the first edit) and nothing else points at them, so a plain DELETE loses
    nothing. Should another model come to reference quotes, the ordinary delete is used.
    """
    if not ids:
        return
    qs = Quote.objects.filter(pk__in=ids)
    history = Quote.history.model
    if any(rel.related_model is not history for rel in Quote._meta.related_objects):
        qs.delete()
    else:
        qs._raw_delete(qs.db)


# Speakers
# --------
# Names found by the engine become Speakers: matched to existing ones by name or alias
# (annotations.speakers.name_key: titles, case, accents, possessive removed), created when
# new, with the forms seen recorded as aliases. What might be the same person but is not
# certain becomes a SpeakerMergeSuggestion; merging is an editor's decision, and undoable.


class SpeakerMergeError(ValueError):
    """A merge that cannot be done or undone, with a message saying why."""


def _lock_speaker_matching() -> None:
    """Serialise speaker creation between workers (PostgreSQL; SQLite writes are serial
    anyway), so two workers meeting a new name at once create one Speaker, not two."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SPEAKER_MATCHING_LOCK])


SPEAKER_MATCHING_LOCK = 7_406_334_001  # an arbitrary application-wide advisory lock id


def match_speakers(
    *, names_by_article: dict, origin: str = Speaker.Origin.MODEL, reason: str = "extraction"
) -> dict[tuple, Speaker]:
    """Speakers for names found in articles, in a fixed number of queries.

    ``names_by_article`` maps an article key to [(name, mention), ...]; the result maps
    (article key, name) to a Speaker for every name that names someone. Inside an article a
    lone surname goes to the one full name with that surname; across articles names match
    by key, and multi-word keys also by alias. New names create Speakers (origin model);
    forms seen become aliases; possible duplicates become merge suggestions.
    """
    resolved: dict[tuple, str] = {}
    display: dict[str, str] = {}
    forms: dict[str, set[str]] = defaultdict(set)
    for article_key, pairs in names_by_article.items():
        keys = {name: name_key(name) for name, _ in pairs if is_name(name)}
        keys = {name: key for name, key in keys.items() if key}
        within = resolve_in_article(keys.values())
        for name, mention in pairs:
            if name not in keys:
                continue
            key = within.get(keys[name], keys[name])
            resolved[(article_key, name)] = key
            forms[key].add(" ".join(name.split())[:300])
            if mention and is_name(mention):
                forms[key].add(" ".join(mention.split())[:300])
            if keys[name] == key and len(clean_name(name)) > len(display.get(key, "")):
                display[key] = clean_name(name)[:300]
    if not resolved:
        return {}

    with transaction.atomic():
        _lock_speaker_matching()
        keys = set(resolved.values())
        found: dict[str, list[Speaker]] = defaultdict(list)
        merged: dict[str, Speaker] = {}
        named = Speaker.objects.filter(normalized_name__in=keys).select_related("merged_into")
        for speaker in named.order_by("pk"):
            if speaker.merged_into_id is None:
                found[speaker.normalized_name].append(speaker)
            else:
                merged.setdefault(speaker.normalized_name, speaker)
        # A name editors merged away means the speaker it was merged into ("Wallace" into
        # "Ben Wallace"), or re-extraction would undo their merge.
        for key, speaker in merged.items():
            if key not in found:
                found[key].append(_root(speaker))
        # Aliases only for multi-word keys: "Mr Wallace" recorded for Ben Wallace in one
        # article must not pull every other article's lone "Wallace" to him.
        alias_forms = {}
        for key in keys - set(found):
            if " " in key:
                alias_forms[key] = key
                for form in forms[key]:
                    if " " in name_key(form):
                        alias_forms[normalize_name(form)] = key
        if alias_forms:
            aliases = (
                SpeakerAlias.objects.filter(
                    normalized__in=alias_forms, speaker__merged_into__isnull=True
                )
                .select_related("speaker")
                .order_by("speaker_id")
            )
            for alias in aliases:
                if " " in name_key(alias.name):
                    key = alias_forms[alias.normalized]
                    if alias.speaker not in found[key]:
                        found[key].append(alias.speaker)

        suggestions: dict[tuple[int, int], SpeakerMergeSuggestion] = {}
        chosen: dict[str, Speaker] = {}
        for key, speakers in found.items():
            if speakers:
                chosen[key] = speakers[0]
                for other in speakers[1:]:
                    _suggest(suggestions, speakers[0], other, 100.0, "same name")
        new = [
            Speaker(
                name=display.get(key) or key,
                normalized_name=key,
                origin=origin,
            )
            for key in sorted(keys - set(chosen))
        ]
        if new:
            Speaker.objects.bulk_create(new)
            Speaker.history.bulk_history_create(new, default_change_reason=reason)
            chosen.update({speaker.normalized_name: speaker for speaker in new})
            _suggest_for_new(new, suggestions)
        _record_aliases(chosen, forms, reason)
        if suggestions:
            SpeakerMergeSuggestion.objects.bulk_create(suggestions.values(), ignore_conflicts=True)
    return {pair: chosen[key] for pair, key in resolved.items()}


def _suggest(suggestions, a: Speaker, b: Speaker, score: float, reason: str) -> None:
    first, second = sorted([a, b], key=lambda s: s.pk)
    if first.pk != second.pk:
        suggestions.setdefault(
            (first.pk, second.pk),
            SpeakerMergeSuggestion(speaker=first, other=second, score=score, reason=reason),
        )


def _suggest_for_new(new: list[Speaker], suggestions) -> None:
    """Suggest merging each new speaker with existing ones that may be the same person."""
    condition = Q()
    for speaker in new:
        for lookup, value in similar_key_filters(speaker.normalized_name):
            condition |= Q(**{lookup: value})
    others = list(Speaker.objects.active().filter(condition).only("pk", "normalized_name"))
    for speaker in new:
        for other in others:
            scored = merge_score(speaker.normalized_name, other.normalized_name)
            if scored:
                _suggest(suggestions, speaker, other, *scored)


def _record_aliases(chosen: dict[str, Speaker], forms: dict[str, set[str]], reason: str) -> None:
    wanted = {}
    for key, speaker in chosen.items():
        for form in forms[key]:
            normalized = normalize_name(form)
            if normalized and normalized != speaker.normalized_name:
                wanted.setdefault((speaker.pk, normalized), form)
    if not wanted:
        return
    have = set(
        SpeakerAlias.objects.filter(
            speaker_id__in={pk for pk, _ in wanted}, normalized__in={n for _, n in wanted}
        ).values_list("speaker_id", "normalized")
    )
    aliases = [
        SpeakerAlias(speaker_id=pk, normalized=normalized, name=name)
        for (pk, normalized), name in wanted.items()
        if (pk, normalized) not in have
    ]
    if aliases:
        SpeakerAlias.objects.bulk_create(aliases)
        SpeakerAlias.history.bulk_history_create(aliases, default_change_reason=reason)


def speaker_for_name(name: str, *, mention: str = "") -> Speaker:
    """The speaker called ``name`` (by name, or alias for full names), created if nobody
    is; ``mention`` (how the text referred to them) is recorded as an alias."""
    if is_name(name):
        # Called for gold quotes a person wrote: a new speaker is theirs, not the model's.
        matched = match_speakers(
            names_by_article={None: [(name, mention)]}, origin=Speaker.Origin.HUMAN, reason="import"
        )
        return matched[(None, name)]
    # Not a person's name ("officials", "the ministry"): kept verbatim, matched exactly.
    key = normalize_name(name)
    speaker = Speaker.objects.active().filter(normalized_name=key).first()
    return speaker or Speaker.objects.create(name=" ".join(name.split()))


def _root(speaker: Speaker) -> Speaker:
    seen = set()
    while speaker.merged_into_id and speaker.pk not in seen:
        seen.add(speaker.pk)
        speaker = speaker.merged_into
    return speaker


def speaker_merge(*, source: Speaker, target: Speaker, user) -> SpeakerMerge:
    """Merge ``source`` into ``target``: its quotes and aliases move, its name becomes an
    alias, and it stays as a record pointing at ``target``. Undo with speaker_merge_undo.

    Moved quotes get a new version, so an editor with one open sees a conflict instead of
    silently putting the old speaker back.
    """
    if source.pk == target.pk:
        raise SpeakerMergeError("A speaker cannot be merged into itself.")
    with transaction.atomic():
        # NO KEY UPDATE: workers adding aliases (a foreign key to these rows) are not blocked,
        # so a worker that holds this speaker's quotes cannot deadlock with a merge.
        source, target = (
            Speaker.objects.select_for_update(no_key=True).get(pk=source.pk),
            Speaker.objects.select_for_update(no_key=True).get(pk=target.pk),
        )
        for speaker in (source, target):
            if speaker.merged_into_id:
                raise SpeakerMergeError(
                    f"{speaker} was already merged into {speaker.merged_into}; merge that one."
                )
        quote_ids = list(Quote.objects.filter(speaker=source).values_list("pk", flat=True))
        Quote.objects.filter(pk__in=quote_ids).update(speaker=target, version=F("version") + 1)
        target_forms = set(target.aliases.values_list("normalized", flat=True))
        target_forms.add(target.normalized_name)
        alias_ids = list(
            source.aliases.exclude(normalized__in=target_forms).values_list("pk", flat=True)
        )
        SpeakerAlias.objects.filter(pk__in=alias_ids).update(speaker=target)
        added = []
        if source.normalized_name not in target_forms:
            alias = SpeakerAlias(speaker=target, name=source.name)
            alias._history_user = user
            alias.save()
            added.append(alias.pk)
        source.merged_into = target
        source._history_user = user
        source._change_reason = f"merged into {target.pk}"
        source.save()
        SpeakerMergeSuggestion.objects.filter(
            Q(speaker=source, other=target) | Q(speaker=target, other=source),
            status=SpeakerMergeSuggestion.Status.OPEN,
        ).update(
            status=SpeakerMergeSuggestion.Status.ACCEPTED,
            decided_by=user,
            decided_at=timezone.now(),
        )
        return SpeakerMerge.objects.create(
            source=source,
            target=target,
            moved_quote_ids=quote_ids,
            moved_alias_ids=alias_ids,
            added_alias_ids=added,
            merged_by=user,
        )


def speaker_merge_undo(*, merge: SpeakerMerge, user) -> SpeakerMerge:
    """Put a merge back: the moved quotes and aliases return to the source speaker.

    A moved quote that an editor has since given to yet another speaker keeps that
    editor's choice.
    """
    with transaction.atomic():
        merge = SpeakerMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_at:
            raise SpeakerMergeError("This merge was already undone.")
        source = Speaker.objects.select_for_update(no_key=True).get(pk=merge.source_id)
        if source.merged_into_id != merge.target_id:
            raise SpeakerMergeError(
                f"{source} is no longer merged into {merge.target}; nothing to undo."
            )
        Quote.objects.filter(pk__in=merge.moved_quote_ids, speaker_id=merge.target_id).update(
            speaker=source, version=F("version") + 1
        )
        SpeakerAlias.objects.filter(
            pk__in=merge.moved_alias_ids, speaker_id=merge.target_id
        ).update(speaker=source)
        for alias in SpeakerAlias.objects.filter(pk__in=merge.added_alias_ids):
            alias._history_user = user
            alias.delete()
        source.merged_into = None
        source._history_user = user
        source._change_reason = f"merge into {merge.target_id} undone"
        source.save()
        merge.undone_at = timezone.now()
        merge.save(update_fields=["undone_at"])
    return merge


def merge_target(speakers: list[Speaker]) -> Speaker:
    """The speaker the others merge into: the fullest name, then the most quotes, then the
    oldest ("Wallace" goes into "Ben Wallace")."""
    counts = dict(
        Speaker.objects.filter(pk__in=[s.pk for s in speakers])
        .annotate(n=Count("quotes"))
        .values_list("pk", "n")
    )
    return max(speakers, key=lambda s: (len(s.normalized_name.split()), counts.get(s.pk, 0), -s.pk))


def merge_suggestion_accept(*, suggestion: SpeakerMergeSuggestion, user) -> SpeakerMerge | None:
    """Merge the two speakers of a suggestion (into the fuller name, then the one with more
    quotes); None when they are already one speaker."""
    a, b = _root(suggestion.speaker), _root(suggestion.other)
    merge = None
    if a.pk != b.pk:
        target = merge_target([a, b])
        source = b if target == a else a
        merge = speaker_merge(source=source, target=target, user=user)
    SpeakerMergeSuggestion.objects.filter(pk=suggestion.pk).update(
        status=SpeakerMergeSuggestion.Status.ACCEPTED, decided_by=user, decided_at=timezone.now()
    )
    return merge


def merge_suggestion_dismiss(*, suggestion: SpeakerMergeSuggestion, user) -> None:
    """Not the same person: the suggestion stays, dismissed, so it is not made again."""
    SpeakerMergeSuggestion.objects.filter(pk=suggestion.pk).update(
        status=SpeakerMergeSuggestion.Status.DISMISSED, decided_by=user, decided_at=timezone.now()
    )
