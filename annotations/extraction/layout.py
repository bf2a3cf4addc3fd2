"""News-page furniture around the article text: embedded posts, pull quotes, links.

Rules that read the paragraph layout rather than the grammar:
  * "READ MORE: ...", "WATCH: ..." and similar link lines are never speech;
  * an embedded post ends with its signature, "— BC Hydro (@bchydro) December 22, 2018":
    the paragraph before the links is what the account said;
  * a pull quote is a statement followed by its speaker's name on its own:
    "It's very bad for our seniors. Rod Peters, Lake Cowichan mayor".
"""

import re

from spacy.tokens import Doc

LINK_LINE = re.compile(
    r"(READ MORE|WATCH|RELATED|MORE|VIDEO|PHOTOS?|LISTEN|SIGN UP|CLICK HERE|Story continues"
    r"|ADVERTISEMENT|Watch|Read more|Related|Video|Photo|Sponsored|Follow|Subscribe)\b"
)
POST_SIGNATURE = re.compile(
    r"[\u2014\u2013-]\s*(?P<name>[^()\n\u2014]{2,80}?)\s*\(@\w+\)\s*"
    r"(?:\w+\.?\s+\d{1,2},\s*\d{4}|\d{1,2}\s+\w+\s+\d{4})\s*$"
)
POST_LINKS = re.compile(r"\s*(?:#\w*)?pic\.twitter\.com/\S*|\s*https?://\S+")


def is_link_line(text: str, a: int, b: int) -> bool:
    return LINK_LINE.match(text, a, b) is not None


def embedded_post(text: str, a: int, b: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """(content span, author-name span) of an embedded social-media post, or None."""
    m = POST_SIGNATURE.search(text, a, b)
    if m is None:
        return None
    end = m.start()
    links = POST_LINKS.search(text, a, end)
    if links is not None:
        end = links.start()
    while end > a and text[end - 1] in " \t":
        end -= 1
    if end - a < 10:
        return None
    return (a, end), (m.start("name"), m.end("name"))


def pull_quote(
    doc: Doc, text: str, a: int, b: int
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """(content span, speaker span) of 'Statement. Name[, description]', or None."""
    stop = text.rfind(". ", a, b)
    if stop == -1 or len(text[stop + 2 : b].split()) > 8 or not text[stop + 2 : stop + 3].isupper():
        return None  # cheap text test first: a short capitalised tail after a full stop
    span = doc.char_span(a, b, alignment_mode="expand")
    if span is None:
        return None
    sents = list(span.sents)
    if len(sents) < 2:
        return None
    last = sents[-1]
    if len(last) > 8 or any(t.pos_ in ("VERB", "AUX") for t in last):
        return None
    ents = [e for e in doc.ents if e.start == last.start and e.label_ in ("PERSON", "ORG")]
    if not ents:
        return None
    body = [t for s in sents[:-1] for t in s]
    if not any(t.pos_ in ("VERB", "AUX") for t in body):
        return None
    end = sents[-2][-1]
    stop = end.idx if end.is_punct else end.idx + len(end.text)
    e = ents[0]
    sa = e.start_char
    sb = min(sa + len(e.text.rstrip()), b)
    return (a, stop), (sa, sb)
