"""Speaker mentions: who is the subject of a reporting cue, and how far the mention runs."""

from spacy.tokens import Token

from .cues import SPEECH_VERBS as REPORTING_FORMS
from .vocabulary import word_set

QUOTE_MARKS = set("\"\u201c\u201d\u2018\u2019\u00ab\u00bb'")
RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
# descriptive heads that can speak ("the minister said") but are not names
NON_SPEAKER_SUBJECTS = {
    "this",
    "that",
    "which",
    "what",
    "there",
    "these",
    "those",
    "one",
    "evidence",
    "law",
    "rule",
    "rules",
    "bill",
    "legislation",
    "policy",
    "plan",
    "story",
    "article",
    "book",
    "film",
    "video",
    "map",
    "sign",
    "signs",
    "headline",
    "i",
    "you",
    "we",
    # opinions without a holder: 'common belief says', 'conventional wisdom holds'
    "belief",
    "wisdom",
    "theory",
    "logic",
    "thinking",
    "consensus",
}
# nouns that carry somebody else's words: "a statement by X said ..."
CARRIER_NOUNS = word_set(
    """
    statement release email e-mail letter post tweet note message study report
    survey poll data numbers figures website site document documents analysis
    research review blog filing lawsuit complaint memo records results statistics
    paper decision ruling account page database budget forecast update bulletin
    notice filings
"""
)


def subject_of(verb: Token) -> Token | None:
    """The grammatical subject of a reporting verb, looking through coordinated and
    participle verbs ("X said ... and added", "X chastised ..., saying") and relative
    clauses ("X, who said ...")."""
    v = verb
    for _ in range(4):
        # with two subjects (a misparse of '<content>, he said'), the one next to the verb
        for c in sorted(v.children, key=lambda c: abs(c.i - v.i)):
            if c.dep_ == "nsubjpass":
                # 'Cable was told he had months to live': the hearer, not the speaker
                return passive_agent(v)
            if c.dep_ == "nsubj":
                if c.lower_ in RELATIVE_PRONOUNS and v.dep_ == "relcl":
                    return v.head
                return c
        if v.dep_ == "xcomp" and v.head is not v:
            # 'prompting the city to urge residents ...': the object of the head speaks
            objs = [c for c in v.head.children if c.dep_ == "dobj" and c.i < v.i]
            if objs:
                return objs[0]
        if (
            v.dep_ in ("conj", "advcl", "xcomp")
            and v.head is not v
            and v.head.pos_ in ("VERB", "AUX")
        ):
            v = v.head
            if v.dep_ == "ccomp" and v.head is not v and v.head.lower_ in REPORTING_FORMS:
                # 'X argued that the move hurt them, noting ...': noting is X's, not the move's
                v = v.head
            continue
        if (
            v.dep_ == "pcomp"
            and v.tag_ == "VBG"
            and v.head.dep_ == "prep"
            and v.head.head.pos_ in ("VERB", "AUX")
        ):
            # 'X defended the plan by saying ...': the subject of the verb the phrase is on
            v = v.head.head
            continue
        if v.dep_ == "xcomp" and v.head.pos_ == "ADJ" and v.head.head.pos_ in ("VERB", "AUX"):
            # 'the actors are quick to point out ...'
            v = v.head.head
            continue
        if v.dep_ == "relcl" and v.head.pos_ in ("PROPN", "NOUN"):
            return v.head
        if v.dep_ == "acl" and v.tag_ == "VBG" and v.head.pos_ in ("PROPN", "NOUN"):
            # 'with O'Malley calling Trump a fascist', 'a statement saying ...'
            return v.head
        break
    return adjacent_subject(v)


def subject_is_inherited(verb: Token, subj: Token) -> bool:
    """The subject belongs to another verb the cue hangs on: '..., saying the party needs
    to move on'. Such quotes have no speaker mention of their own (news annotation treats
    them as floating)."""
    return verb.tag_ == "VBG" and verb.dep_ == "advcl" and subj.head.i != verb.i


def adjacent_subject(verb: Token) -> Token | None:
    """When the parse gives the verb no subject but a name or pronoun stands right before
    it ('Vickers said' split into two sentences by the parser), that is the subject."""
    if verb.i == 0:
        return None
    prev = verb.doc[verb.i - 1]
    if "\n" in prev.whitespace_ or prev.text in QUOTE_MARKS:
        return None
    if prev.pos_ == "PROPN" or prev.lower_ in ("he", "she", "they", "it", "we"):
        return prev
    return None


def passive_agent(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ == "agent":
            for x in c.children:
                if x.dep_ == "pobj":
                    return x
    return None


def carrier_agent(subj: Token) -> Token | None:
    """Who stands behind a non-human speaker: 'a statement e-mailed by Reagan Ruslim',
    'an August report from the Budget Officer', 'her statement', 'the Civic Action study'."""
    if subj.pos_ != "NOUN" or subj.lower_ not in CARRIER_NOUNS:
        return None
    for t in subj.subtree:
        if t.lower_ in ("by", "from") and subj.i in (t.head.i, t.head.head.i):
            for c in t.children:
                if c.dep_ == "pobj" and c.pos_ == "PROPN":
                    return c
    for c in subj.children:
        if c.dep_ == "poss" and c.pos_ in ("PROPN", "PRON"):
            return c
    for c in subj.children:
        if (
            c.dep_ == "compound"
            and c.pos_ == "PROPN"
            and c.ent_type_ not in ("DATE", "TIME", "GPE")
        ):
            return c
    return None


# quantifiers standing for people ('most said they were worried', 'many argue that')
QUANTIFIER_SPEAKERS = word_set("many most several some few both all others")


def is_people_phrase(subj: Token) -> bool:
    """'one of his advisers', 'those surveyed', 'those who voted': a pronoun the phrase
    itself says is people (alone, 'one' and 'those' are rarely speakers)."""
    if subj.lower_ == "one":
        return any(
            c.dep_ == "prep" and c.lower_ == "of" and any(x.dep_ == "pobj" for x in c.children)
            for c in subj.children
        )
    if subj.lower_ == "those":
        return any(c.dep_ in ("acl", "relcl") for c in subj.children)
    return False


def is_plausible_speaker(subj: Token) -> bool:
    if subj.lower_ in QUANTIFIER_SPEAKERS or is_people_phrase(subj):
        return True
    if subj.lower_ in NON_SPEAKER_SUBJECTS:
        return False
    return subj.pos_ in ("PROPN", "PRON", "NOUN", "NUM", "X") or subj.ent_type_ in ("PERSON", "ORG")


def mention_span(head: Token) -> tuple[int, int]:
    """Character span of the mention headed by `head`: the noun phrase without its
    appositive or relative clause ("Bill Sims, the city's director" -> "Bill Sims")."""
    if head.pos_ == "PRON":
        return head.idx, head.idx + len(head.text)
    doc = head.doc
    left = head.left_edge.i
    right = head.right_edge.i
    # cut at the first comma/dash/paren after the head (appositive, relative clause)
    for i in range(head.i + 1, right + 1):
        if (
            "\n" in doc[i - 1].whitespace_
            or "\n" in doc[i].text
            or doc[i].text in QUOTE_MARKS
            or doc[i].text in (",", "(", "\u2014", "\u2013", "-", ";", ":")
            or (doc[i].dep_ in ("relcl", "acl", "amod") and doc[i].head.i == head.i)
        ):
            right = i - 1
            break
    for i in range(head.i - 1, left - 1, -1):
        if (
            "\n" in doc[i].whitespace_
            or "\n" in doc[i].text
            or doc[i].text in QUOTE_MARKS
            or doc[i].text in (",", "(", ")", "\u2014", "\u2013", ";", ":", '"', "\u201c", "\u201d")
        ):
            left = i + 1
            break
    while right > head.i and (doc[right].is_punct or doc[right].is_space):
        right -= 1
    while left < head.i and (doc[left].is_punct or doc[left].is_space):
        left += 1
    return doc[left].idx, doc[right].idx + len(doc[right].text)


def name_tokens_around(head: Token) -> list[Token]:
    """The proper-name run containing `head`: its PROPN compounds ("Defence Secretary Ben
    Wallace"), and hyphenated parts written without spaces ("Wilson-Raybould")."""
    doc = head.doc

    def joins(k: int) -> bool:  # token k continues the name run started before it
        prev = doc[k - 1]
        if (
            doc[k].pos_ == "PROPN"
            and prev.pos_ == "PROPN"
            and doc[k].dep_ in ("compound", "flat")
            or (
                prev.pos_ == "PROPN"
                and doc[k].pos_ == "PROPN"
                and prev.dep_ in ("compound", "flat")
            )
        ):
            return "\n" not in prev.whitespace_
        if (
            doc[k].text == "-"
            and not prev.whitespace_
            and k + 1 < len(doc)
            and not doc[k].whitespace_
        ):
            return True
        return prev.text == "-" and not prev.whitespace_ and doc[k].pos_ == "PROPN"

    i, j = head.i, head.i
    while i - 1 >= 0 and joins(i):
        i -= 1
    while j + 1 < len(doc) and joins(j + 1):
        j += 1
    return [doc[k] for k in range(i, j + 1)]


def name_text(head: Token) -> tuple[int, int]:
    """Character span of the proper name around `head`."""
    toks = name_tokens_around(head)
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def person_in_apposition(head: Token) -> Token | None:
    """'the director of operations, Jeff Fraser, said' -> Jeff Fraser."""
    if head.pos_ != "NOUN":
        return None
    for c in head.children:
        if c.dep_ == "appos" and c.pos_ == "PROPN":
            return c
    if head.dep_ == "appos" and head.head.pos_ == "PROPN":
        return head.head
    return None
