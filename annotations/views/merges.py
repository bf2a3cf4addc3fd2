"""Speaker merge suggestions (made by the extraction jobs; decided here by editors)."""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from .. import services
from ..models import Speaker, SpeakerMerge, SpeakerMergeSuggestion
from ..roles import editor_required


def _merge_page_context() -> dict:
    suggestions = list(
        SpeakerMergeSuggestion.objects.filter(status=SpeakerMergeSuggestion.Status.OPEN)
        .select_related("speaker", "other")
        .order_by("-score", "pk")[:100]
    )
    speaker_ids = {s.speaker_id for s in suggestions} | {s.other_id for s in suggestions}
    counts = dict(
        Speaker.objects.filter(pk__in=speaker_ids)
        .annotate(n=Count("quotes"))
        .values_list("pk", "n")
    )
    for suggestion in suggestions:
        suggestion.speaker.n_quotes = counts.get(suggestion.speaker_id, 0)
        suggestion.other.n_quotes = counts.get(suggestion.other_id, 0)
    merges = list(
        SpeakerMerge.objects.filter(undone_at__isnull=True)
        .select_related("source", "target", "merged_by")
        .order_by("-merged_at")[:20]
    )
    return {"suggestions": suggestions, "merges": merges}


@editor_required
@require_safe
def merge_suggestions(request):
    """Open suggestions that two speakers are one person, and recent merges to undo."""
    return render(request, "annotations/review/merges.html", _merge_page_context())


def _merge_answer(request, *, message: str, level: str = "success", status: int = 200, **extra):
    if request.htmx:
        context = {"message": message, "level": level, **extra}
        return render(request, "annotations/review/merges.html#decided", context, status=status)
    getattr(messages, level)(request, message)
    return HttpResponseRedirect(reverse("merge_suggestions"), status=303)


def _load_suggestion(pk) -> SpeakerMergeSuggestion:
    return get_object_or_404(
        SpeakerMergeSuggestion.objects.select_related("speaker", "other"), pk=pk
    )


def _already_decided(request, suggestion):
    """The answer when another editor decided the suggestion first: a 409, no change."""
    return _merge_answer(
        request,
        message=f"Already {suggestion.get_status_display()}: nothing was changed.",
        level="error",
        status=409,
        suggestion=suggestion,
    )


@editor_required
@require_POST
def merge_suggestion_accept(request, pk):
    suggestion = _load_suggestion(pk)
    if suggestion.status != SpeakerMergeSuggestion.Status.OPEN:
        return _already_decided(request, suggestion)
    try:
        merge = services.merge_suggestion_accept(suggestion=suggestion, user=request.user)
    except services.SpeakerMergeError as error:
        return _merge_answer(
            request, message=str(error), level="error", status=409, suggestion=suggestion
        )
    message = (
        f"Merged “{merge.source}” into “{merge.target}”."
        if merge
        else "They were already one speaker."
    )
    return _merge_answer(request, message=message, suggestion=suggestion, merge=merge)


@editor_required
@require_POST
def merge_suggestion_dismiss(request, pk):
    suggestion = _load_suggestion(pk)
    if suggestion.status != SpeakerMergeSuggestion.Status.OPEN:
        return _already_decided(request, suggestion)
    services.merge_suggestion_dismiss(suggestion=suggestion, user=request.user)
    return _merge_answer(
        request,
        message=f"Kept “{suggestion.speaker}” and “{suggestion.other}” apart.",
        suggestion=suggestion,
        dismissed=True,
    )


@editor_required
@require_POST
def merge_suggestion_reopen(request, pk):
    """Undo a dismissal."""
    suggestion = _load_suggestion(pk)
    if suggestion.status != SpeakerMergeSuggestion.Status.DISMISSED:
        return _merge_answer(
            request,
            message="This suggestion is not dismissed: nothing to undo.",
            level="error",
            status=409,
            suggestion=suggestion,
        )
    services.merge_suggestion_reopen(suggestion=suggestion)
    suggestion.status = SpeakerMergeSuggestion.Status.OPEN
    return _merge_answer(
        request,
        message="Undone: the suggestion is open again.",
        reopened=True,
        suggestion=suggestion,
    )


@editor_required
@require_POST
def speaker_merge_undo(request, pk):
    merge = get_object_or_404(SpeakerMerge.objects.select_related("source", "target"), pk=pk)
    try:
        services.merge_suggestion_undo_accept(merge=merge, user=request.user)
    except services.SpeakerMergeError as error:
        return _merge_answer(request, message=str(error), level="error", status=409)
    return _merge_answer(
        request,
        message=f"Undone: “{merge.source}” and “{merge.target}” are separate again.",
        undone=merge,
    )
