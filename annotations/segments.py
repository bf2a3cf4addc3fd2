"""Article text cut into pieces for highlighting, and word steps for span editing.

The review page never marks article text safe: it renders these pieces one by one with
auto-escaping, each carrying the offset where it starts so the browser can turn a text
selection back into exact article offsets.
"""

import re
from dataclasses import dataclass, field

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
