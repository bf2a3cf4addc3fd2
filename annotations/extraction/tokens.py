"""Fast token lookups: find the few tokens a rule cares about without a Python loop over
the whole document (spaCy attribute access per token is what makes such loops slow)."""

from collections.abc import Iterable

import numpy
from spacy.attrs import IDX, LOWER
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
