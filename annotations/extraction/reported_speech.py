"""Reporting events from the dependency parse: a cue, its speaker and its content.

``X said (that) ...``, ``X told reporters ...``, ``X urged people to ...``,
``..., X said.`` (content before the cue), ``according to X, ...``. The content may hold
quotation marks; the engine decides later whether an event is a direct quote's cue, a
mixed quote or plain indirect speech.
"""

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from .cues import DIRECTIVE_VERBS, QUOTE_ONLY_VERBS, SPEECH_VERBS
from .frames import (
    CONTENT_PREPOSITIONS,
    NOUN_CUE,
    SUBJECTLESS,
    clause_frame,
    frame_accepted,
    object_contents,
)
from .speakers import is_plausible_speaker, subject_of
from .tokens import positions_of, word_hashes

# particles that belong to the cue: 'pointed out', 'went on'
PARTICLES = {"point": "out", "go": "on"}
# verbs that close a sentence of reported content: '..., he said.', '..., she added.'
INVERSION_VERBS = {
    "say",
    "add",
    "tell",
    "note",
    "explain",
    "write",
    "argue",
    "continue",
    "insist",
    "warn",
    "claim",
    "state",
    "confirm",
    "admit",
    "recall",
    "report",
}
SPEECH_HASHES = word_hashes(SPEECH_VERBS)
ACCORDING_HASHES = word_hashes(["according"])
TRAILING_JUNK = " \t.,;:\u2013\u2014-"


@dataclass
class Report:
    cue: Token  # first token of the cue
    cue_end: Token  # last token of the cue ("according to")
    speaker: Token | None  # head of the speaker mention
    content: tuple[int, int] | None  # char span of the reported content
    base: str  # base form of the cue ("say", "according to")
    frame: str = ""  # how the content hangs on the cue (frames.py)

    @property
    def cue_span(self) -> tuple[int, int]:
        return self.cue.idx, self.cue_end.idx + len(self.cue_end.text)


def subtree_span(t: Token) -> tuple[int, int]:
    a, b = t.left_edge, t.right_edge
    return a.idx, b.idx + len(b.text)


def trim(text: str, a: int, b: int) -> tuple[int, int]:
    """Strip whitespace and trailing sentence punctuation (but keep closing quote marks)."""
    while a < b and text[a] in " \t,;:\u2013\u2014":
        a += 1
    while b > a and text[b - 1] in TRAILING_JUNK:
        b -= 1
    return a, b


def cut_trailing_attribution(doc: Doc, a: int, b: int) -> int:
    """'... get the best result, The Times reports.': a second source cited at the end of the
    content is not part of what was said. Returns the new end."""
    span = doc.char_span(a, b, alignment_mode="expand")
    if span is None:
        return b
    for t in span:
        # '..., saying the party needs to move on': a second report hanging off the content
        if (
            t.tag_ == "VBG"
            and t.lower_ in SPEECH_VERBS
            and t.i > span.start + 2
            and doc[t.i - 1].text == ","
            and not doc[t.i - 1].idx < a
        ):
            return doc[t.i - 1].idx
        # '... met in 90 per cent of cases but Chapman says that is not so': another speaker's
        # report joined by a conjunction ends this content
        if t.lower_ in SPEECH_VERBS and t.i > span.start + 2 and t.pos_ == "VERB":
            subj = next((c for c in t.children if c.dep_ == "nsubj"), None)
            if subj is not None and subj.i < t.i and subj.left_edge.i - 1 > span.start:
                joint = doc[subj.left_edge.i - 1]
                if joint.lower_ in ("but", "and", "while", "whereas", ";"):
                    return doc[joint.i - 1].idx if doc[joint.i - 1].text == "," else joint.idx
    for t in reversed(list(span)[-8:]):
        if t.lower_ in SPEECH_VERBS and t.i > span.start + 2:
            subj = subject_of(t)
            if subj is not None and subj.i < t.i:
                left = subj.left_edge.i - 1
                if left > span.start and doc[left].text == ",":
                    return doc[left].idx
    return b


def clause_before(verb: Token, subj: Token) -> tuple[int, int] | None:
    """Content placed before an inverted cue: 'It is on his watch, Scheer said, that ...'
    or 'More than 800 crews will work around the clock, the utility said.'"""
    sent = verb.sent
    first = min(subj.left_edge.i, verb.i)
    if first - 1 <= sent.start or verb.doc[first - 1].text != ",":
        return None
    a = sent[0].idx
    b = verb.doc[first - 1].idx
    return (a, b) if b - a > 0 else None


def inserted_cue(verb: Token, subj: Token, end: Token) -> list[tuple[int, int]] | None:
    """'It is on his watch, Scheer said, that the country is divided.': a cue set off by
    commas inside the sentence it reports; both sides are content."""
    doc = verb.doc
    first = min(subj.left_edge.i, verb.i)
    sent = verb.sent
    if first - 1 <= sent.start or doc[first - 1].text != ",":
        return None
    after = end.i + 1
    if after >= sent.end or doc[after].text != "," or subj.pos_ not in ("PROPN", "PRON"):
        return None
    if subj.i > verb.i and subj.i != verb.i + 1:
        return None
    spans = [(sent[0].idx, doc[first - 1].idx)]
    rest = doc[after + 1 : sent.end]
    if len(rest) > 2:
        spans.append((rest[0].idx, rest[-1].idx + len(rest[-1].text)))
    return spans


def content_of(
    verb: Token, base: str, subj: Token, end: Token, accept=frame_accepted
) -> list[tuple[str, tuple[int, int]]]:
    """The reported content of a speech verb as (frame, character span) pairs (usually one;
    frames.py names them)."""
    inserted = inserted_cue(verb, subj, end)
    if inserted:
        return [("inserted", span) for span in inserted]
    ccomps = [c for c in verb.children if c.dep_ == "ccomp"]
    right = [c for c in ccomps if c.i > verb.i]
    left = [c for c in ccomps if c.i < verb.i]
    if right:
        return [(clause_frame(right[0]), subtree_span(right[0]))]
    for c in verb.children:
        if c.dep_ == "xcomp" and c.i > verb.i and any(x.lower_ == "to" for x in c.children):
            has_object = any(x.dep_ == "dobj" and x.i < c.i for x in verb.children)
            frame = "obj_to" if has_object else "xcomp_to"
            # a directive verb's 'to' clause is its content (speech or not, find_reports
            # decides); another verb's only where the gold says it is speech
            if base in DIRECTIVE_VERBS or accept(base, frame, False):
                # '... urged residents to conserve water so there would be enough': the
                # purpose clause hanging on the cue belongs to what was urged
                last_i = max(
                    c.right_edge.i,
                    *(
                        x.right_edge.i
                        for x in verb.children
                        if x.i > c.i and x.dep_ == "advcl" and x.tag_ != "VBG"
                    ),
                    c.right_edge.i,
                )
                last = verb.doc[last_i]
                return [(frame, (c.left_edge.idx, last.idx + len(last.text)))]
    group_start = min(subj.left_edge.i, verb.i)
    before = verb.doc[group_start - 1] if group_start > 0 else None
    # content before the cue must end right before the subject/cue group, at a comma or a
    # closing quote mark ('..., the utility said', '“...,” she said')
    if before is None or before.text not in {
        ",",
        "\u201d",
        "\u2019",
        '"',
        "'",
    }:
        return []
    if left:
        c = left[0]
        a, b = subtree_span(c)
        return [("before", (a, min(b, before.idx)))]
    if subj.i < verb.i and (
        verb.dep_ == "parataxis"
        or (base in INVERSION_VERBS and subj.right_edge.i == verb.i - 1 and ends_sentence(verb))
    ):
        span = clause_before(verb, subj)
        return [("before", span)] if span else []
    return []


def ends_sentence(verb: Token) -> bool:
    """'..., he said in an interview.': nothing but adjuncts after the cue."""
    rest = verb.doc[verb.i + 1 : verb.sent.end]
    return len(rest) <= 8 and not any(t.pos_ in ("VERB", "AUX") for t in rest)


def according_to_reports(doc: Doc, text: str) -> list[Report]:
    """'according to X, ...' and '..., according to X.'"""
    out = []
    for i in positions_of(doc, ACCORDING_HASHES):
        t = doc[i]
        if t.i + 1 >= len(doc) or doc[t.i + 1].lower_ != "to":
            continue
        to = doc[t.i + 1]
        objs = [c for c in to.children if c.dep_ == "pobj"] or [
            c for c in t.children if c.dep_ == "pobj"
        ]
        if not objs:
            continue
        src = objs[0]
        sent = t.sent
        phrase_end = max(src.right_edge.i, to.i)
        if t.i == sent.start or (
            t.i - 1 >= sent.start and doc[t.i - 1].is_punct and t.i - 1 == sent.start
        ):
            # 'According to X, content.': the content starts after the phrase's comma (the
            # parse sometimes hangs the content's subject on X as an apposition)
            comma = next((k for k in range(to.i + 1, sent.end) if doc[k].text == ","), None)
            start = comma + 1 if comma is not None and comma <= phrase_end + 1 else phrase_end + 1
            if start >= sent.end:
                continue
            a, b = doc[start].idx, sent[-1].idx + len(sent[-1].text)
        else:
            a, b = sent[0].idx, t.idx
        a, b = trim(text, a, b)
        b = cut_trailing_attribution(doc, a, b)
        out.append(Report(t, to, src, (a, b), "according to", "according_to"))
    return out


def person_left_of(verb: Token, inside_quote) -> Token | None:
    """The parse put the subject inside a quotation ('Doug Purdy, who lost “two belt
    loops”, says ...'): take the nearest named person before the verb instead."""
    # the sentence splitter may have cut the subject off ('who lost 16 lbs. ... says')
    start = max(verb.sent.start - 20, 0)
    doc = verb.doc
    for e in reversed(doc.ents):
        if e.end <= verb.i and e.start >= start and e.label_ in ("PERSON", "ORG"):
            if any("\n" in t.whitespace_ for t in doc[e.end - 1 : verb.i]):
                return None
            if not inside_quote(e.start_char):
                return e.root
    return None


def is_put_to_subject(verb: Token) -> bool:
    """A participle with no subject or auxiliary of its own ('Asked whether she would
    resign, the minister replied', 'When told of the ruling, ...'): the subject it hangs on
    is who was asked or told, not who spoke."""
    return (
        verb.tag_ == "VBN"
        and verb.dep_ in ("advcl", "acl")
        and not any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in verb.children)
    )


def find_reports(doc: Doc, text: str, inside_quote, accept=frame_accepted) -> list[Report]:
    """Every reporting event outside quotation marks, in text order. `accept(base, frame,
    has_that)` decides which frames' contents are speech (training passes one that keeps
    every frame, to label them)."""
    out: list[Report] = []
    for i in positions_of(doc, SPEECH_HASHES):
        t = doc[i]
        base = SPEECH_VERBS[t.lower_]
        if inside_quote(t.idx):
            continue
        if t.pos_ == "NOUN":
            # 'Republican calls for a special prosecutor', 'his promise to cut taxes'
            out.extend(noun_reports(t, base, text, inside_quote, accept))
            continue
        if t.pos_ not in ("VERB", "AUX"):
            continue
        subj = subject_of(t)
        if subj is not None and inside_quote(subj.idx):
            subj = person_left_of(t, inside_quote)
        if subj is None:
            # 'it was revealed that ...', 'Asked what should be done, ...': no speaker
            out.extend(subjectless_reports(t, base, text, inside_quote, accept))
            continue
        if not is_plausible_speaker(subj):
            continue
        end = t
        if t.i + 1 < len(doc) and doc[t.i + 1].lower_ == PARTICLES.get(base):
            end = doc[t.i + 1]  # 'point out', 'go on'
        elif base == "go":
            continue
        # 'Asked whether she would resign, the minister ...': not what the minister said
        put_to_subject = is_put_to_subject(t)
        if put_to_subject:
            # what was asked is reported without a speaker (the subject only heard it)
            out.extend(subjectless_reports(t, base, text, inside_quote, accept))
        framed = [] if put_to_subject else content_of(t, base, subj, end, accept)
        if not framed and not put_to_subject:
            # 'announced plans to sue', 'called for a recount': an object as the content;
            # a name given in marks is the subject's own words ('described the plan as
            # “reckless”'), a quote of its own (engine.naming_cue)
            framed = [
                (frame, (first.idx, last.idx + len(last.text)))
                for frame, first, last in object_contents(t)
                if not inside_quote(first.idx)
                and not (
                    frame == "dobj_oprd"
                    and any(inside_quote(x.idx) for x in doc[first.i : last.i + 1])
                )
            ]
        contents = accepted_contents(doc, text, base, framed, accept)
        for frame, content in contents or [("", None)]:
            out.append(Report(t, end, subj, content, base, frame))
    out.extend(according_to_reports(doc, text))
    out.sort(key=lambda r: r.cue.i)
    return out


def accepted_contents(
    doc: Doc, text: str, base: str, framed: list[tuple[str, tuple[int, int]]], accept
) -> list[tuple[str, tuple[int, int]]]:
    """The framed contents trimmed, without a second source cited at their end, and only
    those whose (verb, frame) is speech."""
    contents = []
    for frame, (a, b) in framed:
        a, b = trim(text, a, b)
        b = cut_trailing_attribution(doc, a, b)
        a, b = trim(text, a, b)
        if b <= a:
            continue
        # 'describes', 'asks' ...: some verbs count their clause only with an explicit
        # 'that'; which frames of which verbs are speech is learned (frames.py)
        has_that = base in QUOTE_ONLY_VERBS and any(
            x.dep_ == "mark" and x.lower_ == "that"
            for x in doc.char_span(a, b, alignment_mode="expand") or []
        )
        if accept(base, frame, has_that):
            contents.append((frame, (a, b)))
    return contents


def complement_contents(verb: Token, inside_quote) -> list[tuple[str, tuple[int, int]]]:
    """The contents after a cue that has no speaker of its own: its clause, its 'to'
    clause, else its objects (frames.py names them)."""
    right = [c for c in verb.children if c.dep_ == "ccomp" and c.i > verb.i]
    if right:
        return [(clause_frame(right[0]), subtree_span(right[0]))]
    for c in verb.children:
        if c.dep_ == "xcomp" and c.i > verb.i and any(x.lower_ == "to" for x in c.children):
            has_object = any(x.dep_ == "dobj" and x.i < c.i for x in verb.children)
            return [("obj_to" if has_object else "xcomp_to", subtree_span(c))]
    return [
        (frame, (first.idx, last.idx + len(last.text)))
        for frame, first, last in object_contents(verb)
        if frame != "passive" and not inside_quote(first.idx)
    ]


def subjectless_reports(
    verb: Token, base: str, text: str, inside_quote, accept=frame_accepted
) -> list[Report]:
    """Reports with no speaker: 'it was revealed that ...', 'Sanders was asked to name ...',
    'Asked what should be done, ...'. Their frames are `nosubj:<frame>`; the hand rules
    accept none of them, the gold decides (frames.py)."""
    framed = [
        (SUBJECTLESS + frame, span) for frame, span in complement_contents(verb, inside_quote)
    ]
    contents = accepted_contents(verb.doc, text, base, framed, accept)
    return [Report(verb, verb, None, content, base, frame) for frame, content in contents]


def noun_speaker(noun: Token) -> Token | None:
    """Whose call or promise a cue noun is: 'Trump's call for ...', 'Republican calls for
    ...' (None when the phrase does not say, and for a possessive pronoun, 'his call',
    which the resolution rules do not read)."""
    for c in noun.children:
        if c.dep_ == "poss" and c.pos_ in ("PROPN", "NOUN"):
            return c
    for c in noun.children:
        if (
            c.dep_ in ("compound", "amod")
            and c.i < noun.i
            and (c.pos_ == "PROPN" or c.ent_type_ in ("NORP", "PERSON", "ORG"))
        ):
            return c
    return None


def noun_contents(noun: Token) -> list[tuple[str, tuple[int, int]]]:
    """What a cue noun reports: 'calls [for a recount]', 'the claim [that ...]', 'his
    promise [to cut taxes]', 'comments [on the ruling]'."""
    out = []
    for c in noun.children:
        if c.i < noun.i:
            continue
        if c.dep_ == "prep" and c.lower_ in CONTENT_PREPOSITIONS and c.i == noun.i + 1:
            objs = [x for x in c.children if x.dep_ in ("pobj", "pcomp")]
            if objs:
                out.append((f"prep_{c.lower_}", subtree_span(objs[0])))
        elif c.dep_ in ("acl", "ccomp", "relcl") and c.pos_ in ("VERB", "AUX"):
            if any(x.lower_ == "to" and x.dep_ == "aux" for x in c.children):
                out.append(("acl_to", subtree_span(c)))
            elif c.dep_ != "relcl" and clause_frame(c) == "ccomp_that":
                out.append(("ccomp_that", subtree_span(c)))
    return out[:1]


def noun_reports(
    noun: Token, base: str, text: str, inside_quote, accept=frame_accepted
) -> list[Report]:
    """Reports whose cue is a noun ('calls for', 'a promise to', 'the claim that'): frames
    `noun:<frame>`, which only the gold accepts (frames.py)."""
    speaker = noun_speaker(noun)
    if speaker is not None and (inside_quote(speaker.idx) or not is_plausible_speaker(speaker)):
        speaker = None
    framed = [
        (NOUN_CUE + frame, span) for frame, span in noun_contents(noun) if not inside_quote(span[0])
    ]
    contents = accepted_contents(noun.doc, text, base, framed, accept)
    return [Report(noun, noun, speaker, content, base, frame) for frame, content in contents]
