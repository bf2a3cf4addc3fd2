"""Writes that touch several models: import articles, record editors' decisions, extract.

Views, commands and jobs call these keyword-only functions; none of them is called from
``save()`` or a signal, so every write that matters can be found here. Callers use the
package (``services.quote_confirm``); the code lives in one module per concern:
``imports``, ``review``, ``extraction`` and ``speakers``. Only what callers use is
exported here; the rest is imported from its module.
"""

from .extraction import (
    WorkerLost,
    claim_articles,
    extract_articles,
    extract_queued_batch,
    extraction_engine,
    extraction_pipeline,
    queue_extraction,
    requeue_stale_extractions,
    store_candidates,
)
from .imports import import_records
from .review import (
    BATCH_REASON,
    UNDO_REASON,
    ClaimConflict,
    QuoteConflict,
    ReviewError,
    article_claim,
    article_confirm_remaining,
    article_release,
    merge_suggestion_reopen,
    merge_suggestion_undo_accept,
    quote_add,
    quote_confirm,
    quote_reject,
    quote_set_kind,
    quote_set_span,
    quote_set_speaker,
    quote_undo,
    speaker_create,
)
from .speakers import (
    SpeakerMergeError,
    merge_suggestion_accept,
    merge_suggestion_dismiss,
    merge_target,
    speaker_for_name,
    speaker_merge,
    speaker_merge_undo,
)

__all__ = [
    "BATCH_REASON",
    "UNDO_REASON",
    "ClaimConflict",
    "QuoteConflict",
    "ReviewError",
    "SpeakerMergeError",
    "WorkerLost",
    "article_claim",
    "article_confirm_remaining",
    "article_release",
    "claim_articles",
    "extract_articles",
    "extract_queued_batch",
    "extraction_engine",
    "extraction_pipeline",
    "import_records",
    "merge_suggestion_accept",
    "merge_suggestion_dismiss",
    "merge_suggestion_reopen",
    "merge_suggestion_undo_accept",
    "merge_target",
    "queue_extraction",
    "quote_add",
    "quote_confirm",
    "quote_reject",
    "quote_set_kind",
    "quote_set_span",
    "quote_set_speaker",
    "quote_undo",
    "requeue_stale_extractions",
    "speaker_create",
    "speaker_for_name",
    "speaker_merge",
    "speaker_merge_undo",
    "store_candidates",
]
