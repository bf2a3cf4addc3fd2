"""Speaker names: cleaning, matching keys and merge scores. Pure functions, no database.

The engine hands over names as written or as it resolved them ("Defence Secretary Ben
Wallace", "Mr Wallace's", "Sen. Lisa Murkowski"). ``name_key`` reduces a name to what
identifies the person ("ben wallace"), so the same person gets the same key in every
article. ``name_key`` is ``models.normalize_name`` of ``clean_name``, so a Speaker created
with ``name=clean_name(x)`` gets exactly ``normalized_name == name_key(x)`` from its save().

Matching is deliberately conservative. A key of one word ("wallace") is resolved to a full
name only inside one article, where that article names exactly one Wallace; across articles
it never joins a full-name speaker by itself. Whatever may be the same person but is not
certain becomes a merge suggestion (``merge_score``, with rapidfuzz) for an editor.
"""

import re
from collections.abc import Iterable

from rapidfuzz import fuzz

from .extraction.vocabulary import NAME_PREFIX_WORDS
from .models import normalize_name, strip_format_characters


def _words(text: str) -> list[str]:
    return text.split()


# Titles, honorifics and offices that precede a name. Compared dot-free and case-folded,
# word by word, so multi-word offices ("Prime Minister", "Defence Secretary") are covered
# by their words. Only leading words are removed, and never the last word of a name.
TITLE_WORDS = NAME_PREFIX_WORDS
# Offices whose second word is also a common word in names ("General Motors").
TITLE_PHRASES = frozenset(
    (
        "attorney general",
        "surgeon general",
        "governor general",
        "secretary general",
        "solicitor general",
        "inspector general",
        "major general",
        "lieutenant general",
        "brigadier general",
    )
)
# After a name: post-nominals that say nothing about who the person is.
SUFFIX_WORDS = frozenset(_words("mp mpp mla msp mep qc kc phd md obe mbe cbe"))
# Last words that name a kind of body, not a family: "Campaign group" and "Group", or
# "City council" and "Council", share one without being one speaker.
COLLECTIVE_NOUNS = frozenset(
    _words(
        """
    group groups council party union committee commission ministry department government
    police office company association campaign board court agency bank institute service
    authority federation league coalition alliance trust foundation society club network
    team staff officials residents workers spokesperson spokesman spokeswoman
    """
    )
)
PRONOUNS = frozenset(
    _words(
        """
    he she they it we i you him her them his hers their theirs its one who someone
    somebody everyone anyone nobody this that these those
    """
    )
)

_POSSESSIVE = re.compile(r"(?:['\u2019]s|(?<=s)['\u2019])$", re.IGNORECASE)
_EDGE_PUNCTUATION = " \t\n,;:!?\"'()[]{}\u201c\u201d\u2018\u2019-\u2013\u2014"


def _bare(word: str) -> str:
    return word.replace(".", "").casefold()


def clean_name(raw: str) -> str:
    """The name without titles, possessive, post-nominals or surrounding punctuation.

    >>> clean_name("Defence Secretary Ben Wallace's")
    'Ben Wallace'
    >>> clean_name("Sen. Lisa Murkowski")
    'Lisa Murkowski'
    """
    words = " ".join(strip_format_characters(raw or "").split()).strip(_EDGE_PUNCTUATION).split(" ")
    if words and words[-1]:
        words[-1] = _POSSESSIVE.sub("", words[-1]).rstrip(".,")
    words = [w for w in words if w.strip(_EDGE_PUNCTUATION)]
    # Leading lower-case words ("former", "the") and titles go, as long as a word is left.
    while len(words) > 1:
        if len(words) > 2 and f"{_bare(words[0])} {_bare(words[1])}" in TITLE_PHRASES:
            del words[:2]
        elif _bare(words[0]) in TITLE_WORDS or words[0][:1].islower():
            words.pop(0)
        else:
            break
    while len(words) > 1 and _bare(words[-1]) in SUFFIX_WORDS:
        words.pop()
    return " ".join(w.strip(",") for w in words).strip(_EDGE_PUNCTUATION)


def name_key(raw: str) -> str:
    """The matching key: the cleaned name case-folded and accent-free ("ben wallace")."""
    return normalize_name(clean_name(raw))


def is_name(raw: str) -> bool:
    """Whether ``raw`` names someone (a person or an organisation), rather than being a
    pronoun ("he") or a description ("the minister", "officials")."""
    cleaned = clean_name(raw)
    if not cleaned or _bare(cleaned) in PRONOUNS or _bare(cleaned) in TITLE_WORDS:
        return False
    return any(word[:1].isupper() for word in cleaned.split())


def surname(key: str) -> str:
    return key.rsplit(" ", 1)[-1]


def mention_refers_to(mention: str, keys: Iterable[str]) -> bool:
    """Whether a speaker mention can refer to the person whose name keys (name and
    aliases) are ``keys``: a pronoun or a description ("he", "the minister") can refer to
    anyone, so the engine's mention stands; a name must be one of theirs or their surname
    ("Osei", "Mr Osei" for "Mark Osei")."""
    if not is_name(mention):
        return True
    key = name_key(mention)
    return any(key in (k, surname(k)) or surname(key) == surname(k) for k in keys if k)


MENTION_WINDOW = 400


def find_mention(text: str, start: int, end: int, names: Iterable[str]) -> tuple[int, int] | None:
    """The nearest place around the quote [start, end) where ``names`` (a speaker's name,
    aliases and surname) are written, outside the quote: where the text names its speaker.
    """
    best = None
    low, high = max(0, start - MENTION_WINDOW), min(len(text), end + MENTION_WINDOW)
    for name in {n for n in names if n and len(n) > 1}:
        pattern = re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)")
        for match in pattern.finditer(text, low, high):
            if match.start() < end and start < match.end():
                continue  # inside the quote: the quote is not its own attribution
            gap = max(0, start - match.end(), match.start() - end)
            # The longer name wins a tie ("Mark Osei" over "Osei" at the same place).
            rank = (gap, -len(name))
            if best is None or rank < best[0]:
                best = (rank, (match.start(), match.end()))
    return best[1] if best else None


def resolve_in_article(keys: Iterable[str]) -> dict[str, str]:
    """Within one article, map one-word keys to the only full name that ends with them.

    An article that says "Ben Wallace" and later "Mr Wallace" means one person; one that
    also names "Jane Wallace" is ambiguous, and "wallace" is left as it is.
    """
    keys = set(keys)
    full_by_surname: dict[str, set[str]] = {}
    for key in keys:
        if " " in key:
            full_by_surname.setdefault(surname(key), set()).add(key)
    resolved = {}
    for key in keys:
        if " " not in key and len(full_by_surname.get(key, ())) == 1:
            resolved[key] = next(iter(full_by_surname[key]))
    return resolved


def _first_names_compatible(a: str, b: str) -> bool:
    """Whether first names may be one: B/Ben, Ben/Benjamin, Jon/John; not John/Jane."""
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    return a.startswith(b) or b.startswith(a) or fuzz.ratio(a, b) >= 85


def merge_score(a: str, b: str) -> tuple[float, str] | None:
    """How likely two keys name the same person (0-100) and why, or None if unlikely.

    Never used to merge by itself: a score makes a suggestion that an editor decides.
    """
    if not a or not b or a == b:
        return None
    words_a, words_b = a.split(), b.split()
    if words_a[-1] == words_b[-1]:
        if words_a[-1] in COLLECTIVE_NOUNS:
            return None  # "campaign group" and "group": a kind, not a surname
        if len(words_a) == 1 or len(words_b) == 1:
            return 70.0, f"only the surname '{words_a[-1]}' is given for one of them"
        if _first_names_compatible(words_a[0], words_b[0]):
            return float(fuzz.token_sort_ratio(a, b)), "same surname, similar first name"
        return None  # two different Smiths
    score = fuzz.ratio(a, b)
    if score >= 88:
        return float(score), "names spelled almost alike"
    return None


def similar_key_filters(key: str) -> list[tuple[str, str]]:
    """(lookup, value) pairs that find the stored keys ``merge_score`` could match: the same
    surname, the same first word, or the one-word key itself."""
    words = key.split()
    filters = [("normalized_name__endswith", " " + words[-1]), ("normalized_name", words[-1])]
    if len(words) > 1:
        filters.append(("normalized_name__startswith", words[0] + " "))
    return filters
