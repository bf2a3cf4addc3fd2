"""Which verb frames introduce reported speech: learned from gold, shipped as data.

A reporting verb introduces speech through one of its complements, and whether that
complement is speech depends on the verb and the kind of complement (its *frame*):
``said (that) ...`` always, ``asked whether ...`` yes but ``asked for a delay`` not in
every annotation, ``announced plans to ...``, ``called for ...``, ``vowed to ...``. A frame is
named by the complement's dependency and its first word:

| frame | example |
| --- | --- |
| `ccomp_that` / `ccomp_wh` / `ccomp` | said that ..., asked whether ..., suggested he ... |
| `xcomp_to` / `obj_to` | vowed to ..., urged residents to ... |
| `dobj` | announced plans to sue, described the reason for ... |
| `dobj_oprd` | called the plan a mistake, described it as reckless |
| `prep_<word>` | called for ..., spoke about ..., commented on ... |
| `passive` | the move was first reported by MSNBC |
| `before` / `inserted` | ..., she said. / It is, he said, a mistake |
| `nosubj:<frame>` | it was revealed that ..., Asked whether ..., X was asked to ... (no speaker) |
| `noun:<frame>` | Trump's calls for ..., his promise to ..., the claim that ... (a cue noun) |

`data/speech_frames.json` holds, for each (verb, frame) seen often enough in the
development parts of the gold sets, how often its content is a gold quote, and whether
the frame is accepted. It is rebuilt by ``python -m annotations.extraction.train_frames``
(see that module for the rule); a (verb, frame) pair it does not list falls back to the
hand rules: clause frames are speech unless the verb needs an explicit *that*
(cues.QUOTE_ONLY_VERBS), object and preposition frames are not; a `nosubj:` or `noun:`
frame of a cue the gold has seen too rarely takes the frame's pooled decision over all cues
(`*|<frame>`), else it is not speech.
"""

import json
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Token

from .cues import DIRECTIVE_VERBS, QUOTE_ONLY_VERBS

FRAMES_FILE = Path(__file__).resolve().parent / "data" / "speech_frames.json"
WH_WORDS = {"whether", "if", "why", "how", "what", "who", "whom", "when", "where", "which"}
CLAUSE_FRAMES = {"ccomp_that", "ccomp_wh", "ccomp", "xcomp_to", "obj_to", "before", "inserted"}
# prepositions whose object can be what was said ('called for', 'spoke about')
CONTENT_PREPOSITIONS = {"about", "for", "on", "of", "to", "against", "upon", "over"}
# frame prefixes of cues with no speaker of their own ('it was revealed that ...') and of
# cue nouns ('calls for ...'): speech only where the gold says so
SUBJECTLESS = "nosubj:"
NOUN_CUE = "noun:"
# the cue of the pooled rows ('*|nosubj:ccomp'): a frame over all cues
ANY_CUE = "*"


def clause_frame(complement: Token) -> str:
    """The frame of a clausal complement: by its first word ('that', a wh-word, none)."""
    first = complement.left_edge
    if first.lower_ == "that" or any(
        c.dep_ == "mark" and c.lower_ == "that" for c in complement.children
    ):
        return "ccomp_that"
    if first.lower_ in WH_WORDS:
        return "ccomp_wh"
    return "ccomp"


def object_contents(verb: Token) -> list[tuple[str, Token, Token]]:
    """The object and preposition complements after a verb, as (frame, first token, last
    token): 'announced [plans to sue]', 'called [the plan a mistake]', 'called for [...]'."""
    out = []
    children = [c for c in verb.children if c.i > verb.i]
    dobj = next((c for c in children if c.dep_ == "dobj"), None)
    oprd = next((c for c in children if c.dep_ == "oprd"), None)
    if dobj is not None and oprd is not None and oprd.i > dobj.i:
        out.append(("dobj_oprd", dobj.left_edge, oprd.right_edge))
    elif dobj is not None:
        as_phrase = next(
            (c for c in children if c.dep_ == "prep" and c.lower_ == "as" and c.i > dobj.i), None
        )
        if as_phrase is not None:
            out.append(("dobj_oprd", dobj.left_edge, as_phrase.right_edge))
        else:
            out.append(("dobj", dobj.left_edge, dobj.right_edge))
    for c in children:
        if c.dep_ == "prep" and c.lower_ in CONTENT_PREPOSITIONS and c.i <= verb.i + 2:
            objs = [x for x in c.children if x.dep_ in ("pobj", "pcomp")]
            if objs:
                out.append((f"prep_{c.lower_}", objs[0].left_edge, objs[0].right_edge))
        elif c.dep_ == "advcl" and c.left_edge.lower_ == "for" and c.left_edge.i == verb.i + 1:
            # 'called for the city to close the road': a for-to clause the parse hangs on
            # the verb
            out.append(("prep_for", verb.doc[c.left_edge.i + 1], c.right_edge))
    subject = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    if subject is not None and any(c.dep_ == "agent" for c in verb.children):
        # 'the move was first reported by MSNBC': the passive subject is what was said
        out.append(("passive", subject.left_edge, subject.right_edge))
    return out


@lru_cache(maxsize=1)
def learned_frames(path: str = str(FRAMES_FILE)) -> dict[str, bool]:
    """'verb|frame' -> accepted, from the shipped file ({} when it is missing)."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    return {key: bool(row["accepted"]) for key, row in data.get("frames", {}).items()}


def frame_accepted(base: str, frame: str, has_that: bool) -> bool:
    """Whether the content of `base` in `frame` is reported speech: what the gold says
    where it says enough, else the hand rule."""
    frames = learned_frames()
    learned = frames.get(f"{base}|{frame}")
    if learned is None and frame.startswith((SUBJECTLESS, NOUN_CUE)):
        learned = frames.get(f"{ANY_CUE}|{frame}", False)
    if learned is not None:
        return learned
    if frame not in CLAUSE_FRAMES:  # SUBJECTLESS and NOUN_CUE frames among them
        return False
    if frame in ("xcomp_to", "obj_to") and base not in DIRECTIVE_VERBS:
        return False
    return base not in QUOTE_ONLY_VERBS or has_that
