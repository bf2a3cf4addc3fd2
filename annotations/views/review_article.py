"""The article review page: the article with its quotes highlighted, the list of quotes
beside it, and the answer every action on it gets.

One template serves the page and its fragments (Django's built-in template partials).
An action answers an htmx request with the "update" partial (a status message plus
out-of-band swaps of the quote list, the highlighted text and the progress bar), and a
plain POST with a redirect back to the article, so the page also works without script.
"""

import functools

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.utils.html import format_html
from django.views.decorators.http import require_safe

from .. import review_rows, segments, services
from ..extraction.cues import QUOTE_ONLY_VERBS, SPEECH_VERBS
from ..models import Article, Quote, Speaker, normalize_name, strip_format_characters
from ..parsing import is_id
from ..roles import editor_required, is_editor, reader_required

PAGE = "annotations/review/article.html"
# The reporting verbs' forms, for review.js's Tab in the text caret (a missed quote most
# often follows one): the engine's own lexicon, so the two never disagree; "that_only" are
# the forms of verbs that report speech only with "that" after them ("continued below").
SPEECH_VERB_FORMS = {
    "forms": sorted(SPEECH_VERBS),
    "that_only": sorted(form for form, base in SPEECH_VERBS.items() if base in QUOTE_ONLY_VERBS),
}


def _known_speakers(quotes: list[Quote]) -> dict:
    """The speakers the engine's alternatives name, by normalised name (one query)."""
    keys = {normalize_name(name) for q in quotes for name in (q.alternatives or ())}
    if not keys:
        return {}
    return {s.normalized_name: s for s in Speaker.objects.active().filter(normalized_name__in=keys)}


def _workspace(request, article: Article) -> dict:
    """Everything the review page shows about one article, in a fixed number of queries.

    Nothing here reads beyond the article's own quotes: the database-wide progress is the
    queue page's, so an action costs the same on a corpus of any size.
    """
    quotes = list(article.quotes.select_related("speaker").order_by("start", "end", "pk"))
    review_rows.decorate_quotes(quotes, _known_speakers(quotes))
    pieces = segments.article_segments(
        article.text, [q for q in quotes if q.status != Quote.Status.REJECTED]
    )
    review_rows.decorate_segments(pieces)
    candidates = sum(q.status == Quote.Status.CANDIDATE for q in quotes)
    can_edit = is_editor(request.user)
    # One hidden CSRF input rendered once, for the plain-POST fallback of every form.
    csrf_input = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
    if article.extraction_state != "done":
        empty = format_html(
            '<li class="empty">No quotes yet: extraction is {}.</li>',
            article.get_extraction_state_display(),
        )
    else:
        empty = '<li class="empty">No quotes yet.</li>'
    return {
        "article": article,
        "quotes": quotes,
        "segments": pieces,
        "can_edit": can_edit,
        "csrf_input": csrf_input,
        # Callables: the template writes them only where it shows them (an action that
        # changed one row does not write the whole list).
        "rows_html": functools.partial(
            review_rows.rows_html, quotes, can_edit=can_edit, csrf_input=csrf_input, empty=empty
        ),
        "text_html": functools.partial(review_rows.text_html, pieces),
        "counts": {
            "total": len(quotes),
            "candidates": candidates,
            "reviewed": len(quotes) - candidates,
            "done": bool(quotes) and not candidates,
        },
        "kinds": Quote.Kind.choices,
        "speech_verbs": SPEECH_VERB_FORMS,
        "claimed_by_other": article.claimed_by_id and article.claimed_by_id != request.user.pk,
        "claim_lapsed": article.claim_has_lapsed,
    }


def _load_article(pk) -> Article:
    return get_object_or_404(Article.objects.select_related("claimed_by"), pk=pk)


@reader_required
@require_safe
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
    added: int | None = None,
    removed: dict[int, tuple[int, int]] | None = None,
    confirmed: set[int] | None = None,
):
    """The answer to an action: a fragment for htmx, a redirect (or error page) otherwise.

    ``changed`` is (pk, (start, end) before the action) of the one quote an action changed:
    htmx then gets only the rows that may look different (see _changed_rows) rather than all
    of them, which was most of an action's time on a long article. Likewise ``added`` (the
    pk of a quote just added: its row is inserted) and ``removed`` (the spans by pk before
    an action that deleted one quote: its row is removed); review.js numbers the rows
    again after either. ``confirmed`` (the pks "confirm all remaining" confirmed): only
    their rows, since confirming changes neither the order nor any "previous speaker" offer.
    """
    context = {"message": message, "level": level, "focus": focus}
    if conflict is not None:
        context["conflict"] = _conflict_context(request, conflict, resend=resend)
    if request.htmx:
        context.update(_workspace(request, article))
        if status == 200 and changed is not None:
            rows = _changed_rows(context["quotes"], *changed)
            if rows is not None:
                context["changed_rows_html"] = _oob_rows(context, rows)
        elif status == 200 and added is not None:
            context["changed_rows_html"] = _added_rows(context, added)
        elif status == 200 and removed is not None:
            context["changed_rows_html"] = _removed_rows(context, removed)
        elif status == 200 and confirmed:
            rows = [q for q in context["quotes"] if q.pk in confirmed]
            context["changed_rows_html"] = _oob_rows(context, rows)
        return render(request, f"{PAGE}#update", context, status=status)
    if status == 200:
        getattr(messages, level)(request, message)
        anchor = f"#quote-{focus}" if focus else ""
        return HttpResponseRedirect(article.get_absolute_url() + anchor, status=303)
    context.update(_workspace(request, article))
    return render(request, PAGE, context, status=status)


def _oob_rows(context, rows) -> str:
    return review_rows.rows_html(
        rows, can_edit=context["can_edit"], csrf_input=context["csrf_input"], oob=True
    )


def _rows_from(quotes: list[Quote], index: int) -> list:
    """quotes[index:] up to and with the next quote with a speaker that is not rejected:
    the rows whose "previous speaker" offer may change with a change at ``index``."""
    end = index
    while end < len(quotes):
        end += 1
        following = quotes[end - 1]
        if following.speaker_id and following.status != Quote.Status.REJECTED:
            break
    return quotes[index:end]


def _added_rows(context, pk: int) -> str | None:
    """The new quote's row, inserted after the row before it, and the rows after it whose
    offers change (None: the whole list, when the list was empty before)."""
    quotes = context["quotes"]
    index = next((i for i, q in enumerate(quotes) if q.pk == pk), None)
    if index is None or len(quotes) == 1:
        return None
    where = f"afterend:#quote-{quotes[index - 1].dom_id}" if index else "afterbegin:#quote-list"
    new_row = review_rows.rows_html(
        quotes[index : index + 1], can_edit=context["can_edit"], csrf_input=context["csrf_input"]
    )
    inserted = format_html('<div hx-swap-oob="{}">{}</div>', where, new_row)
    return inserted + _oob_rows(context, _rows_from(quotes, index + 1))


def _removed_rows(context, spans_before: dict) -> str | None:
    """The deleted quote's row removed, and the rows after it whose offers change."""
    quotes = context["quotes"]
    gone = set(spans_before) - {q.pk for q in quotes}
    if not quotes or len(gone) != 1:
        return None
    pk = gone.pop()
    span = spans_before[pk]
    index = sum((q.start, q.end, q.pk) < (*span, pk) for q in quotes)
    deleted = format_html('<li id="quote-{}" hx-swap-oob="delete"></li>', pk)
    return deleted + _oob_rows(context, _rows_from(quotes, index))


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
    return [quotes[index], *_rows_from(quotes, index + 1)]


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


# A field's own name is its label, but for these.
FIELD_LABELS = {"speaker_text": "mention"}


def _describe_changes(before, after, speakers: dict | None = None) -> list[tuple[str, str, str]]:
    """(field, before, after) for the fields an editor can change, in words."""
    rows = []
    for name in ("status", "kind", "speaker_id", "speaker_text", "start", "end", "text"):
        old, new = getattr(before, name), getattr(after, name)
        if old == new:
            continue
        label = FIELD_LABELS.get(name, name.removesuffix("_id"))
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


@editor_required
@require_safe
def quote_edit(request, pk):
    """The speaker, kind and span forms of one quote: loaded into its row when the editor
    opens "Edit", or a page of its own without script."""
    quote = _load_quote(pk)
    template = "annotations/review/quote_edit.html"
    if request.htmx:
        template += "#panel"
    return render(request, template, {"quote": quote, "kinds": Quote.Kind.choices})


@reader_required
@require_safe
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
    template = "annotations/review/history.html" + ("#entries" if request.htmx else "")
    return render(request, template, {"quote": quote, "entries": entries})


def _suggestion_rank(speaker, key: str) -> tuple:
    """Exact name, then exact alias, then a name with a word starting with the term,
    then the rest (names or aliases merely containing it); most quoted first within."""
    aliases = [a.normalized for a in speaker.aliases.all()]
    if speaker.normalized_name == key:
        tier = 0
    elif key in aliases:
        tier = 1
    elif f" {speaker.normalized_name}".find(f" {key}") >= 0:
        tier = 2
    else:
        tier = 3
    return (tier, -speaker.n_quotes, speaker.name)


SUGGESTIONS_SHOWN = 8


def _alternatives_of(quote_pk) -> list:
    """The engine's ranked alternative speakers of a quote that are known speakers."""
    if not is_id(quote_pk):
        return []
    names = Quote.objects.filter(pk=int(quote_pk)).values_list("alternatives", flat=True).first()
    keys = [normalize_name(n) for n in names or ()]
    found = {
        s.normalized_name: s
        for s in Speaker.objects.active()
        .filter(normalized_name__in=keys)
        .prefetch_related("aliases")
        .annotate(n_quotes=Count("quotes", distinct=True))
    }
    return [found[k] for k in dict.fromkeys(keys) if k in found]


def _people_of(article_pk, start=None) -> list:
    """The speakers of an article's quotes, most quoted there first: what the add form
    offers before anything is typed (a missed quote is most often by one of them).

    With ``start`` (where the marked quote starts), the speaker of the nearest quote
    before it comes first: a missed quote most often goes on with the one before it.
    """
    if not is_id(article_pk):
        return []
    quoted_here = (
        Speaker.objects.active()
        .filter(quotes__article_id=int(article_pk))
        .exclude(quotes__status=Quote.Status.REJECTED)
        .prefetch_related("aliases")
        .annotate(n_quotes=Count("quotes", distinct=True))
    )
    people = list(quoted_here.order_by("-n_quotes", "name")[:SUGGESTIONS_SHOWN])
    if is_id(start):
        nearest = (
            Quote.objects.filter(article_id=int(article_pk), start__lt=int(start))
            .exclude(status=Quote.Status.REJECTED)
            .exclude(speaker=None)
            .order_by("-start", "-end")
            .values_list("speaker__merged_into_id", "speaker_id")
            .first()
        )
        nearest_pk = nearest and (nearest[0] or nearest[1])
        if nearest_pk and all(speaker.pk != nearest_pk for speaker in people):
            # Not among the most quoted here (a speaker of one quote in a long article):
            # still the likeliest, so offered first in the place of the least quoted.
            people = [*quoted_here.filter(pk=nearest_pk), *people][:SUGGESTIONS_SHOWN]
        people.sort(key=lambda speaker: speaker.pk != nearest_pk)  # stable: the rest keep order
    return people


def _suggestion_rows(speakers: list) -> list:
    for speaker in speakers:
        speaker.colour = review_rows.colour(speaker.pk)
        # An alias that is the name again (it differed only by case, accents or an
        # invisible character) says nothing: not shown.
        speaker.other_names = [
            a.name for a in speaker.aliases.all() if a.normalized != speaker.normalized_name
        ][:3]
    return speakers


@editor_required
@require_safe
def speaker_suggest(request):
    """Speakers whose name or alias matches what the editor typed (an HTML fragment).

    The option Enter takes is chosen here: the best match when it is the speaker's name
    or alias or a word of their name; otherwise "Create new speaker", so typing an
    organisation's name never pre-selects a person whose long alias contains it. With
    ``quote``, the engine's alternatives for it come first (alone, before any typing).
    """
    typed = request.GET.get("speaker_name") or request.GET.get("q") or ""
    term = " ".join(strip_format_characters(typed).split())
    key = normalize_name(term)
    alternatives = _alternatives_of(request.GET.get("quote")) or _people_of(
        request.GET.get("article"), request.GET.get("start")
    )
    if not key:
        return render(
            request,
            "annotations/review/speaker_suggestions.html",
            {
                "term": "",
                "speakers": _suggestion_rows(alternatives),
                "offer_new": False,
                "preselect": str(alternatives[0].pk) if alternatives else "",
            },
        )
    speakers = list(
        Speaker.objects.active()
        .matching(term)
        .prefetch_related("aliases")
        .annotate(n_quotes=Count("quotes", distinct=True))
        .order_by("-n_quotes", "name")[:50]
    )
    alternative_rank = {s.pk: i for i, s in enumerate(alternatives)}

    def rank(speaker):
        tier, *rest = _suggestion_rank(speaker, key)
        return (tier, alternative_rank.get(speaker.pk, len(alternatives)), *rest)

    speakers.sort(key=rank)
    speakers = _suggestion_rows(speakers[:SUGGESTIONS_SHOWN])
    offer_new = not any(s.normalized_name == key for s in speakers)
    if speakers and _suggestion_rank(speakers[0], key)[0] <= 2:
        preselect = str(speakers[0].pk)
    else:
        preselect = "new" if offer_new else ""
    return render(
        request,
        "annotations/review/speaker_suggestions.html",
        {"term": term, "speakers": speakers, "offer_new": offer_new, "preselect": preselect},
    )
