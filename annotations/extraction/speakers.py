"""Speaker mentions: who is the subject of a reporting cue, and how far the mention runs."""

from spacy.tokens import Token

SUBJECT_DEPS = {"nsubj", "nsubjpass"}
RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
# descriptive heads that can speak ("the minister said") but are not names
NON_SPEAKER_SUBJECTS = {"this", "that", "which", "what", "there", "these", "those", "one",
                        "data", "figures", "numbers", "study", "survey", "poll", "research",
                        "analysis", "results", "evidence", "document", "documents", "records",
                        "law", "rule", "rules", "bill", "legislation", "policy", "plan", "story",
                        "article", "book", "film", "video", "map", "sign", "signs", "headline",
                        "i", "you", "we"}
# nouns that carry somebody else's words: "a statement by X said ..."
CARRIER_NOUNS = {"statement", "release", "email", "e-mail", "letter", "post", "tweet", "note",
                 "message", "spokesperson", "spokesman", "spokeswoman"}


def subject_of(verb: Token) -> Token | None:
    """The grammatical subject of a reporting verb, looking through coordinated and
    participle verbs ("X said ... and added", "X chastised ..., saying") and relative
    clauses ("X, who said ...")."""
    v = verb
    for _ in range(4):
        for c in v.children:
            if c.dep_ in SUBJECT_DEPS:
                if c.lower_ in RELATIVE_PRONOUNS and v.dep_ == "relcl":
                    return v.head
                return c
        if v.dep_ in ("conj", "advcl", "xcomp") and v.head is not v and v.head.pos_ in ("VERB", "AUX"):
            v = v.head
            continue
        if v.dep_ == "relcl" and v.head.pos_ in ("PROPN", "NOUN"):
            return v.head
        break
    return None


def carrier_agent(subj: Token) -> Token | None:
    """'A statement e-mailed by Reagan Ruslim said ...': the person behind the statement."""
    if subj.lower_ not in CARRIER_NOUNS:
        return None
    for t in subj.subtree:
        if t.lower_ in ("by", "from") and t.head.i in (subj.i,) or (
            t.lower_ in ("by", "from") and t.head.head.i == subj.i
        ):
            for c in t.children:
                if c.dep_ == "pobj" and c.pos_ in ("PROPN", "NOUN"):
                    return c
    return None


def is_plausible_speaker(subj: Token) -> bool:
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
        if doc[i].text in (",", "(", "\u2014", "\u2013", "-", ";", ":") or doc[i].dep_ in ("relcl", "acl"):
            right = i - 1
            break
    for i in range(head.i - 1, left - 1, -1):
        if doc[i].text in (",", "(", ")", "\u2014", "\u2013", ";", ":", '"', "\u201c", "\u201d"):
            left = i + 1
            break
    while right > head.i and (doc[right].is_punct or doc[right].is_space):
        right -= 1
    while left < head.i and (doc[left].is_punct or doc[left].is_space):
        left += 1
    return doc[left].idx, doc[right].idx + len(doc[right].text)


def name_tokens_around(head: Token) -> list[Token]:
    """The proper-name run containing `head`: its PROPN compounds ("Defence Secretary Ben
    Wallace") and a following PROPN in the same run."""
    doc = head.doc
    i, j = head.i, head.i
    while i - 1 >= 0 and doc[i - 1].pos_ == "PROPN" and doc[i - 1].dep_ in ("compound", "flat"):
        i -= 1
    while j + 1 < len(doc) and doc[j + 1].pos_ == "PROPN" and doc[j + 1].dep_ in ("compound", "flat"):
        j += 1
    return [doc[k] for k in range(i, j + 1)]
