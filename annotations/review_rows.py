"""What each quote row and text piece of the review page shows, worked out in Python.

A hundred quotes make a hundred rows and several hundred text pieces: template
conditionals and reverse() calls per row were most of the page's render time, so the
labels, classes and URLs are prepared here once per request (next to segments.py, which
cuts the text into the pieces).
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from . import permalinks
from .models import Quote, normalize_name
from .templatetags.profiles import speaker_badge

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
# the text pieces are written here, every value from the database through escape() as the
# template's auto-escaping did; article.html only places the result.


def _form(action: str, csrf_input: str, version: str, inner: str, extra: str = "") -> str:
    """A row's form: ``action`` and ``version`` are digits and paths, ``inner`` and
    ``extra`` HTML already escaped."""
    return (
        f'<form method="post" action="{action}" hx-post="{action}"{extra}>{csrf_input}'
        f'<input type="hidden" name="version" value="{version}">{inner}</form>'
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
    """One quote's row of the list (decorate_quotes must have run on it).

    Written with f-strings, every value from the database through escape() (as the
    template's auto-escaping did): format_html per piece was half of the page's time.
    """
    n, urls, version, dom_id = quote.number, quote.urls, quote.version_str, quote.dom_id
    status = escape(quote.status)
    badge = speaker_badge(quote.speaker if quote.speaker_id else None)
    title = (
        f'<h3 class="quote-row-title" id="quote-{dom_id}-title"><span class="quote-number" '
        f'aria-hidden="true">{n}</span><span class="swatch '
        f'{quote.colour}" aria-hidden="true"></span> <span class="visually-hidden">Quote {n},'
        f'</span> <span class="badge badge-{status}">{status}</span> <span class="speaker-name">'
        f'{escape(quote.speaker_label)}</span> {badge} <span class="quote-meta">'
        f"{escape(quote.meta)}</span></h3>"
    )
    if quote.speaker_text:
        cue = f"mention <q>{escape(quote.speaker_text)}</q>"
    else:
        cue = '<span class="muted">no mention</span>'
    if quote.cue_text:
        cue = f"{cue} · cue <q>{escape(quote.cue_text)}</q>"
    oob_attribute = ' hx-swap-oob="outerHTML"' if oob else ""
    parts = [
        f'<li id="quote-{dom_id}" class="quote-row status-{status}" data-quote="{dom_id}"'
        f'{oob_attribute} tabindex="-1" aria-labelledby="quote-{dom_id}-title">\n  ',
        title,
        f'\n  <blockquote class="quote-text">{escape(quote.short_text)}</blockquote>\n',
        f'  <p class="quote-cue">{cue}</p>\n  ',
    ]
    if not can_edit:
        parts.append(
            f'<p class="quote-history-link"><a href="{urls["history"]}">History</a></p>\n</li>\n'
        )
        return "".join(parts)
    actions = [
        _form(
            urls["confirm"],
            csrf_input,
            version,
            '<button type="submit" class="act-confirm" aria-keyshortcuts="c" '
            f'aria-label="Confirm quote {n}">Confirm</button>',
        ),
        _form(
            urls["reject"],
            csrf_input,
            version,
            '<button type="submit" class="act-reject" aria-keyshortcuts="x" '
            f'aria-label="Reject quote {n}">Reject</button>',
        ),
    ]
    previous = quote.previous_speaker
    if previous:
        actions.append(
            _form(
                urls["speaker"],
                csrf_input,
                version,
                f'<input type="hidden" name="speaker" value="{previous.dom_id}"><button '
                'type="submit" class="act-previous" aria-keyshortcuts="p" aria-label="Same '
                f'speaker as the previous quote: {escape(previous.name)}">Previous speaker: '
                f"{escape(previous.short_name)}</button>",
            )
        )
    actions.append(
        _form(
            urls["span"],
            csrf_input,
            version,
            '<input type="hidden" name="start" value=""><input type="hidden" name="end" '
            'value="">' + _SPAN_STEPS,
            f' class="span-form span-steps" aria-label="Span of quote {n}"',
        )
    )
    offers = []
    for offer in quote.offers:
        key = offer["key"]
        offers.append(
            _form(
                urls["speaker"],
                csrf_input,
                version,
                f'<input type="hidden" name="speaker" value="{offer["id"]}"><button '
                f'type="submit" class="act-offer" data-key="{key}" aria-keyshortcuts="{key}" '
                f'aria-label="Speaker: {escape(offer["name"])}"><kbd>{key}</kbd> <span '
                f'class="swatch {offer["colour"]}" aria-hidden="true"></span>'
                f"{escape(offer['short_name'])}</button>",
                ' class="offer-form"',
            )
        )
    actions.append("".join(offers))
    clear = (
        '<button type="submit" name="clear" value="1" class="act-clear-mention" '
        f'aria-keyshortcuts="M" aria-label="Clear the speaker mention of quote {n}">'
        "Clear mention <kbd>M</kbd></button>"
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
            '<button type="button" class="act-profile" aria-keyshortcuts="P" '
            f'data-profile-url="{quote.profile_url}">Profile</button>'
        )
    edit = urls["edit"]
    actions.append(
        f'<details class="quote-edit" hx-get="{edit}" hx-trigger="toggle once" '
        'hx-target="find .edit-slot" hx-swap="innerHTML"><summary>Edit</summary>'
        f'<div class="edit-slot"><a href="{edit}">Edit speaker, kind and span</a></div>'
        "</details>"
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
            out.append(f'<span data-offset="{piece.start}">{escape(piece.text)}</span>')
        else:
            out.append(
                f'<span data-offset="{piece.start}" data-quotes="{piece.quote_ids}" '
                f'data-owner="{piece.owner_id}" class="{piece.css}">{escape(piece.text)}</span>'
            )
    return mark_safe("".join(out))
