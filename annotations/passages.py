"""The passages no quote covers that look like speech, which ``a`` and ``Tab`` mark on the
review page to add a missed quote: review.js uncoveredPassages() is the same rule in
JavaScript, and each must match the other (tests/review/test_uncovered_passages.py and
tests/browser/test_review_jump_and_passages.py check both on one text). The scripted
editor (benchmarks/scripted_editor.py) counts the keys with it. No Django here.
"""

import re

from annotations import segments
from annotations.extraction.cues import QUOTE_ONLY_VERBS, SPEECH_VERBS

QUOTE_MARKS = '"\u201c\u201d\u201e\u00ab\u00bb'
WORD = re.compile(r"\S+")
NON_SPACE = re.compile(r"\S")


def uncovered_passages(text: str, covered) -> list[tuple[int, int]]:
    """review.js uncoveredPassages(): quoted passages, what follows a reporting verb to
    its sentence's end, and what a short reporting clause leaves of its sentence, that no
    quote covers; in order."""
    found = []
    for i, char in enumerate(text):
        if char not in QUOTE_MARKS or not (
            i == 0 or text[i - 1].isspace() or text[i - 1] in "([\u2013\u2014"
        ):
            continue
        for j in range(i + 1, len(text)):
            if text[j] == "\n":
                break
            if text[j] in QUOTE_MARKS and (j + 1 == len(text) or not text[j + 1].isalnum()):
                found.append((i, j + 1))
                break
    ends = segments.clause_ends(text, sentences_only=True)
    for m in WORD.finditer(text):
        verb = SPEECH_VERBS.get(m.group().lower())
        if verb is None:
            continue
        after = NON_SPACE.search(text, m.end())
        if not after or "\n" in text[m.end() : after.start()]:
            continue
        following = text[after.start() :].split(maxsplit=1)[0]
        if verb in QUOTE_ONLY_VERBS and following.lower() != "that":
            continue
        end = next((e for e in ends if e > after.start()), None)
        if end is not None:
            found.append((after.start(), end))
    found += reported_around_clauses(text)
    return sorted({(s, e) for s, e in found if not any(a < e and s < b for a, b in covered)})


CLAUSE_GAP = re.compile(r"[\s,;:.!?\u2013\u2014\"\u201d\u2019\u00bb]*")
REPORTING_CLAUSE_WORDS = 5


def _past_gap(text: str, at: int) -> int:
    """Where the next clause starts: past the punctuation, closing marks and spaces."""
    gap = CLAUSE_GAP.match(text, at)
    return gap.end() if gap else at


def reported_around_clauses(
    text: str, verbs=SPEECH_VERBS, quote_only=QUOTE_ONLY_VERBS
) -> list[tuple[int, int]]:
    """review.js reportedAroundClauses(): what a short reporting clause leaves of its
    sentence: the part before it, from the sentence's start, and the part after it, to
    the sentence's end. A reporting clause has at most five words and starts or ends
    with a reporting verb (not one that reports only with "that"), or starts with
    "according to": ", argued Ann Rowe.", ", researchers say.", "According to the county,"
    (", the city added five buses," is none)."""
    found = []
    sentence_ends = segments.clause_ends(text, sentences_only=True)
    clause_ends = segments.clause_ends(text)
    sentence_start = 0
    for sentence_end in sentence_ends:
        clauses, at = [], _past_gap(text, sentence_start)
        for end in clause_ends:
            if at < end <= sentence_end:
                clauses.append((at, end))
                at = _past_gap(text, end)
        for i, (start, end) in enumerate(clauses):
            words = [w.lower() for w in text[start:end].split()]
            if not 0 < len(words) <= REPORTING_CLAUSE_WORDS:
                continue
            reporting = any(
                w in verbs and verbs[w] not in quote_only for w in (words[0], words[-1])
            ) or words[:2] == ["according", "to"]
            if not reporting:
                continue
            if i > 0:
                found.append((clauses[0][0], clauses[i - 1][1]))
            if i < len(clauses) - 1:
                found.append((clauses[i + 1][0], clauses[-1][1]))
        sentence_start = sentence_end
    return found
