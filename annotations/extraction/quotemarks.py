"""Direct quotes: pair quotation marks inside each paragraph.

Works on the raw text, not on tokens, so that it is cheap and independent of the parse.
News conventions it follows:
  * no quote crosses a paragraph break; a paragraph that opens a quote and never closes it
    is an "open-ended" quote whose next paragraph usually continues the same speaker;
  * double marks (straight or curly) are the main marks; British texts use single curly
    marks, whose closing form is also the apostrophe, so a ’ closes only where it cannot be
    an apostrophe (not between letters) and a possessive ``s’`` closes only as a last resort;
  * a closing mark after ``,.?!`` with no opening mark earlier in the paragraph means the
    opening mark was dropped: the quote starts at the paragraph start;
  * two apostrophes ``''`` are one straight double mark (the New York Times' archive
    writes its quotation marks so).
"""

import re
from dataclasses import dataclass

DOUBLE_OPEN = "\u201c\u201e\u00ab"
DOUBLE_CLOSE = "\u201d\u00bb"
SINGLE_OPEN = "\u2018"
SINGLE_CLOSE = "\u2019"


@dataclass
class MarkedQuote:
    start: int  # offset of the opening mark (or paragraph start when it is missing)
    end: int  # offset just after the closing mark (or paragraph end when it is missing)
    para: int  # paragraph index
    open_ended: bool = False  # no closing mark before the paragraph end
    missing_open: bool = False  # closing mark without an opening mark
    single: bool = False  # single quotation marks


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Non-empty paragraphs as (start, end) with surrounding whitespace stripped."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        a, b = m.start(), m.end()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append((a, b))
    return spans


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def straight_double_is_opening(text: str, i: int, a: int, b: int) -> bool | None:
    """Direction of a straight " from its neighbours; None when it cannot be told."""
    before = text[i - 1] if i > a else " "
    after = text[i + 1] if i + 1 < b else " "
    if (before.isspace() or before in "([{\u2014\u2013-/" or i == a) and not after.isspace():
        return True
    if (not before.isspace()) and (after.isspace() or not _is_word(after)):
        return False
    return None


TWO_APOSTROPHES = "''"


def is_two_apostrophe_mark(text: str, i: int) -> bool:
    """'' at i is a quotation mark: exactly two apostrophes, not between letters (It''s)."""
    if not text.startswith(TWO_APOSTROPHES, i) or text[i + 2 : i + 3] == "'":
        return False
    before = text[i - 1] if i > 0 else " "
    after = text[i + 2] if i + 2 < len(text) else " "
    return not (_is_word(before) and _is_word(after))


def straight_double_is_opening_pair(text: str, i: int, a: int, b: int) -> bool | None:
    """Direction of a '' mark at [i, i + 2): opening before a word, closing after one."""
    before = text[i - 1] if i > a else " "
    after = text[i + 2] if i + 2 < b else " "
    if (before.isspace() or before in "([{\u2014\u2013-/" or i == a) and not after.isspace():
        return True
    if not before.isspace() and (after.isspace() or not _is_word(after)):
        return False
    return None


def pair_double_marks(text: str, a: int, b: int, para: int) -> list[MarkedQuote]:
    """Double-mark quotes of one paragraph [a, b)."""
    quotes: list[MarkedQuote] = []
    open_at: int | None = None
    skip = -1
    for i in range(a, b):
        if i <= skip:
            continue
        ch = text[i]
        width = 1
        if ch == "'" and is_two_apostrophe_mark(text, i):
            ch, width, skip = '"', 2, i + 1
        if ch == '"':
            if width == 2:
                opening = straight_double_is_opening_pair(text, i, a, b)
            else:
                opening = straight_double_is_opening(text, i, a, b)
            if opening is None:  # ambiguous: alternate
                opening = open_at is None
        elif ch in DOUBLE_OPEN:
            opening = True
        elif ch in DOUBLE_CLOSE:
            opening = False
        else:
            continue
        if opening:
            if open_at is None:
                open_at = i
            # an opening mark inside an open quote is a stray re-opening; keep the first
        elif open_at is not None:
            quotes.append(MarkedQuote(open_at, i + width, para))
            open_at = None
        else:
            missing_open_quote(text, a, i + width - 1, para, quotes)
    if open_at is not None:
        quotes.append(MarkedQuote(open_at, b, para, open_ended=True))
    return quotes


def missing_open_quote(text, a, i, para, quotes, single=False):
    """A closing mark with no opening one: the quote starts where the paragraph (or the
    text after the previous quote) starts, but only when the mark follows sentence
    punctuation, which is how a dropped opening mark looks (``... momentum,’ he said``)."""
    if i == a or text[i - 1] not in ",.?!":
        return
    start = quotes[-1].end if quotes else a
    while start < i and not (text[start].isalnum() or text[start] in "'\u2018\u201c\""):
        start += 1
    if i + 1 - start > 2:
        quotes.append(MarkedQuote(start, i + 1, para, missing_open=True, single=single))


def single_close_candidates(text: str, i: int, b: int) -> tuple[list[int], list[int]]:
    """Positions of ’ after i that may close a single quote: (likely, possessive-looking)."""
    likely, weak = [], []
    j = text.find(SINGLE_CLOSE, i + 1, b)
    while j != -1:
        after = text[j + 1] if j + 1 < b else " "
        before = text[j - 1]
        if text.startswith(SINGLE_OPEN, j):
            break
        if not _is_word(after):  # between letters it is an apostrophe (they’re)
            if before in "sS" and after == " ":
                weak.append(j)  # Morans’ house: possessive unless nothing better comes
            elif not before.isspace():
                likely.append(j)
        j = text.find(SINGLE_CLOSE, j + 1, b)
    return likely, weak


def pair_single_marks(
    text: str, a: int, b: int, para: int, taken: list[MarkedQuote]
) -> list[MarkedQuote]:
    """British single-mark quotes of one paragraph, outside the double-mark quotes."""
    quotes: list[MarkedQuote] = []

    def inside_taken(k):
        return any(q.start <= k < q.end for q in taken)

    i = a
    while i < b:
        o = text.find(SINGLE_OPEN, i, b)
        # closing marks before the next opening one may be a dropped opening mark
        stop = o if o != -1 else b
        j = text.find(SINGLE_CLOSE, i, stop)
        while j != -1:
            after = text[j + 1] if j + 1 < b else " "
            if not _is_word(after) and not inside_taken(j) and text[j - 1] in ",.?!":
                missing_open_quote(text, a, j, para, quotes, single=True)
                if quotes and quotes[-1].end == j + 1:
                    quotes[-1].start = max(quotes[-1].start, i)
            j = text.find(SINGLE_CLOSE, j + 1, stop)
        if o == -1:
            break
        if inside_taken(o) or (o + 1 < b and (text[o + 1].isspace() or text[o + 1].isdigit())):
            # '‘19' is a year, not a quote
            i = o + 1
            continue
        nxt = text.find(SINGLE_OPEN, o + 1, b)
        limit = nxt if nxt != -1 else b
        likely, weak = single_close_candidates(text, o, limit)
        likely = [j for j in likely if not inside_taken(j)]
        weak = [j for j in weak if not inside_taken(j)]
        if likely and (not weak or likely[0] < weak[0] or limit == b):
            close = likely[0]
        elif weak:
            close = weak[0]
        else:
            close = None
        if close is None:
            quotes.append(MarkedQuote(o, b, para, open_ended=True, single=True))
            break
        quotes.append(MarkedQuote(o, close + 1, para, single=True))
        i = close + 1
    return quotes


def find_marked_quotes(text: str, paragraphs: list[tuple[int, int]]) -> list[MarkedQuote]:
    """All quotation-mark quotes of the text, in order, never crossing a paragraph."""
    out: list[MarkedQuote] = []
    for k, (a, b) in enumerate(paragraphs):
        doubles = (
            pair_double_marks(text, a, b, k)
            if _has_any(text, a, b, DOUBLE_OPEN + DOUBLE_CLOSE + '"')
            or text.find(TWO_APOSTROPHES, a, b) != -1
            else []
        )
        singles = (
            pair_single_marks(text, a, b, k, doubles)
            if text.find(SINGLE_OPEN, a, b) != -1 or text.find(SINGLE_CLOSE, a, b) != -1
            else []
        )
        # British style nests doubles inside singles: a single-mark quote that wholly
        # contains double-mark ones is the quote; otherwise singles overlapping doubles are
        # nested or spurious
        outer = [
            s
            for s in singles
            if not s.open_ended and any(s.start < d.start and d.end < s.end for d in doubles)
        ]
        doubles = [
            d for d in doubles if not any(s.start < d.start and d.end < s.end for s in outer)
        ]
        singles = [
            s
            for s in singles
            if s in outer or not any(s.start < d.end and d.start < s.end for d in doubles)
        ]
        out.extend(sorted(doubles + singles, key=lambda q: q.start))
    return out


def _has_any(text: str, a: int, b: int, chars: str) -> bool:
    return any(text.find(c, a, b) != -1 for c in chars)
