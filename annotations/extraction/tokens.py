"""Fast token lookups: find the few tokens a rule cares about without reading spaCy token
attributes one by one (attribute access per token is what makes whole-document loops slow;
one `to_array` call and a set test per integer is much cheaper)."""

from collections.abc import Iterable

import numpy
from spacy.attrs import DEP, IDX, LOWER, TAG
from spacy.strings import hash_string
from spacy.tokens import Doc


def word_hashes(words: Iterable[str]) -> frozenset[int]:
    return frozenset(hash_string(w) for w in words)


def positions_of(doc: Doc, hashes: frozenset[int]) -> list[int]:
    """Indices of the tokens whose lower-case form is one of `hashes`."""
    if len(doc) == 0:
        return []
    return [i for i, h in enumerate(doc.to_array(LOWER).tolist()) if h in hashes]


def positions_of_tags(doc: Doc, tags: tuple[str, ...], dep: str) -> list[int]:
    """Indices of the tokens with one of the fine-grained `tags` and the dependency `dep`."""
    if len(doc) == 0:
        return []
    strings = doc.vocab.strings
    arr = doc.to_array([TAG, DEP])
    mask = arr[:, 1] == strings[dep]
    tag_mask = numpy.zeros(len(doc), dtype=bool)
    for t in tags:
        tag_mask |= arr[:, 0] == strings[t]
    return numpy.nonzero(mask & tag_mask)[0].tolist()


def token_starts(doc: Doc) -> list[int]:
    """Character offset of every token."""
    if len(doc) == 0:
        return []
    return doc.to_array(IDX).tolist()
