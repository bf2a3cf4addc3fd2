"""Editors' pages: the review queue, the article review page and its quote actions.

One template serves each page and its fragments (Django's built-in template partials).
An action answers an htmx request with the "update" partial (a status message plus
out-of-band swaps of the quote list, the highlighted text and the progress bar), and a
plain POST with a redirect back to the article, so the page also works without script.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.http import HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from .. import segments, services
from ..forms import (
    AddQuoteForm,
    ConfirmRemainingForm,
    KindForm,
    QueueFilterForm,
    SpanForm,
    SpeakerForm,
    VersionForm,
)
from ..models import Article, Quote, Speaker, SpeakerMerge, SpeakerMergeSuggestion
from ..roles import editor_required, is_editor, reader_required

PAGE = "annotations/review/article.html"
PALETTE_SIZE = 12


# Article review page ---------------------------------------------------------------------


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _colour(speaker_id) -> str:
    return f"speaker-c{speaker_id % PALETTE_SIZE}" if speaker_id else "speaker-none"


QUOTE_URL_NAMES = {
    "confirm": "quote_confirm",
    "reject": "quote_reject",
    "speaker": "quote_speaker",
    "span": "quote_span",
    "edit": "quote_edit",
    "history": "quote_history",
}


def _quote_urls() -> dict[str, tuple[str, str]]:
    """Each row's URLs, from one reverse() per name: a hundred rows would otherwise make
    over a thousand reverse() calls, the largest cost of rendering the page."""
    return {
        key: tuple(reverse(name, args=[0]).split("/0/", 1)) for key, name in QUOTE_URL_NAMES.items()
    }


def _workspace(request, article: Article) -> dict:
    """Everything the review page shows, in a fixed number of queries."""
    quotes = list(
        Quote.objects.filter(article=article)
        .select_related("speaker")
        .order_by("start", "end", "pk")
    )
    url_parts = _quote_urls()
    kinds = dict(Quote.Kind.choices)
    previous_speaker = None
    for number, quote in enumerate(quotes, 1):
        pk = str(quote.pk)
        quote.number = number
        quote.dom_id = pk
        quote.version_str = str(quote.version)
        quote.colour = _colour(quote.speaker_id)
        quote.urls = {key: f"{a}/{pk}/{b}" for key, (a, b) in url_parts.items()}
        quote.speaker_label = quote.speaker.name if quote.speaker_id else "no speaker"
        # Cut here rather than with |truncatechars, which costs more than the rest of the row.
        quote.short_text = _shorten(quote.text, 300)
        meta = [kinds.get(quote.kind, quote.kind)]
        if quote.confidence is not None and quote.status == Quote.Status.CANDIDATE:
            meta.append(f"{quote.confidence:.2f}")
        if quote.origin == Quote.Origin.HUMAN:
            meta.append("added by hand")
        quote.meta = " · ".join(meta)
        quote.previous_speaker = (
            previous_speaker
            if previous_speaker is not None and previous_speaker.pk != quote.speaker_id
            else None
        )
        if quote.speaker_id and quote.status != Quote.Status.REJECTED:
            previous_speaker = quote.speaker
            previous_speaker.dom_id = str(previous_speaker.pk)
            previous_speaker.short_name = _shorten(previous_speaker.name, 24)
    shown = [q for q in quotes if q.status != Quote.Status.REJECTED]
    pieces = segments.article_segments(article.text, shown)
    for piece in pieces:
        owner = piece.owner
        if owner is None:
            continue
        # Classes are worked out here: a hundred quotes make several hundred pieces, and
        # template conditionals per piece were a large part of the page's render time.
        classes = ["hl", owner.colour]
        if not piece.quotes:
            classes.append("outside")
        if piece.speaker_of:
            classes.append("mention")
        if piece.cue_of:
            classes.append("cue")
        if len(piece.quotes) > 1:
            classes.append("nested")
        if owner.status == Quote.Status.CANDIDATE:
            classes.append("pending")
        piece.css = " ".join(classes)
        piece.owner_id = owner.dom_id
    candidates = sum(q.status == Quote.Status.CANDIDATE for q in quotes)
    queue = Quote.objects.aggregate(
        total=Count("pk"), left=Count("pk", filter=Q(status=Quote.Status.CANDIDATE))
    )
    return {
        "article": article,
        "quotes": quotes,
        "segments": pieces,
        "can_edit": is_editor(request.user),
        # One hidden CSRF input rendered once, for the plain-POST fallback of every form.
        "csrf_input": format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
        ),
        "counts": {
            "total": len(quotes),
            "candidates": candidates,
            "reviewed": len(quotes) - candidates,
        },
        "queue": {**queue, "reviewed": queue["total"] - queue["left"]},
        "kinds": Quote.Kind.choices,
        "claimed_by_other": article.claimed_by_id and article.claimed_by_id != request.user.pk,
        "claim_lapsed": article.claim_has_lapsed,
    }


def _load_article(pk) -> Article:
    return get_object_or_404(Article.objects.select_related("claimed_by"), pk=pk)


@reader_required
@require_GET
def article_review(request, pk):
    """The article with its quotes highlighted in place, and the list of quotes beside it.

    Researchers see it read-only (the research pages link here with #quote-<id>).
    """
    article = _load_article(pk)
    return render(request, PAGE, _workspace(request, article))


def _respond(
    request,
    article: Article,
    *,
    message: str,
    level: str = "success",
    status: int = 200,
    focus: int | None = None,
    conflict: services.QuoteConflict | None = None,
    resend: bool = True,
    changed: tuple[int, tuple[int, int]] | None = None,
):
    """The answer to an action: a fragment for htmx, a redirect (or error page) otherwise.

    ``changed`` is (pk, (start, end) before the action) of the one quote an action changed:
    htmx then gets only the rows that may look different (see _changed_rows) rather than all
    of them, which was most of an action's time on a long article.
    """
    context = {"message": message, "level": level, "focus": focus}
    if conflict is not None:
        context["conflict"] = _conflict_context(request, conflict, resend=resend)
    if request.htmx:
        context.update(_workspace(request, article))
        if status == 200 and changed is not None:
            context["changed_rows"] = _changed_rows(context["quotes"], *changed)
        return render(request, f"{PAGE}#update", context, status=status)
    if status == 200:
        getattr(messages, level)(request, message)
        anchor = f"#quote-{focus}" if focus else ""
        return HttpResponseRedirect(article.get_absolute_url() + anchor, status=303)
    context.update(_workspace(request, article))
    return render(request, PAGE, context, status=status)


def _changed_rows(quotes: list[Quote], pk: int, span_before: tuple[int, int]) -> list | None:
    """The rows to re-render after one quote changed, or None when the whole list must be.

    A row shows its own quote, its number and the "previous speaker" offer, which comes
    from the nearest earlier quote with a speaker that is not rejected. So a change to one
    quote reaches its own row and the rows after it up to the next such quote. When its
    span moved it to another place in the order, the numbers change: all rows are sent.
    """
    index = next((i for i, q in enumerate(quotes) if q.pk == pk), None)
    if index is None:
        return None
    old_key = (*span_before, pk)
    old_index = sum((q.start, q.end, q.pk) < old_key for q in quotes if q.pk != pk)
    if old_index != index:
        return None
    end = index + 1
    while end < len(quotes):
        end += 1
        following = quotes[end - 1]
        if following.speaker_id and following.status != Quote.Status.REJECTED:
            break
    return quotes[index:end]


def _conflict_context(request, conflict: services.QuoteConflict, *, resend: bool) -> dict:
    """What the other editor changed, and a form to re-send this editor's change."""
    current = conflict.current
    context = {"current": current, "message": str(conflict), "changes": [], "resend": []}
    if current is None:
        return context
    History = Quote.history.model
    records = list(
        History.objects.filter(id=current.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:2]
    )
    if records:
        context["by"], context["at"] = records[0].history_user, records[0].history_date
        if len(records) == 2:
            context["changes"] = _describe_changes(records[1], records[0])
    if not resend:
        return context
    # The editor's own change is not lost: offer it again against the current version.
    context["resend"] = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", "version")
        for value in values
    ]
    context["resend_version"] = current.version
    context["resend_url"] = request.path
    return context


def _describe_changes(before, after, speakers: dict | None = None) -> list[tuple[str, str, str]]:
    """(field, before, after) for the fields an editor can change, in words."""
    rows = []
    for name in ("status", "kind", "speaker_id", "start", "end", "text"):
        old, new = getattr(before, name), getattr(after, name)
        if old == new:
            continue
        label = name.removesuffix("_id")  # the field's own name is its label
        if name == "speaker_id":
            names = speakers if speakers is not None else _speaker_names({old, new})
            old, new = names.get(old, "nobody"), names.get(new, "nobody")
        rows.append((label, str(old), str(new)))
    return rows


def _speaker_names(ids) -> dict:
    ids = {i for i in ids if i}
    return dict(Speaker.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def _label(quote: Quote) -> str:
    """A quote named in a message: its first words."""
    return f"“{quote.text[:40]}{'…' if len(quote.text) > 40 else ''}”"


def _load_quote(pk) -> Quote:
    return get_object_or_404(Quote.objects.select_related("article", "speaker"), pk=pk)


def _form_error(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


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
        services.quote_set_span(
            quote=quote, editor=request.user, version=data["version"], start=start, end=end
        )

    return _quote_action(request, pk, SpanForm, act, "Span changed for {n}.")


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
    return _respond(request, article, message=f"Added {_label(quote)}.", focus=quote.pk)


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
    return _respond(request, article, message=message, focus=focus, changed=changed)


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
        done = services.article_confirm_remaining(
            article=article, editor=request.user, expected=form.cleaned_data["expected"]
        )
    except services.ReviewError as error:
        return _respond(request, article, message=str(error), level="error", status=409)
    return _respond(request, article, message=f"Confirmed {done} remaining quote(s).")


@editor_required
@require_GET
def quote_edit(request, pk):
    """The speaker, kind and span forms of one quote: loaded into its row when the editor
    opens "Edit", or a page of its own without script."""
    quote = _load_quote(pk)
    template = "annotations/review/quote_edit.html"
    if request.htmx:
        template += "#panel"
    return render(request, template, {"quote": quote, "kinds": Quote.Kind.choices})


@reader_required
@require_GET
def quote_history(request, pk):
    """Who did what to a quote, when, with the values before and after."""
    quote = _load_quote(pk)
    records = list(
        Quote.history.filter(id=quote.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    speakers = _speaker_names({r.speaker_id for r in records})
    entries = []
    for before, after in zip([None, *records], records, strict=False):
        reason = after.history_change_reason or ""
        if reason.startswith(services.UNDO_REASON):
            action = "undo"
        elif reason.startswith(services.BATCH_REASON):
            action = "confirm remaining"
        else:
            action = reason or {"+": "created", "-": "deleted"}.get(after.history_type, "changed")
        entries.append(
            {
                "record": after,
                "action": action,
                "changes": _describe_changes(before, after, speakers) if before else [],
            }
        )
    entries.reverse()
    template = f"{PAGE}#history" if request.htmx else "annotations/review/history.html"
    return render(request, template, {"quote": quote, "entries": entries})


@editor_required
@require_GET
def speaker_suggest(request):
    """Speakers whose name or alias matches what the editor typed (an HTML fragment)."""
    term = " ".join((request.GET.get("speaker_name") or request.GET.get("q") or "").split())
    speakers = []
    if term:
        speakers = list(
            Speaker.objects.active()
            .matching(term)
            .prefetch_related("aliases")
            .annotate(n_quotes=Count("quotes", distinct=True))
            .order_by("-n_quotes", "name")[:8]
        )
    for speaker in speakers:
        speaker.colour = _colour(speaker.pk)
    exact = any(s.normalized_name == " ".join(term.casefold().split()) for s in speakers)
    return render(
        request,
        "annotations/review/speaker_suggestions.html",
        {"term": term, "speakers": speakers, "offer_new": bool(term) and not exact},
    )


# Claims and the queue ------------------------------------------------------------------


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@editor_required
@require_POST
def article_claim(request, pk):
    article = _load_article(pk)
    try:
        services.article_claim(article=article, editor=request.user)
    except services.ClaimConflict as conflict:
        messages.error(request, str(conflict))
        return redirect(_safe_next(request, reverse("review_queue")), permanent=False)
    messages.success(request, f"You are reviewing “{article}”.")
    return HttpResponseRedirect(_safe_next(request, article.get_absolute_url()), status=303)


@editor_required
@require_POST
def article_release(request, pk):
    article = _load_article(pk)
    try:
        services.article_release(
            article=article,
            editor=request.user,
            force=request.user.is_superuser or request.user.groups.filter(name="admin").exists(),
        )
    except services.ClaimConflict as conflict:
        messages.error(request, str(conflict))
    else:
        messages.success(request, f"“{article}” is back in the queue.")
    return HttpResponseRedirect(_safe_next(request, reverse("review_queue")), status=303)


def _queue(request, form: QueueFilterForm):
    articles = Article.objects.select_related("claimed_by").annotate(
        candidates=Count("quotes", filter=Q(quotes__status=Quote.Status.CANDIDATE)),
        total=Count("quotes"),
        lowest=Min("quotes__confidence", filter=Q(quotes__status=Quote.Status.CANDIDATE)),
    )
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("state"):
        articles = articles.filter(extraction_state=data["state"])
    else:
        articles = articles.filter(candidates__gt=0)
    if data.get("outlet"):
        articles = articles.filter(outlet=data["outlet"])
    articles = articles.published_between(data.get("published_from"), data.get("published_to"))
    if data.get("mine"):
        articles = articles.filter(claimed_by=request.user)
    return articles.order_by(F("lowest").asc(nulls_last=True), "-published", "pk")


@editor_required
@require_GET
@vary_on_headers("HX-Request")  # the same URL answers a fragment to htmx: keep caches apart
def review_queue(request):
    """Articles with candidates awaiting review, the most doubtful first."""
    outlets = Article.objects.outlets()
    form = QueueFilterForm(request.GET or None, outlets=list(outlets))
    page = Paginator(_queue(request, form), 25).get_page(request.GET.get("page"))
    left = Quote.objects.aggregate(
        total=Count("pk"),
        left=Count("pk", filter=Q(status=Quote.Status.CANDIDATE)),
        articles=Count("article", filter=Q(status=Quote.Status.CANDIDATE), distinct=True),
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "left": {**left, "reviewed": left["total"] - left["left"]},
        "query": query.urlencode(),
        "now": timezone.now(),
    }
    template = "annotations/review/queue.html"
    # Filters and pages swap only the results; a back-button restore needs the whole page.
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        template += "#results"
    return render(request, template, context)


@editor_required
@require_POST
def article_next(request):
    """Claim and open the next article nobody else is reviewing (skipping the current one)."""
    after = request.POST.get("after")
    candidates = _queue(request, QueueFilterForm({}, outlets=[])).claimable_by(request.user)
    if after and after.isdigit():
        candidates = candidates.exclude(pk=int(after))
    for article in candidates[:10]:
        try:
            services.article_claim(article=article, editor=request.user)
        except services.ClaimConflict:
            continue  # taken a moment ago by someone else
        if after and after.isdigit():
            Article.objects.filter(pk=int(after), claimed_by=request.user).update(
                claimed_by=None, claimed_at=None
            )
        return HttpResponseRedirect(article.get_absolute_url(), status=303)
    messages.success(request, "Nothing left to review. Well done.")
    return HttpResponseRedirect(reverse("review_queue"), status=303)


# Speaker merge suggestions (made by the extraction jobs; decided here) ------------------


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
@require_GET
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
