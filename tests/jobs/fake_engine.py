"""A stand-in for annotations.extraction with the same API, for tests that must not
depend on the real engine's accuracy. It finds exactly one pattern, '"...," said Name',
so the candidates a test text yields can be counted by eye.

Environment (read on every call, so subprocess workers can be steered):
FAKE_ENGINE_DELAY  seconds to spend on each text (to catch a worker mid-batch);
FAKE_ENGINE_LOG    a file that gets one line "pid<TAB>first line of text" per text seen.
A text containing EXPLODE makes it raise, like an engine bug would.
"""

import os
import re
import time

from annotations.extraction import QuoteCandidate

EXTRACTOR_VERSION = "fake-1"
SAID = re.compile(
    r"(?P<quote>\"[^\"\n]+\") (?P<cue>said) (?P<speaker>[A-Z][\w']+(?: [A-Z][\w']+)*)"
)


def load_pipeline(model_name=None):
    return "fake pipeline"


def candidates_in(text: str) -> list[QuoteCandidate]:
    return [
        QuoteCandidate(
            start=m.start("quote"),
            end=m.end("quote"),
            text=m["quote"],
            kind="direct",
            speaker_start=m.start("speaker"),
            speaker_end=m.end("speaker"),
            speaker_text=m["speaker"],
            speaker_name=m["speaker"],
            cue_start=m.start("cue"),
            cue_end=m.end("cue"),
            cue_text=m["cue"],
            confidence=0.9,
            is_floating=False,
            version=EXTRACTOR_VERSION,
        )
        for m in SAID.finditer(text)
    ]


def extract_texts(nlp, texts, *, batch_size=16, n_process=1):
    delay = float(os.environ.get("FAKE_ENGINE_DELAY", "0"))
    log = os.environ.get("FAKE_ENGINE_LOG")
    for text in texts:
        if "EXPLODE" in text:
            raise RuntimeError("the fake engine cannot read this article")
        if delay:
            time.sleep(delay)
        if log:
            with open(log, "a") as f:
                f.write(f"{os.getpid()}\t{text.splitlines()[0]}\n")
        yield candidates_in(text)
