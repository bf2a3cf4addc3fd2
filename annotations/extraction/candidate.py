"""The record the engine hands out: one candidate quote with its attribution."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .profiles import SpeakerProfile


@dataclass(frozen=True)
class QuoteCandidate:
    """A quote found in a document, with the speaker it is attributed to.

    All offsets are Python ``str`` indices into the document text, ``[start, end)``.
    """

    start: int
    end: int
    text: str
    kind: str  # "direct" | "indirect" | "mixed"
    speaker_start: int | None
    speaker_end: int | None
    speaker_text: str  # the mention as written ("he", "Mr Wallace"); "" when floating
    speaker_name: str  # resolved canonical name ("Ben Wallace"); "" if unknown
    cue_start: int | None
    cue_end: int | None
    cue_text: str  # "said", "according to"; "" when there is none
    confidence: float  # in [0, 1]; higher means right more often
    is_floating: bool  # no speaker mention of its own; speaker taken from context
    speaker_gender: str = "unknown"  # "female" | "male" | "nonbinary" | "unknown" (profiles.py)
    speaker_profile: "SpeakerProfile | None" = None  # the evidence (profiles.py)
    version: str = ""
    speaker_type: str = "unknown"  # "person" | "organisation" | "group" | "unknown"
    alternatives: tuple[
        str, ...
    ] = ()  # other people of the article who may have said it, best first

    def to_json(self) -> dict:
        """The prediction-record quote dict (shared/data/README.md format) plus extras."""

        def span(a, b):
            return [a, b] if a is not None and b is not None else None

        return {
            "quote": self.text,
            "quote_span": [self.start, self.end],
            "speaker": self.speaker_text,
            "speaker_span": span(self.speaker_start, self.speaker_end),
            "speaker_name": self.speaker_name,
            "verb": self.cue_text,
            "verb_span": span(self.cue_start, self.cue_end),
            "kind": self.kind,
            "confidence": round(self.confidence, 4),
            "is_floating": self.is_floating,
            "speaker_type": self.speaker_type,
            "speaker_gender": self.speaker_gender,
            "extractor_version": self.version,
            "alternatives": list(self.alternatives),
        }
