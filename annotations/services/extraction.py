"""Extraction: the engine's candidates, stored without touching people's work.

The engine (settings.EXTRACTION_ENGINE: annotations.extraction, a fake one in tests) runs over
batches of articles; each batch is stored in one transaction with a fixed number of
queries, however many quotes it holds. People's work is never touched: only "untouched"
candidates (status candidate, origin model, never edited) are updated or removed, and a
candidate overlapping any other quote (confirmed, corrected, rejected, edited or added by a
person) is not stored. Rejected quotes stay in the table as the memory of false candidates.
"""

import logging
import sys
from collections import defaultdict, deque
from dataclasses import dataclass
from importlib import import_module
from itertools import islice
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import Article, Quote, normalize_name, quote_fingerprint
from ..speakers import is_name
from ..tasks import extract_batch as extract_batch_task
from .profiles import Observation, link_evidence_quotes, record_observations
from .speakers import match_speakers

if TYPE_CHECKING:  # the engine's package loads spaCy: not at run time here
    from ..extraction.candidate import QuoteCandidate

log = logging.getLogger(__name__)

# A worker that has held an article for settings.EXTRACTION_STALE_AFTER without finishing
# is taken for dead and the article is queued again; after this many attempts it is marked
# failed instead, so one article that crashes workers cannot stop the queue.
EXTRACTION_MAX_ATTEMPTS = 3


class WorkerLost(Exception):
    """The worker running an extraction task stopped (killed, out of memory, machine lost).

    Never raised: the task row of a dead worker is marked failed with this class's path,
    so django.tasks' TaskResult.errors[0].exception_class names what happened.
    """


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
    "alternatives",
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
    """The engine module settings.EXTRACTION_ENGINE names (annotations.extraction, or one
    with the same API: load_pipeline, extract_texts, EXTRACTOR_VERSION)."""
    return import_module(settings.EXTRACTION_ENGINE)


def extraction_pipeline():
    """The engine's spaCy pipeline, loaded once per process (each worker, each command)."""
    engine = extraction_engine()
    key = (engine.__name__, settings.SPACY_MODEL)
    if key not in _pipelines:
        _pipelines[key] = engine.load_pipeline(settings.SPACY_MODEL)
    return _pipelines[key]


def claim_articles(*, ids, force: bool = False) -> list[Article]:
    """Mark these articles running and return them, skipping any that another worker holds.

    Rows are taken with SELECT ... FOR UPDATE SKIP LOCKED, so two workers never claim the
    same article; without ``force``, articles already done or running are left alone.
    """
    now = timezone.now()
    qs = Article.objects.all() if force else Article.objects.extraction_claimable()
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
    size = settings.EXTRACTION_BATCH_SIZE

    def enqueue():
        for i in range(0, len(ids), size):
            extract_batch_task.enqueue(article_ids=ids[i : i + size])

    transaction.on_commit(enqueue)


def requeue_stale_extractions() -> int:
    """Queue again the articles whose worker died mid-batch; return how many.

    django-tasks-db leaves the task of a killed worker RUNNING for ever and never retries
    it, so the articles themselves say what is lost. Their stale task rows are marked
    failed, so the task admin shows what happened. Articles that have already cost
    EXTRACTION_MAX_ATTEMPTS workers are marked failed rather than queued again.
    """
    cutoff = timezone.now() - settings.EXTRACTION_STALE_AFTER
    state = Article.Extraction
    with transaction.atomic():
        stale = list(
            Article.objects.extraction_stalled(before=cutoff)
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
        task_path=extract_batch_task.module_path, started_at__lt=cutoff
    )
    lost = [
        task.pk
        for task in running.only("pk", "args_kwargs")
        if stale_ids.intersection(task.args_kwargs.get("kwargs", {}).get("article_ids", []))
    ]
    DBTaskResult.objects.filter(pk__in=lost).update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback="The worker stopped during this task; its articles were queued again.",
    )


def extract_queued_batch(*, article_ids: list[int]) -> ExtractionStats:
    """What a worker does with one queued batch (the task tasks.extract_batch).

    Articles already done, or held by another live worker, are skipped; the pipeline is
    loaded once per worker process. Each run first queues again the articles of workers
    that died mid-batch (django-tasks-db never retries their tasks).
    """
    requeue_stale_extractions()
    # All claimed at once: should this worker die, every article of the task goes stale
    # and is queued again, not only the batch it was on.
    articles = claim_articles(ids=article_ids)
    stats = extract_articles(articles_or_ids=articles, claimed=True)
    stats.not_claimed += len(article_ids) - len(articles)
    return stats


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
            wanted: dict[tuple, QuoteCandidate] = {}
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

        to_create: list[Quote] = []
        to_update: list[Quote] = []
        to_delete: list[int] = []
        seen = []  # (speaker, article id, quote, profile): what the text says of each speaker
        for article, wanted in plans:
            mine: dict[tuple, Quote] = {}
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
                if not fields["alternatives"]:
                    fields["alternatives"] = _nearby_speakers(candidate, wanted.values())
                stored = mine.pop(key, None)
                if stored is None:
                    stored = Quote(article_id=article.pk, **fields, created_at=now)
                    to_create.append(stored)
                elif any(getattr(stored, name) != fields[name] for name in _CANDIDATE_FIELDS):
                    for name in _CANDIDATE_FIELDS:
                        setattr(stored, name, fields[name])
                    stored.version += 1
                    stored.updated_at = now
                    to_update.append(stored)
                else:
                    stats.unchanged += 1
                profile = getattr(candidate, "speaker_profile", None)
                if speaker is not None and profile is not None:
                    seen.append((speaker, article.pk, stored, profile))
            to_delete.extend(quote.pk for quote in mine.values())

        _delete_untouched(to_delete)
        if to_update:
            Quote.objects.bulk_update(to_update, [*_CANDIDATE_FIELDS, "version", "updated_at"])
        # Profiles before the new quotes: a speaker's profile then changes before their new
        # quotes reach the Voices summaries, so a first extraction touches the summary rows
        # in one statement (the quotes' INSERT, in the triggers' fixed order) and does not
        # deadlock with an editor writing there. New quotes are linked as evidence after.
        record_observations(
            [Observation(s.pk, article_id, q.pk, profile) for s, article_id, q, profile in seen]
        )
        Quote.objects.bulk_create(to_create)
        created = {id(q) for q in to_create}
        link_evidence_quotes(
            [(s.pk, article_id, q.pk, p) for s, article_id, q, p in seen if id(q) in created]
        )
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
        Article.objects.filter(pk__in=ids).refresh_review_counts()
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


ALTERNATIVES_KEPT = 5


def _nearby_speakers(candidate, candidates) -> list[str]:
    """A FALLBACK for engines that do not rank alternatives (QuoteCandidate.alternatives
    empty): the other people the article's candidates resolved to, nearest mention first.

    Proximity in the text is a weak ranking; the attribution engine's own ranker replaces
    it as soon as it fills ``alternatives``.
    """
    own = normalize_name(_name_of(candidate))
    distance: dict[str, tuple[int, str]] = {}
    for other in candidates:
        name = _name_of(other)
        key = normalize_name(name)
        if not key or key == own:
            continue
        if other.speaker_start is not None:
            at, until = other.speaker_start, other.speaker_end
        else:
            at, until = other.start, other.end
        gap = max(0, candidate.start - until, at - candidate.end)
        if key not in distance or gap < distance[key][0]:
            distance[key] = (gap, name)
    return [name for _, name in sorted(distance.values())[:ALTERNATIVES_KEPT]]


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
        "alternatives": list(candidate.alternatives),
        # the candidate's own version names the attribution model that chose its speaker
        "extractor_version": getattr(candidate, "version", "") or extractor_version,
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
