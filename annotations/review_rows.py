"""What each quote row and text piece of the review page shows, worked out in Python.

A hundred quotes make a hundred rows and several hundred text pieces: template
conditionals and reverse() calls per row were most of the page's render time, so the
labels, classes and URLs are prepared here once per request (next to segments.py, which
cuts the text into the pieces).
"""

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from . import permalinks
from .models import Quote, normalize_name

PALETTE_SIZE = 12
ALTERNATIVES_SHOWN = 3

QUOTE_URL_NAMES = {
    "confirm": "quote_confirm",
    "reject": "quote_reject",
    "speaker": "quote_speaker",
    "span": "quote_span",
    "mention": "quote_mention",
    "edit": "quote_edit",
    "history": "quote_history",
}


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def colour(speaker_id) -> str:
    return f"speaker-c{speaker_id % PALETTE_SIZE}" if speaker_id else "speaker-none"


def _quote_urls() -> dict[str, str]:
    """Each row's URLs, from one reverse() per name: a hundred rows would otherwise make
    over a thousand reverse() calls, the largest cost of rendering the page."""
    return {key: permalinks.url_pattern(name) for key, name in QUOTE_URL_NAMES.items()}


def decorate_quotes(quotes: list[Quote], speakers_by_name: dict | None = None) -> None:
    """Number the rows and give each its labels, URLs, colour and speaker offers.

    ``speakers_by_name`` maps a normalised name to a Speaker: the engine's ranked
    alternatives (names) become speakers to pick with 1, 2, 3 when they are known.
    """
    url_parts = _quote_urls()
    profile_url = permalinks.url_pattern("speaker_profile")
    kinds = dict(Quote.Kind.choices)
    speakers_by_name = speakers_by_name or {}
    previous_speaker = None
    for number, quote in enumerate(quotes, 1):
        pk = str(quote.pk)
        quote.number = number
        quote.dom_id = pk
        quote.version_str = str(quote.version)
        quote.colour = colour(quote.speaker_id)
        quote.urls = {key: pattern.format(pk) for key, pattern in url_parts.items()}
        quote.profile_url = profile_url.format(quote.speaker_id) if quote.speaker_id else ""
        quote.speaker_label = quote.speaker.name if quote.speaker_id else "no speaker"
        # Cut here rather than with |truncatechars, which costs more than the rest of the row.
        quote.short_text = shorten(quote.text, 300)
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
        quote.offers = _offers(quote, speakers_by_name)
        if quote.speaker_id and quote.status != Quote.Status.REJECTED:
            previous_speaker = quote.speaker
            previous_speaker.dom_id = str(previous_speaker.pk)
            previous_speaker.short_name = shorten(previous_speaker.name, 24)


def _offers(quote: Quote, speakers_by_name: dict) -> list:
    """Up to three other speakers for the quote, best first, each with the key (1-3)
    that picks it: the engine's ranked alternatives that are known speakers."""
    offers, seen = [], {quote.speaker_id}
    for name in getattr(quote, "alternatives", None) or ():
        speaker = speakers_by_name.get(normalize_name(name))
        if speaker is None or speaker.pk in seen:
            continue
        seen.add(speaker.pk)
        offers.append(
            {
                "key": str(len(offers) + 1),
                "id": str(speaker.pk),
                "name": speaker.name,
                "short_name": shorten(speaker.name, 24),
                "colour": colour(speaker.pk),
            }
        )
        if len(offers) == ALTERNATIVES_SHOWN:
            break
    return offers


def decorate_segments(pieces) -> None:
    """The CSS classes and owner of each highlighted piece of text."""
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


# ---- the rows and the text as HTML ------------------------------------------------------
#
# A hundred rows were ten thousand template variable lookups: most of the page's time, and
# of every action that answers with many rows (add, undo, confirm the rest). The rows and
# the text pieces are written here with format_html, which escapes every value as the
# template did; article.html only places the result.


def _speaker_badge(speaker) -> str:
    """annotations/profiles/_speaker_badge.html, for a row's speaker."""
    if speaker is None:
        return ""
    kind = speaker.get_speaker_type_display()
    if speaker.speaker_type == "person":
        gender = speaker.get_gender_display()
        title = f"{kind}, gender {gender} ({speaker.get_gender_source_display()})"
        shown = f"{kind} · {gender}"
    else:
        title, shown = kind, kind
    return format_html('<span class="speaker-badge" title="{}">{}</span>', title, shown)


def _form(action: str, csrf_input: str, version: str, inner: str, extra: str = "") -> str:
    return format_html(
        '<form method="post" action="{0}" hx-post="{0}"{1}>{2}'
        '<input type="hidden" name="version" value="{3}">{4}</form>',
        action,
        mark_safe(extra),
        csrf_input,
        version,
        mark_safe(inner),
    )


_SPAN_STEPS = (
    '<span class="step-label">start</span>'
    '<button type="submit" name="adjust" value="grow_start" aria-keyshortcuts="[" '
    'aria-label="Start one word earlier">◀</button>'
    '<button type="submit" name="adjust" value="shrink_start" aria-keyshortcuts="]" '
    'aria-label="Start one word later">▶</button>'
    '<span class="step-label">end</span>'
    '<button type="submit" name="adjust" value="shrink_end" aria-keyshortcuts="{" '
    'aria-label="End one word earlier">◀</button>'
    '<button type="submit" name="adjust" value="grow_end" aria-keyshortcuts="}" '
    'aria-label="End one word later">▶</button>'
)


def row_html(quote: Quote, *, can_edit: bool, csrf_input: str, oob: bool = False) -> str:
    """One quote's row of the list (decorate_quotes must have run on it)."""
    n, urls, version = quote.number, quote.urls, quote.version_str
    title = format_html(
        '<h3 class="quote-row-title" id="quote-{}-title"><span class="swatch {}" '
        'aria-hidden="true"></span> <span class="visually-hidden">Quote {},</span> '
        '<span class="badge badge-{}">{}</span> <span class="speaker-name">{}</span> {} '
        '<span class="quote-meta">{}</span></h3>',
        quote.dom_id,
        quote.colour,
        n,
        quote.status,
        quote.status,
        quote.speaker_label,
        _speaker_badge(quote.speaker if quote.speaker_id else None),
        quote.meta,
    )
    if quote.speaker_text:
        cue = format_html("mention <q>{}</q>", quote.speaker_text)
    else:
        cue = mark_safe('<span class="muted">no mention</span>')
    if quote.cue_text:
        cue = format_html("{} · cue <q>{}</q>", cue, quote.cue_text)
    parts = [
        format_html(
            '<li id="quote-{0}" class="quote-row status-{1}" data-quote="{0}"{2} tabindex="-1" '
            'aria-labelledby="quote-{0}-title">\n  ',
            quote.dom_id,
            quote.status,
            mark_safe(' hx-swap-oob="outerHTML"' if oob else ""),
        ),
        title,
        format_html('\n  <blockquote class="quote-text">{}</blockquote>\n', quote.short_text),
        format_html('  <p class="quote-cue">{}</p>\n  ', cue),
    ]
    if not can_edit:
        parts.append(
            format_html(
                '<p class="quote-history-link"><a href="{}">History</a></p>\n', urls["history"]
            )
        )
        parts.append("</li>\n")
        return "".join(parts)
    actions = [
        _form(
            urls["confirm"],
            csrf_input,
            version,
            format_html(
                '<button type="submit" class="act-confirm" aria-keyshortcuts="c" '
                'aria-label="Confirm quote {}">Confirm</button>',
                n,
            ),
        ),
        _form(
            urls["reject"],
            csrf_input,
            version,
            format_html(
                '<button type="submit" class="act-reject" aria-keyshortcuts="x" '
                'aria-label="Reject quote {}">Reject</button>',
                n,
            ),
        ),
    ]
    previous = quote.previous_speaker
    if previous:
        actions.append(
            _form(
                urls["speaker"],
                csrf_input,
                version,
                format_html(
                    '<input type="hidden" name="speaker" value="{}"><button type="submit" '
                    'class="act-previous" aria-keyshortcuts="p" aria-label="Same speaker as '
                    'the previous quote: {}">Previous speaker: {}</button>',
                    previous.dom_id,
                    previous.name,
                    previous.short_name,
                ),
            )
        )
    actions.append(
        _form(
            urls["span"],
            csrf_input,
            version,
            '<input type="hidden" name="start" value=""><input type="hidden" name="end" '
            'value="">' + _SPAN_STEPS,
            format_html(' class="span-form span-steps" aria-label="Span of quote {}"', n),
        )
    )
    offers = []
    for offer in quote.offers:
        offers.append(
            _form(
                urls["speaker"],
                csrf_input,
                version,
                format_html(
                    '<input type="hidden" name="speaker" value="{}"><button type="submit" '
                    'class="act-offer" data-key="{}" aria-keyshortcuts="{}" '
                    'aria-label="Speaker: {}"><kbd>{}</kbd> <span class="swatch {}" '
                    'aria-hidden="true"></span>{}</button>',
                    offer["id"],
                    offer["key"],
                    offer["key"],
                    offer["name"],
                    offer["key"],
                    offer["colour"],
                    offer["short_name"],
                ),
                ' class="offer-form"',
            )
        )
    actions.append("".join(offers))
    clear = (
        format_html(
            '<button type="submit" name="clear" value="1" class="act-clear-mention" '
            'aria-keyshortcuts="M" aria-label="Clear the speaker mention of quote {}">'
            "Clear mention <kbd>M</kbd></button>",
            n,
        )
        if quote.speaker_text
        else ""
    )
    actions.append(
        _form(
            urls["mention"],
            csrf_input,
            version,
            '<input type="hidden" name="start" value=""><input type="hidden" name="end" '
            'value=""><input type="hidden" name="clear" value="">' + clear,
            ' class="mention-form"',
        )
    )
    if quote.speaker_id:
        actions.append(
            format_html(
                '<button type="button" class="act-profile" aria-keyshortcuts="P" '
                'data-profile-url="{}">Profile</button>',
                quote.profile_url,
            )
        )
    actions.append(
        format_html(
            '<details class="quote-edit" hx-get="{0}" hx-trigger="toggle once" '
            'hx-target="find .edit-slot" hx-swap="innerHTML"><summary>Edit</summary>'
            '<div class="edit-slot"><a href="{0}">Edit speaker, kind and span</a></div>'
            "</details>",
            urls["edit"],
        )
    )
    parts.append('<div class="quote-actions">\n    ')
    parts.append("\n    ".join(actions))
    parts.append("\n  </div>\n  </li>\n")
    return "".join(parts)


def rows_html(quotes, *, can_edit: bool, csrf_input: str, oob: bool = False, empty: str = ""):
    """The rows of ``quotes``, or ``empty`` (the list's "no quotes" item) when none."""
    if not quotes:
        return mark_safe(empty)
    return mark_safe(
        "".join(row_html(q, can_edit=can_edit, csrf_input=csrf_input, oob=oob) for q in quotes)
    )


def text_html(pieces) -> str:
    """The article text as its pieces, each with its offset (decorate_segments first)."""
    out = []
    for piece in pieces:
        if piece.owner is None:
            out.append(format_html('<span data-offset="{}">{}</span>', piece.start, piece.text))
        else:
            out.append(
                format_html(
                    '<span data-offset="{}" data-quotes="{}" data-owner="{}" class="{}">{}</span>',
                    piece.start,
                    piece.quote_ids,
                    piece.owner_id,
                    piece.css,
                    piece.text,
                )
            )
    return mark_safe("".join(out))
