"""What an editor does to the quotes of an article: confirm, reject, change the kind,
speaker, speaker mention or span, add a missed quote, undo, confirm the rest.

Each action validates its form, calls one service, and answers with review_article's
_respond (the updated page fragment for htmx, a redirect otherwise).
"""

from django.db import transaction
from django.views.decorators.http import require_POST

from .. import segments, services
from ..forms import (
    AddQuoteForm,
    ConfirmRemainingForm,
    KindForm,
    MentionForm,
    SpanForm,
    SpeakerForm,
    VersionForm,
)
from ..models import Speaker
from ..roles import editor_required
from .review_article import _form_error, _label, _load_article, _load_quote, _respond


def _quote_action(request, pk, form_class, act, done: str):
    """Validate the form, call the service, answer with the updated review page."""
    quote = _load_quote(pk)
    article = quote.article
    span_before = (quote.start, quote.end)
    form = form_class(request.POST)
    if not form.is_valid():
        return _respond(request, article, message=_form_error(form), level="error", status=400)
    try:
        # One transaction: a speaker created inline is not left behind if the change fails.
        with transaction.atomic():
            act(quote, form.cleaned_data)
    except services.QuoteConflict as conflict:
        return _respond(
            request,
            article,
            message=str(conflict),
            level="error",
            status=409,
            focus=quote.pk,
            conflict=conflict,
        )
    except services.ReviewError as error:
        return _respond(request, article, message=str(error), level="error", status=400)
    return _respond(
        request,
        article,
        message=done.format(n=_label(quote)),
        focus=quote.pk,
        changed=(quote.pk, span_before),
    )


@editor_required
@require_POST
def quote_confirm(request, pk):
    return _quote_action(
        request,
        pk,
        VersionForm,
        lambda q, d: services.quote_confirm(quote=q, editor=request.user, version=d["version"]),
        "Confirmed {n}.",
    )


@editor_required
@require_POST
def quote_reject(request, pk):
    return _quote_action(
        request,
        pk,
        VersionForm,
        lambda q, d: services.quote_reject(quote=q, editor=request.user, version=d["version"]),
        "Rejected {n}.",
    )


@editor_required
@require_POST
def quote_kind(request, pk):
    return _quote_action(
        request,
        pk,
        KindForm,
        lambda q, d: services.quote_set_kind(
            quote=q, editor=request.user, version=d["version"], kind=d["kind"]
        ),
        "Kind changed for {n}.",
    )


def _speaker_from(data, editor) -> Speaker | None:
    if data["new_speaker_name"]:
        return services.speaker_create(name=data["new_speaker_name"], editor=editor)
    return data["speaker_obj"]


@editor_required
@require_POST
def quote_speaker(request, pk):
    def act(quote, data):
        speaker = _speaker_from(data, request.user)
        services.quote_set_speaker(
            quote=quote, editor=request.user, version=data["version"], speaker=speaker
        )

    return _quote_action(request, pk, SpeakerForm, act, "Speaker set for {n}.")


@editor_required
@require_POST
def quote_span(request, pk):
    def act(quote, data):
        text = quote.article.text
        start, end = data.get("start"), data.get("end")
        match data.get("adjust"):
            case "grow_start":
                start, end = segments.grow_start(text, quote.start), quote.end
            case "shrink_start":
                start, end = segments.shrink_start(text, quote.start, quote.end), quote.end
            case "grow_end":
                start, end = quote.start, segments.grow_end(text, quote.end)
            case "shrink_end":
                start, end = quote.start, segments.shrink_end(text, quote.start, quote.end)
            case "grow_start_clause":
                start, end = segments.grow_start_clause(text, quote.start, quote.end), quote.end
            case "shrink_start_clause":
                start, end = segments.shrink_start_clause(text, quote.start, quote.end), quote.end
            case "grow_end_clause":
                start, end = quote.start, segments.grow_end_clause(text, quote.start, quote.end)
            case "shrink_end_clause":
                start, end = quote.start, segments.shrink_end_clause(text, quote.start, quote.end)
        services.quote_set_span(
            quote=quote, editor=request.user, version=data["version"], start=start, end=end
        )

    return _quote_action(request, pk, SpanForm, act, "Span changed for {n}.")


@editor_required
@require_POST
def quote_mention(request, pk):
    """Set the speaker mention to a span of the text (keys or a selection), or clear it."""

    def act(quote, data):
        start, end = (None, None) if data.get("clear") else (data["start"], data["end"])
        services.quote_set_mention(
            quote=quote, editor=request.user, version=data["version"], start=start, end=end
        )

    return _quote_action(request, pk, MentionForm, act, "Speaker mention set for {n}.")


@editor_required
@require_POST
def quote_add(request, pk):
    article = _load_article(pk)
    form = AddQuoteForm(request.POST)
    if not form.is_valid():
        return _respond(request, article, message=_form_error(form), level="error", status=400)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            speaker = _speaker_from(data, request.user)
            quote = services.quote_add(
                article=article,
                editor=request.user,
                start=data["start"],
                end=data["end"],
                speaker=speaker,
                kind=data["kind"],
            )
    except services.ReviewError as error:
        return _respond(request, article, message=str(error), level="error", status=400)
    return _respond(
        request, article, message=f"Added {_label(quote)}.", focus=quote.pk, added=quote.pk
    )


@editor_required
@require_POST
def article_undo(request, pk):
    article = _load_article(pk)
    # Spans before the undo, so an undo of one quote can answer with its rows only.
    spans_before = {
        quote_pk: (start, end)
        for quote_pk, start, end in article.quotes.values_list("pk", "start", "end").order_by()
    }
    try:
        restored = services.quote_undo(article=article, editor=request.user)
    except services.QuoteConflict as conflict:
        # No "apply mine anyway" here: undoing over someone else's change is what is refused.
        return _respond(
            request,
            article,
            message=str(conflict),
            level="error",
            status=409,
            conflict=conflict,
            resend=False,
        )
    except services.ReviewError as error:
        return _respond(request, article, message=str(error), level="error", status=400)
    focus = restored[0].pk if len(restored) == 1 else None
    if len(restored) == 1 and restored[0].pk is None:
        message = "Undone: the quote you added is removed."
    elif len(restored) == 1:
        message = f"Undone: {_label(restored[0])} is back as it was."
    else:
        message = f"Undone: {len(restored)} quotes are back as they were."
    changed = (focus, spans_before[focus]) if focus in spans_before else None
    # The quote the editor had added is deleted: only its row goes.
    removed = spans_before if len(restored) == 1 and restored[0].pk is None else None
    return _respond(
        request, article, message=message, focus=focus, changed=changed, removed=removed
    )


@editor_required
@require_POST
def article_confirm_remaining(request, pk):
    article = _load_article(pk)
    form = ConfirmRemainingForm(request.POST)
    if not form.is_valid():
        return _respond(
            request,
            article,
            message="The request did not say how many candidates you saw.",
            level="error",
            status=400,
        )
    try:
        confirmed = services.article_confirm_remaining(
            article=article, editor=request.user, expected=form.cleaned_data["expected"]
        )
    except services.ReviewError as error:
        return _respond(request, article, message=str(error), level="error", status=409)
    return _respond(
        request,
        article,
        message=f"Confirmed {len(confirmed)} remaining quote(s).",
        confirmed=set(confirmed),
    )
