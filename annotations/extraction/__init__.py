"""Quote extraction engine: finds quotes in news text and attributes them to speakers.

A plain Python package on spaCy (no Django). Public API:

    nlp = load_pipeline()
    for candidates in extract_texts(nlp, texts):
        ...
    extract(doc) -> list[QuoteCandidate]   # pure function over a parsed Doc
"""

from .candidate import QuoteCandidate
from .engine import extract
from .pipeline import DEFAULT_MODEL, add_quote_spans, extract_texts, load_pipeline
from .version import EXTRACTOR_VERSION

__all__ = [
    "DEFAULT_MODEL",
    "EXTRACTOR_VERSION",
    "QuoteCandidate",
    "add_quote_spans",
    "extract",
    "extract_texts",
    "load_pipeline",
]
