"""What each quote row and text piece of the review page shows, worked out in Python.

A hundred quotes make a hundred rows and several hundred text pieces: template
conditionals and reverse() calls per row were most of the page's render time, so the
labels, classes and URLs are prepared here once per request (next to segments.py, which
cuts the text into the pieces).
"""

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
