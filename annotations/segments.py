"""Article text cut into pieces for highlighting, and word steps for span editing.

The review page never marks article text safe: it renders these pieces one by one with
auto-escaping, each carrying the offset where it starts so the browser can turn a text
selection back into exact article offsets.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

_WORD = re.compile(r"\S+")
_TRAILING_MARKS = re.compile(r"[\W_]+$")


@dataclass
class Segment:
    """A run of article text covered by the same quotes, mentions and cues."""

    start: int
    text: str
    quotes: list = field(default_factory=list)  # quotes whose span covers this run, outermost first
    speaker_of: list = field(default_factory=list)  # quotes whose speaker mention covers it
    cue_of: list = field(default_factory=list)  # quotes whose cue covers it

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def quote(self):
        """The innermost quote here: the one whose colour the run takes."""
        return self.quotes[-1] if self.quotes else None

    @property
    def owner(self):
        """The quote whose colour the run takes: its innermost quote, else the mention's."""
        for group in (self.quotes[::-1], self.speaker_of, self.cue_of):
            if group:
                return group[0]
        return None

    @property
    def quote_ids(self) -> str:
        return " ".join(str(q.pk) for q in self.quotes + self.speaker_of + self.cue_of)


def article_segments(text: str, quotes) -> list[Segment]:
    """Split ``text`` at every quote, speaker-mention and cue boundary and after newlines.

    Overlapping and nested quotes are handled by splitting: each piece lists every quote
    that covers it. Spans outside the text are clipped rather than trusted. Splitting
    after newlines keeps pieces short and means a browser's CR LF folding can shift at
    most the end of a piece, never the offsets the script computes inside one.
    """
    length = len(text)
    quotes = list(quotes)
    cuts = {0, length}
    spans = []  # (start, end, role, quote)
    for quote in quotes:
        for role, start, end in (
            ("quote", quote.start, quote.end),
            ("speaker", quote.speaker_start, quote.speaker_end),
            ("cue", quote.cue_start, quote.cue_end),
        ):
            if start is None or end is None:
                continue
            start, end = max(0, start), min(length, end)
            if start < end:
                spans.append((start, end, role, quote))
                cuts.update((start, end))
    cuts.update(match.end() for match in re.finditer("\n", text))
    points = sorted(c for c in cuts if 0 <= c <= length)
    # Longer quotes first, so the innermost quote ends up last in each piece's list.
    spans.sort(key=lambda s: (s[0], -s[1]))
    segments = []
    for start, end in zip(points, points[1:], strict=False):
        if start == end:
            continue
        segment = Segment(start=start, text=text[start:end])
        for s_start, s_end, role, quote in spans:
            if s_start >= end:
                break
            if s_start <= start and end <= s_end:
                {"quote": segment.quotes, "speaker": segment.speaker_of, "cue": segment.cue_of}[
                    role
                ].append(quote)
        segments.append(segment)
    return segments


def _punctuation_only(text: str) -> bool:
    return not any(char.isalnum() for char in text)


def grow_start(text: str, start: int) -> int:
    """The start moved back to the beginning of the previous token (word or mark)."""
    words = list(_WORD.finditer(text, 0, start))
    return words[-1].start() if words else start


def shrink_start(text: str, start: int, end: int) -> int:
    """The start moved forward past its first word, never reaching ``end``."""
    match = _WORD.search(text, start, end)
    if not match:
        return start
    after = match.end()
    following = _WORD.search(text, after, end)
    return following.start() if following else start


SENTENCE_END = '.!?"\u201d\u2019)'


def grow_end(text: str, end: int) -> int:
    """The end moved forward over the next word.

    Punctuation glued to the end comes first; a comma or the like brings the next word
    along (a step is a real word), a full stop or closing quotation mark does not.
    """
    match = _WORD.search(text, end)
    if not match:
        return end
    token = match.group()
    if (
        match.start() == end
        and _punctuation_only(token)
        and not any(char in SENTENCE_END for char in token)
    ):
        following = _WORD.search(text, match.end())
        if following and "\n" not in text[match.end() : following.start()]:
            return following.end()
    return match.end()


def _end_stops(text: str, start: int, end: int) -> list[int]:
    """Where an end may stop inside [start, end): after each token, and after each
    token's word when marks follow it ("spring" in 'spring,"')."""
    stops = set()
    for match in _WORD.finditer(text, start, end):
        token = match.group()
        stops.add(match.end())
        core = match.start() + len(_TRAILING_MARKS.sub("", token))
        if match.start() < core:
            stops.add(core)
    return sorted(s for s in stops if start < s < end)


def shrink_end(text: str, start: int, end: int) -> int:
    """The end moved back one step, never reaching ``start``.

    It undoes grow_end where it can (so ``}`` then ``{`` comes back to the same end, the
    quotation marks and comma a step took along included), else it goes back before the
    last word.
    """
    for stop in reversed(_end_stops(text, start, end)):
        if grow_end(text, stop) == end:
            return stop
    words = list(_WORD.finditer(text, start, end))
    if len(words) < 2:
        return end
    return words[-2].end()


# Clause steps: a quote's span most often ends where a clause or sentence ends, so one key
# moves an end there (instead of a word at a time). A clause ends before a run of , ; : –
# — . ! ? followed by a space (not "1,300" or "0.5"), or after the closing quotation marks
# that follow the run ('…democracy,”' keeps its marks, as quoted speech is spanned with
# them); a line break ends one too.
_CLAUSE_BREAK = re.compile(
    r"([,;:.!?\u2013\u2014]+)([\"\u201d\u2019\u00bb]*)(?=\s|$)|\n",
)
_SENTENCE_PUNCTUATION = ".!?"


@lru_cache(maxsize=16)
def clause_ends(text: str, *, sentences_only: bool = False) -> tuple[int, ...]:
    """Where a clause (or, with ``sentences_only``, a sentence) ends, in order."""
    stops = set()
    for match in [*_CLAUSE_BREAK.finditer(text), None]:
        if match is None or match.group() == "\n":
            # A paragraph's (or the text's) end; one after punctuation has its stop already.
            before = text[: match.start() if match else len(text)].rstrip()
            if before and before[-1] not in ",;:.!?\u2013\u2014":
                stops.add(len(before))
            continue
        punctuation, marks = match.group(1), match.group(2)
        if sentences_only and not any(c in _SENTENCE_PUNCTUATION for c in punctuation):
            continue
        if marks:
            stops.add(match.end())
        elif match.start() > 0 and not text[match.start() - 1].isspace():
            stops.add(match.start())
    return tuple(sorted(s for s in stops if s > 0))


@lru_cache(maxsize=16)
def clause_starts(text: str) -> tuple[int, ...]:
    """Where a clause starts: the text's start and the first word after each clause end
    (past the punctuation, closing marks and spaces)."""
    stops = {0}
    for match in _CLAUSE_BREAK.finditer(text):
        following = _WORD.search(text, match.end())
        if following:
            stops.add(following.start())
    return tuple(sorted(stops))


def grow_end_clause(text: str, start: int, end: int) -> int:
    """The end moved forward to the end of the clause (the next clause end after it)."""
    return next((s for s in clause_ends(text) if s > end), end)


def shrink_end_clause(text: str, start: int, end: int) -> int:
    """The end moved back to the previous clause end, never reaching ``start``."""
    return next((s for s in reversed(clause_ends(text)) if start < s < end), end)


def grow_start_clause(text: str, start: int, end: int) -> int:
    """The start moved back to the start of the clause (the previous clause start)."""
    return next((s for s in reversed(clause_starts(text)) if s < start), start)


def shrink_start_clause(text: str, start: int, end: int) -> int:
    """The start moved forward to the next clause start, never reaching ``end``."""
    return next((s for s in clause_starts(text) if start < s < end), start)
