"""Who the speakers are: type, gender with its evidence, role and affiliation.

Pure functions over a parsed Doc and the engine's candidates (no Django). For each
speaker name of an article, ``speaker_profiles`` reads, in this order of strength:

  * gendered titles written before the name ("Ms Lowe", "Sir Keir", "Dame Judi", "Mx"),
    and gendered nouns written as the person's title or description ("spokeswoman Ann
    Lowe", "Ann Lowe, a mother of three", "her father, Khaled");
  * pronouns that refer to the person: "she said" attributed to them by the engine, and
    the first he/she/his/her after a mention of them when they are the only person named
    in the text just before it ("Ann Lowe arrived. Her office said ..."), by majority;
  * first-name statistics (nomquamgender's data), used only when the text says nothing;
    a first name the data calls ambiguous ("Jean", "Leslie") stays unknown.

Text evidence beats name statistics. The type is the engine's ``speaker_type`` when it
gives one, else derived here from the named-entity label of the speaker's mentions.
Roles and affiliations come from appositions ("Ben Wallace, the Defence Secretary"),
titles before the name ("Harbour Transit chief executive Ann Lowe") and "of" phrases
("Ann Lowe of Harbour Transit").
"""

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from .candidate import QuoteCandidate
from .coreference import PERSON_ROLE_NOUNS, TITLE_WORDS, fold, name_words, strip_titles
from .first_names import first_name_gender
from .vocabulary import ORGANISATION_HEADS, word_set

PERSON, ORGANISATION, GROUP, UNKNOWN = "person", "organisation", "group", "unknown"
FEMALE, MALE, NONBINARY = "female", "male", "nonbinary"
# gender_source values, strongest first (annotations.models.GenderSource)
TITLE, PRONOUN, NAME, NONE = "title", "pronoun", "name", "none"
SOURCE_STRENGTH = {"editor": 4, TITLE: 3, PRONOUN: 2, NAME: 1, NONE: 0}

GENDERED_TITLES = {
    "mr": MALE,
    "mister": MALE,
    "sir": MALE,
    "lord": MALE,
    "mrs": FEMALE,
    "ms": FEMALE,
    "miss": FEMALE,
    "dame": FEMALE,
    "lady": FEMALE,
    "mx": NONBINARY,
}
HONORIFICS = {*GENDERED_TITLES, "dr", "rev", "revd"}
PRONOUNS = {"he": MALE, "him": MALE, "his": MALE, "she": FEMALE, "her": FEMALE, "hers": FEMALE}
GROUP_WORDS = {"they", "we", "them", "us"}
ORGANISATION_LABELS = {"ORG", "GPE", "NORP", "FAC"}
# how far after a mention a pronoun is still taken to continue it
PRONOUN_REACH_CHARS = 300


@dataclass(frozen=True)
class Evidence:
    """One reading of the text: the value, the rule that gave it and the words it came from."""

    value: str
    source: str
    text: str
    start: int | None = None  # offset of the words in the document, when they are in it


@dataclass(frozen=True)
class SpeakerProfile:
    """What one article says about one speaker name."""

    name: str
    speaker_type: str = UNKNOWN
    gender: str = "unknown"
    gender_source: str = NONE
    gender_evidence: str = ""
    gender_evidence_start: int | None = None
    role: str = ""
    affiliation: str = ""
    role_evidence: str = ""
    role_evidence_start: int | None = None


# ---------------------------------------------------------------- first-name statistics


# ---------------------------------------------------------------- mentions of a speaker


def _surname(name: str) -> str:
    words = strip_titles(name_words(name))
    return fold(words[-1]).rstrip(".") if words else ""


def _same_person(name: str, other: str) -> bool:
    """'Ann Lowe' and 'Ms Lowe' / 'Lowe' / 'Ann Lowe': same surname, no contrary word."""
    a = [fold(w).rstrip(".") for w in strip_titles(name_words(name))]
    b = [fold(w).rstrip(".") for w in strip_titles(name_words(other))]
    if not a or not b or a[-1] != b[-1]:
        return False
    return set(a) <= set(b) or set(b) <= set(a)


def entity_mentions(doc: Doc, name: str) -> list[Span]:
    """The named entities of the document that name this speaker."""
    return [
        e
        for e in doc.ents
        if e.label_ in ("PERSON", *ORGANISATION_LABELS) and _same_person(name, e.text)
    ]


# ---------------------------------------------------------------- type


def is_description(name: str) -> bool:
    """'a spokeswoman for the city', 'officials': not a name."""
    words = name.split()
    return not words or words[0].lower() in ("a", "an", "the", "some") or not name[:1].isupper()


def written_as_person(doc: Doc, name: str) -> bool:
    """Whether the text writes this name as a person's, whatever the NER labels it: with a
    gendered title ('Ms Cross') or after a person's role noun ('economist Philip Cross'):
    nobody writes either before a company's name. (A he/she subject of the reported speech
    says nothing: 'The Associated Press reported that she ...' is about somebody else; on
    PolNeAR's tuning part that reading turned 11 organisations into people, all wrongly.)"""
    if is_description(name):
        return False
    if title_evidence(doc.text, name):
        return True
    if len(strip_titles(name_words(name))) < 2:
        return False  # 'manager BlackRock': a one-word name after a role noun may be a firm
    for e in entity_mentions(doc, name):
        before = doc[e.start - 1] if e.start > 0 else None
        if (
            before is not None
            and before.pos_ == "NOUN"
            and before.text[:1].islower()
            and fold(before.text) in PERSON_ROLE_NOUNS
        ):
            return True
    return False


def speaker_type_of(doc: Doc, name: str, candidates: list[QuoteCandidate]) -> str:
    """person / organisation / group / unknown for one speaker name of the article."""
    given = Counter(c.speaker_type for c in candidates if c.speaker_type != UNKNOWN)
    if given:
        best = given.most_common(1)[0][0]
        if best == ORGANISATION and written_as_person(doc, name):
            return PERSON  # the NER's label, which the engine's type comes from, is noise
        return best
    if not name.strip():
        return UNKNOWN
    if is_description(name):
        head = name.split()[-1].lower()
        plural = head.endswith("s") and not head.endswith("ss")
        if head in GROUP_WORDS or plural:
            return GROUP
        return UNKNOWN  # an unnamed person or body: not a source anyone can count
    words = name_words(name)
    if words and fold(words[-1]).rstrip(".") in ORGANISATION_HEADS:
        return ORGANISATION
    labels: Counter[str] = Counter()
    for e in entity_mentions(doc, name):
        if e.label_ == "PERSON" and len(strip_titles(name_words(e.text))) >= 2:
            # a full name the NER calls a person: its lone surname labelled ORG or GPE
            # elsewhere ('Lohmar' ORG, 'Bardos' GPE) is NER noise, not an organisation
            return PERSON
        labels["person" if e.label_ == "PERSON" else "organisation"] += 1
    for c in candidates:
        mention = fold(c.speaker_text.strip())
        if mention in PRONOUNS:
            labels["person"] += 2  # the engine resolved a he/she to this name
        elif mention in ("it",):
            labels["organisation"] += 1
    if words and fold(words[0]).rstrip(".") in GENDERED_TITLES:
        labels["person"] += 2
    if labels:
        best, n = labels.most_common(1)[0]
        if list(labels.values()).count(n) == 1:
            return PERSON if best == "person" else ORGANISATION
    stripped = strip_titles(words)
    if len(stripped) >= 2 and all(w[:1].isupper() for w in stripped):
        return PERSON  # a named speaker the NER did not type is most likely a person
    return UNKNOWN


# ---------------------------------------------------------------- gender


TITLE_BEFORE = re.compile(
    r"\b(Mr|Mrs|Ms|Miss|Mx|Sir|Dame|Lady|Lord|Mister)\.?\s+((?:[A-Z][\w'\u2019-]*\.?\s+){0,3}[A-Z][\w'\u2019-]*)"
)


def title_evidence(text: str, name: str) -> list[Evidence]:
    """'Ms Lowe', 'Sir Keir Starmer' written anywhere in the text for this person."""
    out = []
    for m in TITLE_BEFORE.finditer(text):
        if _same_person(name, m.group(2)):
            gender = GENDERED_TITLES[m.group(1).lower()]
            out.append(Evidence(gender, TITLE, m.group(0), m.start()))
    return out


# nouns that say a person's gender when written as their title or description
# ('spokeswoman Ann Lowe', 'Ann Lowe, a mother of three', 'her father Khaled'); words whose
# use for everybody is common ('chairman', 'actor', 'priest') are left out
GENDERED_NOUNS = {
    **dict.fromkeys(
        word_set(
            """
            woman girl mother mom mum wife daughter sister aunt niece grandmother grandma
            granddaughter widow bride girlfriend fiancee stepmother stepdaughter
            spokeswoman chairwoman businesswoman congresswoman councilwoman policewoman
            sportswoman anchorwoman camerawoman alderwoman actress waitress queen
            princess duchess baroness countess nun
            """
        ),
        FEMALE,
    ),
    **dict.fromkeys(
        word_set(
            """
            man boy father dad husband son brother uncle nephew grandfather grandpa
            grandson widower groom boyfriend fiance stepfather stepson spokesman
            businessman congressman councilman policeman sportsman anchorman cameraman
            alderman fireman fisherman king prince duke baron monk
            """
        ),
        MALE,
    ),
}


def gendered_noun_evidence(
    doc: Doc, name: str, candidates: Sequence[QuoteCandidate] = ()
) -> list[Evidence]:
    """A gendered noun written as the person's title or description: before the name
    ('spokeswoman Ann Lowe'), in apposition after it ('Ann Lowe, a mother of three'), the
    name in apposition to it ('her father, Khaled Lowe'), or the description the engine
    resolved to them at one of their quotes ('a spokeswoman for the mayor said')."""
    out = []
    for e in entity_mentions(doc, name):
        if e.label_ != "PERSON":
            continue
        root = e.root
        words: list[Token] = []
        k = e.start - 1
        while k >= 0 and e.start - k <= 4 and doc[k].dep_ in ("compound", "amod", "nmod"):
            words.append(doc[k])
            k -= 1
        words += [c for c in root.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
        if root.dep_ == "appos" and root.head.pos_ == "NOUN":
            words.append(root.head)
        for t in words:
            gender = GENDERED_NOUNS.get(fold(t.text))
            if gender is not None:
                a, b = min(t.i, e.start), max(t.i + 1, e.end)
                out.append(Evidence(gender, TITLE, doc[a:b].text, doc[a].idx))
                break
    for c in candidates:
        # the head of the description: its last word before a preposition
        before = re.split(r"\s+(?:for|of|at|with|from|in)\s+", c.speaker_text.strip(), maxsplit=1)
        head = fold(before[0].split()[-1]) if before[0].split() else ""
        if head in GENDERED_NOUNS and c.speaker_start is not None:
            out.append(Evidence(GENDERED_NOUNS[head], TITLE, c.speaker_text, c.speaker_start))
    return out


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    return any(a <= pos < b for a, b in spans)


def reported_subject_evidence(doc: Doc, c: QuoteCandidate) -> list[Evidence]:
    """In reported speech the speaker's words name the speaker with a pronoun ('Lowe said
    she would run again', 'Lowe said her office ...'): the first gendered subject or
    possessive pronoun of the report, when nobody else is named before it."""
    span = doc.char_span(c.start, c.end, alignment_mode="expand")
    if span is None:
        return []
    for t in span:
        if t.ent_type_ == "PERSON":
            return []
        if t.lower_ in PRONOUNS:
            if t.dep_ in ("nsubj", "nsubjpass", "poss"):
                words = doc[t.i : min(t.i + 2, len(doc))].text
                return [Evidence(PRONOUNS[t.lower_], PRONOUN, words, t.idx)]
            return []
    return []


def pronoun_evidence(
    doc: Doc, name: str, candidates: list[QuoteCandidate], all_candidates: list[QuoteCandidate]
) -> list[Evidence]:
    """He/she/his/her that refer to this person: the engine's 'she said' for their quotes,
    the first pronoun of their reported speech ('Lowe said she ...'), and the first
    gendered pronoun after a mention of them, outside quotations, with no other person
    named in between, unless the engine attributed a quote to somebody else
    through that pronoun (a '"...," he said' after a tweet's byline is the speaker's)."""
    out = []
    for c in candidates:
        mention = fold(c.speaker_text.strip())
        if mention in PRONOUNS and c.speaker_start is not None:
            cue = f" {c.cue_text}" if c.cue_text else ""
            out.append(Evidence(PRONOUNS[mention], PRONOUN, c.speaker_text + cue, c.speaker_start))
        if c.kind == "indirect" and (mention in PRONOUNS or _same_person(name, c.speaker_text)):
            # (a description may name somebody else: 'a spokeswoman for Trudeau said he ...')
            out.extend(reported_subject_evidence(doc, c))
    quotes = [(c.start, c.end) for c in all_candidates]
    # a "he said" the engine attributed to somebody else is theirs, not this person's
    others_pronouns = {
        c.speaker_start
        for c in all_candidates
        if c.speaker_name != name and c.speaker_start is not None
    }
    people = sorted(
        (e for e in doc.ents if e.label_ == "PERSON" and not _inside(quotes, e.start_char)),
        key=lambda e: e.start,
    )
    for k, e in enumerate(people):
        if not _same_person(name, e.text):
            continue
        # somebody else named just before: a pronoun after this mention may be theirs,
        # unless their name says the other gender ('Tom Reed met Ann Lowe. She said ...')
        others = [
            p
            for p in people[:k]
            if e.start_char - p.end_char < PRONOUN_REACH_CHARS and not _same_person(name, p.text)
        ]
        stop = people[k + 1].start if k + 1 < len(people) else len(doc)
        for t in doc[e.end : stop]:
            if t.idx - e.end_char > PRONOUN_REACH_CHARS:
                break
            if t.lower_ in PRONOUNS and not _inside(quotes, t.idx):
                if t.idx in others_pronouns:
                    break
                if any(_name_gender(p.text) != _other(PRONOUNS[t.lower_]) for p in others):
                    break
                if t.dep_ in ("nsubj", "nsubjpass", "poss", "dobj", "pobj"):
                    words = doc[t.i : min(t.i + 2, len(doc))].text
                    out.append(Evidence(PRONOUNS[t.lower_], PRONOUN, words, t.idx))
                break
    return out


def _other(gender: str) -> str:
    return {MALE: FEMALE, FEMALE: MALE}.get(gender, "unknown")


def _name_gender(name: str) -> str:
    """The gender another person's name alone says (title, then first name), else unknown."""
    words = name_words(name)
    if words and fold(words[0]).rstrip(".") in GENDERED_TITLES:
        return GENDERED_TITLES[fold(words[0]).rstrip(".")]
    evidence = name_evidence(name)
    return evidence.value if evidence is not None else "unknown"


def name_evidence(name: str) -> Evidence | None:
    """First-name statistics: the first word after the titles, for names of two words or
    more (a lone surname says nothing)."""
    words = strip_titles(name_words(name))
    if len(words) < 2:
        return None
    return Evidence(first_name_gender(words[0]), NAME, words[0])


def choose_gender(
    titles: list[Evidence], pronouns: list[Evidence], from_name: Evidence | None
) -> Evidence:
    """The evidence order: a title, then pronouns (by majority; a tie says nothing), then
    the first name; nothing at all is 'unknown' from no evidence."""
    if titles:
        votes = Counter(e.value for e in titles)
        value = votes.most_common(1)[0][0]
        return next(e for e in titles if e.value == value)
    if pronouns:
        ranked = Counter(e.value for e in pronouns).most_common()
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            return next(e for e in pronouns if e.value == ranked[0][0])
    if from_name is not None:
        return from_name
    return Evidence("unknown", NONE, "")


# ---------------------------------------------------------------- role and affiliation


def _clean(text: str) -> str:
    text = " ".join(text.split()).strip(" ,;:")
    for article in ("the ", "a ", "an "):
        if text.lower().startswith(article):
            text = text[len(article) :]
    return text[:200]


def _split_role(words: list[Token], doc: Doc) -> tuple[str, str]:
    """'Harbour Transit chief executive' -> ('chief executive', 'Harbour Transit');
    'Defence Secretary' -> ('Defence Secretary', '')."""
    if not words:
        return "", ""
    lower = next((k for k, t in enumerate(words) if t.text[:1].islower()), None)
    if lower:  # capitalised words before the first lower-case one: the organisation
        return _clean(doc[words[lower].i : words[-1].i + 1].text), _clean(
            doc[words[0].i : words[lower - 1].i + 1].text
        )
    org_end = 0
    for k, t in enumerate(words):
        if t.ent_type_ in ORGANISATION_LABELS:
            org_end = k + 1
    if 0 < org_end < len(words):  # 'Labour leader'-like all-capitalised: the entity part
        return _clean(doc[words[org_end].i : words[-1].i + 1].text), _clean(
            doc[words[0].i : words[org_end - 1].i + 1].text
        )
    return _clean(doc[words[0].i : words[-1].i + 1].text), ""


def _affiliation_in(tokens) -> str:
    """'of Harbour Transit', 'at the University of Ottawa', "the city's": the organisation."""
    for t in tokens:
        if t.dep_ == "prep" and t.lower_ in ("of", "at", "for", "with", "from"):
            objects = [c for c in t.children if c.dep_ == "pobj"]
            if objects:
                o = objects[0]
                return _clean(t.doc[o.left_edge.i : o.right_edge.i + 1].text)
        if t.dep_ == "poss" and t.pos_ in ("PROPN", "NOUN"):
            return _clean(t.doc[t.left_edge.i : t.i + 1].text)
    return ""


def role_evidence(doc: Doc, name: str) -> list[tuple[str, str, str, int]]:
    """(role, affiliation, words, offset) for each mention of this person that has one."""
    out = []
    for e in entity_mentions(doc, name):
        if e.label_ != "PERSON":
            continue
        root = e.root
        # title + name: 'Defence Secretary Ben Wallace', 'chief executive Ann Lowe'
        before: list[Token] = []
        k = e.start - 1
        while k >= 0 and e.start - k <= 6:
            t = doc[k]
            if t.pos_ in ("PROPN", "NOUN", "ADJ") and t.dep_ in ("compound", "amod", "nmod"):
                before.insert(0, t)
                k -= 1
                continue
            break
        # honorifics are not roles ('marine biologist Dr Helen Strachan')
        before = [t for t in before if fold(t.text).rstrip(".") not in HONORIFICS]
        if before and any(t.pos_ == "NOUN" or fold(t.text) in TITLE_WORDS for t in before):
            role, affiliation = _split_role(before, doc)
            start = before[0].idx
            out.append((role, affiliation, doc[before[0].i : e.end].text, start))
            continue
        # apposition: 'Ben Wallace, the Defence Secretary'
        appos = [c for c in root.children if c.dep_ == "appos" and c.i > root.i]
        if appos:
            a = appos[0]
            head_words = [
                t for t in a.subtree if t.i <= a.i and t.dep_ != "det" and t.dep_ != "poss"
            ]
            head_words = [t for t in head_words if t.i >= a.left_edge.i and t.dep_ != "case"]
            role = _clean(doc[head_words[0].i : a.i + 1].text) if head_words else _clean(a.text)
            affiliation = _affiliation_in(a.subtree)
            if role.lower().startswith(affiliation.lower()) and affiliation:
                role = _clean(role[len(affiliation) :])
            words = doc[e.start : a.right_edge.i + 1].text
            out.append((role, affiliation, words, e.start_char))
            continue
        # 'Ann Lowe of Harbour Transit'
        affiliation = _affiliation_in(c for c in root.children if c.dep_ == "prep")
        if affiliation:
            out.append(("", affiliation, doc[e.start : root.right_edge.i + 1].text, e.start_char))
    return out


# ---------------------------------------------------------------- the article's profiles


def speaker_profiles(doc: Doc, candidates: list[QuoteCandidate]) -> dict[str, SpeakerProfile]:
    """A profile for each speaker name of the article's candidates."""
    by_name: dict[str, list[QuoteCandidate]] = {}
    for c in candidates:
        if c.speaker_name:
            by_name.setdefault(c.speaker_name, []).append(c)
    text = doc.text
    profiles = {}
    for name, quoted in by_name.items():
        speaker_type = speaker_type_of(doc, name, quoted)
        gender = Evidence("unknown", NONE, "")
        role: tuple[str, str, str, int | None] = ("", "", "", None)
        if speaker_type == PERSON:
            gender = choose_gender(
                title_evidence(text, name) + gendered_noun_evidence(doc, name, quoted),
                pronoun_evidence(doc, name, quoted, candidates),
                name_evidence(name),
            )
            roles = role_evidence(doc, name)
            if roles:
                role = roles[0]
        profiles[name] = SpeakerProfile(
            name=name,
            speaker_type=speaker_type,
            gender=gender.value,
            gender_source=gender.source,
            gender_evidence=gender.text[:300],
            gender_evidence_start=gender.start,
            role=role[0],
            affiliation=role[1],
            role_evidence=role[2][:300],
            role_evidence_start=role[3],
        )
    return profiles


def with_profiles(doc: Doc, candidates: list[QuoteCandidate]) -> list[QuoteCandidate]:
    """The candidates with their speaker's type, gender and profile filled in."""
    profiles = speaker_profiles(doc, candidates)
    out = []
    for c in candidates:
        profile = profiles.get(c.speaker_name)
        if profile is None:
            out.append(c)
            continue
        out.append(
            replace(
                c,
                speaker_type=profile.speaker_type,
                speaker_gender=profile.gender,
                speaker_profile=profile,
            )
        )
    return out
