"""Fast token lookups: find the few tokens a rule cares about without a Python loop over
the whole document (spaCy attribute access per token is what makes such loops slow)."""

from collections.abc import Iterable

import numpy
from spacy.attrs import DEP, IDX, LOWER, TAG
from spacy.strings import hash_string
from spacy.tokens import Doc


def word_hashes(words: Iterable[str]) -> numpy.ndarray:
    return numpy.array(sorted({hash_string(w) for w in words}), dtype="uint64")


def positions_of(doc: Doc, hashes: numpy.ndarray) -> list[int]:
    """Indices of the tokens whose lower-case form is one of `hashes`."""
    if len(doc) == 0:
        return []
    lower = doc.to_array(LOWER)
    return numpy.nonzero(numpy.isin(lower, hashes))[0].tolist()


def token_starts(doc: Doc) -> list[int]:
    """Character offset of every token."""
    if len(doc) == 0:
        return []
    return doc.to_array(IDX).tolist()


def positions_of_tags(doc: Doc, tags: tuple[str, ...], dep: str) -> list[int]:
    """Indices of the tokens with one of the fine-grained `tags` and the dependency `dep`."""
    if len(doc) == 0:
        return []
    arr = doc.to_array([TAG, DEP])
    strings = doc.vocab.strings
    tag_ids = numpy.array([strings[t] for t in tags], dtype="uint64")
    mask = numpy.isin(arr[:, 0], tag_ids) & (arr[:, 1] == strings[dep])
    return numpy.nonzero(mask)[0].tolist()
