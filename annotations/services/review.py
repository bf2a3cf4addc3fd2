"""Review: editors' decisions on quotes.

Every write is one transaction that bumps Quote.version with a conditional UPDATE ... WHERE
version = <the version the editor saw>; a stale version raises QuoteConflict carrying the
current state, so nobody's change is silently lost. Each write leaves one
django-simple-history record (user, time, reason) used by undo and by the quote's history.
"""

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from ..models import (
    Article,
    Quote,
    Speaker,
    SpeakerMerge,
    SpeakerMergeSuggestion,
    normalize_name,
    quote_fingerprint,
    strip_format_characters,
)
from ..speakers import find_mention, mention_refers_to, name_key, surname
from .imports import _kind_of
from .profiles import withdraw_evidence
from .speakers import lock_speaker_matching, speaker_merge_undo

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
# The columns of the unique constraint on a quote's span and speaker mention.
SPAN_KEY_FIELDS = frozenset({"start", "end", "speaker_start"})
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


def _lock_article(article_id: int) -> None:
    """Take the article's row lock before writing any of its quotes.

    Extraction (store_candidates) locks the article and then its quotes; an editor's write
    locks quotes (and, through the Voices triggers, summary rows) and then the article, to
    refresh its review counts or check an added quote's foreign key. Taken in that order
    by both, the locks queue instead of deadlocking. FOR NO KEY UPDATE: editors of the
    same article do not wait for each other's foreign-key checks.
    """
    list(Article.objects.select_for_update(no_key=True).filter(pk=article_id).values("pk"))


def _write(
    *,
    quote: Quote,
    editor,
    version: int,
    changes: dict,
    reason: str = "",
    article_locked: bool = False,
) -> Quote:
    """Apply ``changes`` if the quote is still at ``version``; record it in the history.

    ``article_locked``: the caller's transaction already holds the article's lock.
    """
    now = timezone.now()
    # savepoint=False: inside a caller's transaction (a view creating a speaker first), a
    # failure here rolls the whole of it back, which is what the caller wants anyway.
    with transaction.atomic(savepoint=False):
        if not article_locked:
            _lock_article(quote.article_id)
        # Quotes stored in bulk (extraction) have no history yet: their state first, as
        # the engine's, so that the first change can be undone and shown as before/after.
        _copy_to_history([quote.pk], user=None, reason="baseline", date=now, baseline=True)
        update = Quote.objects.filter(pk=quote.pk, version=version)
        values = {**changes, "version": F("version") + 1, "updated_by": editor, "updated_at": now}
        if SPAN_KEY_FIELDS.isdisjoint(changes):
            # A status, kind or speaker change cannot break the unique span: no savepoint
            # (two more round trips on every confirm) to catch what cannot happen.
            updated = update.update(**values)
        else:
            try:
                with transaction.atomic():
                    updated = update.update(**values)
            except IntegrityError:
                raise ReviewError(
                    "Another quote in this article already has exactly this span and speaker "
                    "mention; change that one instead."
                ) from None
        if not updated:
            raise _conflict(quote.pk)
        if "status" in changes:
            Article.objects.filter(pk=quote.article_id).refresh_review_counts()
        _copy_to_history([quote.pk], user=editor, reason=reason, date=now)
        for name, value in changes.items():
            setattr(quote, name, value)
        quote.version = version + 1
        quote.updated_by, quote.updated_at = editor, now
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
    """Attribute the quote to ``speaker`` (a merged speaker's quotes go to the one it became).

    The speaker mention is kept when it can refer to the new speaker (a pronoun, their
    name, an alias or their surname: the engine found the mention and only resolved it
    wrongly); otherwise it moves to the nearest place the text names the new speaker, or
    is cleared when the text never does. The editor can still set or clear it.
    """
    if speaker.merged_into_id:
        speaker = speaker.merged_into
    if speaker.pk == quote.speaker_id:
        return quote_confirm(quote=quote, editor=editor, version=version)
    changes = {"speaker_id": speaker.pk, "status": Quote.Status.CORRECTED}
    aliases = list(speaker.aliases.values_list("name", flat=True))
    keys = [speaker.normalized_name, *(name_key(a) for a in aliases)]
    if quote.speaker_start is None or not mention_refers_to(quote.speaker_text, keys):
        text = quote.article.text
        names = [speaker.name, *aliases]
        names += [surname(n) for n in names if " " in n]
        found = find_mention(text, quote.start, quote.end, names)
        if found:
            changes.update(
                speaker_start=found[0], speaker_end=found[1], speaker_text=text[found[0] : found[1]]
            )
        elif quote.speaker_start is not None:
            changes.update(speaker_start=None, speaker_end=None, speaker_text="")
    former_speaker_id = quote.speaker_id
    quote.speaker = speaker
    with transaction.atomic(savepoint=False):  # as _write: the caller's transaction, if any
        quote = _write(
            quote=quote, editor=editor, version=version, changes=changes, reason="speaker"
        )
        withdraw_evidence(quote_id=quote.pk, speaker_id=former_speaker_id)
    return quote


def quote_set_mention(
    *, quote: Quote, editor, version: int, start: int | None, end: int | None
) -> Quote:
    """Set where the text names the quote's speaker ([start, end) of the article), or
    clear it (start and end None). The quote counts as corrected."""
    if start is None and end is None:
        if quote.speaker_start is None:
            raise ReviewError("This quote has no speaker mention to clear.")
        changes: dict[str, object] = {
            "speaker_start": None,
            "speaker_end": None,
            "speaker_text": "",
        }
    else:
        start, end = _check_span(quote.article, start, end)
        if quote.start < end and start < quote.end:
            raise ReviewError(
                "The speaker mention must be outside the quote: select the name that "
                "introduces it (for example before “said”)."
            )
        text = quote.article.text[start:end]
        if len(text) > 300:
            raise ReviewError("A speaker mention can be at most 300 characters.")
        changes = {"speaker_start": start, "speaker_end": end, "speaker_text": text}
    changes["status"] = Quote.Status.CORRECTED
    return _write(quote=quote, editor=editor, version=version, changes=changes, reason="mention")


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
            _lock_article(article.pk)
            quote.save()
    except IntegrityError:
        raise ReviewError("This article already has a quote with exactly this span.") from None
    return quote


def article_confirm_remaining(*, article: Article, editor, expected: int) -> list[int]:
    """Confirm every candidate left in the article, if there are still ``expected`` of them;
    returns the pks of the quotes it confirmed.

    The count is the optimistic lock here: if a candidate appeared or was decided since
    the editor saw the button, nothing is confirmed and they are asked to look again.
    """
    now = timezone.now()
    token = f"{BATCH_REASON}{article.pk}:{now.timestamp()}"
    with transaction.atomic():
        _lock_article(article.pk)
        pks = list(
            Quote.objects.select_for_update()
            .filter(article=article, status=Quote.Status.CANDIDATE)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if len(pks) != expected:
            raise ReviewError(
                f"{len(pks)} candidates are left in this article, not {expected}: the list "
                "changed since you loaded it, so nothing was confirmed. Look again and retry."
            )
        if not pks:
            return []
        # Quotes stored in bulk (extraction) have no history yet: their state before the
        # batch is recorded first, as the engine's, so that undo can put it back.
        _copy_to_history(pks, user=None, reason="baseline", date=now, baseline=True)
        Quote.objects.filter(pk__in=pks).update(
            status=Quote.Status.CONFIRMED,
            version=F("version") + 1,
            updated_by=editor,
            updated_at=now,
        )
        _copy_to_history(pks, user=editor, reason=token, date=now)
        Article.objects.filter(pk=article.pk).refresh_review_counts()
    return pks


def _copy_to_history(pks: list[int], *, user, reason: str, date, baseline: bool = False) -> None:
    """Record the quotes as they are now in their history, in one INSERT ... SELECT.

    The records are bulk_history_create's, but the database copies the rows, as they are
    after the write: bulk_history_create read a hundred quotes into models and wrote a
    hundred history models back, most of "confirm all remaining"'s time. ``baseline``:
    only the quotes with no history yet (stored in bulk), as "+" records with no user
    (the engine's state) dated when the quote was last written, never after ``date``: an
    undo finds them before the change, not after it.
    """
    History = Quote.history.model
    qn = connection.ops.quote_name
    copied = [f.column for f in History._meta.concrete_fields if not f.name.startswith("history_")]
    stamp = connection.ops.adapt_datetimefield_value(date)
    params: list  # the datetime as the backend stores it, then text and ids
    if baseline:
        when, params = "CASE WHEN q.updated_at < %s THEN q.updated_at ELSE %s END", [stamp, stamp]
        kind = "+"
    else:
        when, params, kind = "%s", [stamp], "~"
    sql = (
        f"INSERT INTO {qn(History._meta.db_table)} ({', '.join(qn(c) for c in copied)}, "
        "history_date, history_change_reason, history_type, history_user_id) "
        f"SELECT {', '.join('q.' + qn(c) for c in copied)}, {when}, %s, %s, %s "
        f"FROM {qn(Quote._meta.db_table)} q WHERE q.id IN ({', '.join(['%s'] * len(pks))})"
    )
    params += [reason, kind, user.pk if user else None, *pks]
    if baseline:
        sql += f" AND NOT EXISTS (SELECT 1 FROM {qn(History._meta.db_table)} h WHERE h.id = q.id)"
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY q.id", params)


def quote_undo(*, article: Article, editor) -> list[Quote]:
    """Revert this editor's last action in this article (one quote, or a whole batch).

    Refused with QuoteConflict when someone else changed the quote since: their change
    is never overwritten by an undo. Returns the quotes restored (a deleted added quote
    is returned unsaved, with no pk).
    """
    History = Quote.history.model
    with transaction.atomic():
        _lock_article(article.pk)
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
                History.objects.filter(history_user=editor, history_change_reason=reason).order_by(
                    "id"
                )  # rows locked in one order: two batch undos cannot deadlock
            )
        else:
            targets = [target]
        restored = [_undo_one(record, editor=editor, undone=undone) for record in targets]
    return restored


def _undo_one(record, *, editor, undone: set[int]) -> Quote:
    History = Quote.history.model
    # Lock first, then decide: with the row locked, no other editor's change can commit
    # between the look at the newer history and the write below (it would be overwritten).
    quote = Quote.objects.select_for_update().select_related("article").filter(pk=record.id).first()
    if quote is None:
        raise QuoteConflict(None)
    # By history_id, not only date: a write that waited for the lock has an earlier clock.
    later = History.objects.filter(id=record.id).filter(
        Q(history_date__gt=record.history_date) | Q(history_id__gt=record.history_id)
    )
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
        article_locked=True,  # by quote_undo
    )


def article_claim(*, article: Article, editor) -> Article:
    """Mark the article as being reviewed by ``editor``, unless another editor has it."""
    now = timezone.now()
    claimed = (
        Article.objects.filter(pk=article.pk)
        .claimable_by(editor)
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
    name = " ".join(strip_format_characters(name or "").split())
    if not name:
        raise ReviewError("A speaker needs a name.")
    if len(name) > 300:
        raise ReviewError("A speaker's name can be at most 300 characters.")
    with transaction.atomic():
        # The lock the workers' speaker matching takes: two editors (or an editor and a
        # worker) naming the same new speaker at once create one, the second finds it.
        # Not a unique constraint: two people may share a name (editors keep both).
        lock_speaker_matching()
        existing = Speaker.objects.active().filter(normalized_name=normalize_name(name)).first()
        if existing:
            return existing
        speaker = Speaker(name=name, origin=Speaker.Origin.HUMAN)
        speaker._history_user = editor
        speaker.save()
    return speaker


def merge_suggestion_reopen(*, suggestion: SpeakerMergeSuggestion) -> None:
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
