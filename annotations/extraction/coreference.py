"""Speaker mention -> canonical name.

Rules, in the order a reader applies them:
  * a proper name resolves to the fullest name of the article ending with the same surname
    ("Mr Wallace", "Wallace" -> "Ben Wallace"), wherever in the article that full name is;
  * a title or description ("the Defence Secretary", "the mayor") resolves to the person
    who carried that title earlier ("Defence Secretary Ben Wallace", "Bill Sims, the
    city's director");
  * "he"/"she" resolve to the nearest earlier person of compatible gender, preferring
    grammatical subjects and earlier speakers; "it"/"they" to the nearest organisation or
    group speaker;
  * anything else (organisations, groups) is its own name.
"""

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Token

from .confidence import RESOLUTION_RELIABILITY
from .cues import SPEECH_VERBS
from .first_names import first_name_gender
from .tokens import positions_of, positions_of_tags, word_hashes
from .vocabulary import ORGANISATION_HEADS, TITLE_WORDS, word_set

PRONOUN_GENDER_WORDS = ("he", "him", "his", "she", "her", "hers")

MALE_TITLES = {"mr", "mr.", "sir", "lord", "father", "king", "prince", "mister"}
FEMALE_TITLES = {"mrs", "mrs.", "ms", "ms.", "miss", "dame", "lady", "queen", "princess"}


RECENT_CHARS = 120
NAMED_LATER_CHARS = 400
GENDERED_PRONOUN_HASHES = word_hashes(PRONOUN_GENDER_WORDS)
SPEECH_HEADS = {"said", "says", "told", "added"}
PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
GROUP_PRONOUNS = {"they", "it", "we", "them"}
# heads of descriptions that stand for a person already named ('the 26-year-old forward')
PERSON_ROLE_NOUNS = word_set(
    """
    forward defenceman defenseman goalie goaltender winger wing centre quarterback
    pitcher striker midfielder player rookie veteran golfer coach manager skipper
    captain actor actress singer star rapper author writer artist director producer
    chef owner founder ceo executive politician candidate senator mp mla mpp mayor
    premier minister leader judge lawyer officer official spokesperson spokesman
    spokeswoman doctor physician nurse professor researcher scientist economist
    analyst retiree resident mother father man woman teen teenager student victim
    suspect accused witness businessman businesswoman entrepreneur activist advocate
    sergeant-at-arms chair chairman chairwoman president superintendent inspector
    detective constable sergeant commander general admiral secretary prosecutor
    attorney councillor trustee organizer organiser volunteer employee worker member
    source insider neighbour neighbor friend relative
"""
)
# descriptions that stand for the organisation just quoted ('the utility said')
GENERIC_ORG_NOUNS = word_set(
    """
    utility company firm agency department ministry organization organisation
    corporation airline retailer
"""
)


@lru_cache(maxsize=50_000)
def fold(s: str) -> str:
    """Case- and accent-insensitive form of a word (cached: names repeat a lot)."""
    if s.isascii():
        return s.casefold()
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


def name_words(s: str) -> list[str]:
    toks = re.findall(r"[^\W_]+(?:['\u2019\-.][^\W_]+)*\.?", s)
    out = list(toks)
    while out and fold(out[-1]) in ("'s", "s"):
        out.pop()
    out = [re.sub(r"['\u2019]s$", "", t) for t in out]
    return out


# the last word of a credit line an outlet glues to a byline name ('Jane Doe CBC News')
CREDIT_ENDINGS = word_set("news press reuters wire staff")


def without_credit(words: list[str]) -> list[str]:
    """A person's name without the outlet credit glued to it by the page layout ('Jane Doe
    CBC News' -> 'Jane Doe', 'Tom Reed The Canadian Press' -> 'Tom Reed'): from the first
    acronym or 'The' after at least two name words, when the words end like a credit."""
    if len(words) < 3 or fold(words[-1]) not in CREDIT_ENDINGS:
        return words
    for k in range(2, len(words)):
        if (words[k].isupper() and len(words[k]) > 1) or words[k] == "The":
            return words[:k]
    return words


def strip_titles(words: list[str]) -> list[str]:
    """Drop leading title words; keep at least the last word."""
    i = 0
    while i < len(words) - 1 and (
        fold(words[i]).rstrip(".") in TITLE_WORDS or words[i][:1].islower()
    ):
        i += 1
    return words[i:]


def merged_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Character spans sorted, overlapping ones joined into one."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


@dataclass
class Person:
    name: str  # canonical full name
    words: list[str]
    gender: str | None = None
    titles: set[str] = field(default_factory=set)  # lower-cased description words
    is_org: bool = False
    is_person: bool = False  # known to be a person (NER PERSON, a personal title, he/she)
    is_group: bool = False  # plural speaker ("officials", "the Conservatives")
    is_description: bool = False  # 'a spokeswoman for Trudeau': not a name to match against

    def key(self) -> list[str]:
        """The folded name words, for comparisons (cached until the words change)."""
        cached = self.__dict__.get("_key")
        if cached is None or cached[0] is not self.words:
            cached = (self.words, [fold(w).rstrip(".") for w in self.words])
            self.__dict__["_key"] = cached
        return cached[1]


@dataclass
class Mention:
    pos: int  # char offset
    person: Person
    is_subject: bool
    para: int
    speaks: bool = False  # subject of a speech verb ('Joseph Manzoli told ...')


class Registry:
    """The people and organisations of one article, with their mentions in text order."""

    def __init__(self, text: str, quote_spans: list[tuple[int, int]]) -> None:
        self.people: list[Person] = []
        self.mentions: list[Mention] = []
        # the article's quotes (names in them are not speakers), sorted and merged where
        # they overlap, so that a position is looked up by bisection
        self.quote_spans = merged_spans(quote_spans)
        self._quote_starts = [a for a, _ in self.quote_spans]
        self.acronyms: dict[str, Person] = {}
        self.text = text

    def text_outside_quotes(self, a: int, b: int) -> str:
        """The text of [a, b) without the quotations in it."""
        out, pos = [], a
        for qa, qb in self.quote_spans:
            if qb <= pos or qa >= b:
                continue
            out.append(self.text[pos : max(pos, qa)])
            pos = max(pos, qb)
        out.append(self.text[pos:b])
        return "".join(out)

    def in_quote(self, pos: int) -> bool:
        k = bisect_right(self._quote_starts, pos) - 1
        return k >= 0 and pos < self.quote_spans[k][1]

    def find(self, words: list[str]) -> Person | None:
        """The fullest known person whose name ends with the same surname and contains
        all the given words."""
        if not words:
            return None
        fw = [fold(w).rstrip(".") for w in words]
        fset = set(fw)
        best = None
        for p in self.people:
            if p.is_description:
                continue
            pw = p.key()
            if p.is_org and not p.is_person and pw != fw:
                continue  # organisations have no surnames: 'Ottawa' is not 'University of Ottawa'
            if (
                pw
                and pw[-1] == fw[-1]
                and fset <= set(pw)
                and (best is None or len(p.words) > len(best.words))
            ):
                best = p
        return best

    def find_acronym(self, word: str) -> "Person | None":
        """'IRCC' -> 'Immigration, Refugees and Citizenship Canada'."""
        if not (2 <= len(word) <= 6 and word.isupper() and word.isalpha()):
            return None
        if word in self.acronyms:
            return self.acronyms[word]
        for p in self.people:
            caps = "".join(w[0] for w in p.words if w[:1].isupper())
            if len(p.words) > 1 and caps == word:
                return p
        return None

    def add(self, words: list[str], is_org: bool = False) -> Person:
        words = strip_titles(words)
        fw = [fold(w).rstrip(".") for w in words]
        for p in self.people:
            if p.key() == fw:
                return p
        p = Person(" ".join(words), words, is_org=is_org)
        self.people.append(p)
        return p

    def finalise(self) -> None:
        """Point every shorter name to the fullest one sharing its surname. A surname the NER
        once called an organisation ('Vickers' ORG, 'Kevin Vickers' PERSON) is the person,
        and so is a full name it called one ('Morgan McNeely' ORG, 'McNeely' PERSON)."""
        person_surnames = {p.key()[-1] for p in self.people if p.is_person and not p.is_org}
        for p in self.people:
            if p.is_org and not p.is_person and person_shaped_name(p.words, person_surnames):
                p.is_org, p.is_person = False, True
        for p in self.people:
            if p.is_org and len(p.words) == 1:
                full = self.find(p.words)
                if p.is_person or (full is not None and full.is_person and not full.is_org):
                    p.is_org, p.is_person = False, True
        for p in self.people:
            full = self.find(p.words)
            if full is not None and full is not p and not p.is_org:
                full.titles |= p.titles
                full.gender = full.gender or p.gender
                p.name = full.name
                p.words = full.words
        for p in self.people:
            if p.gender is None and not p.is_org and len(p.words) >= 2:
                p.gender = guess_gender(p.words)


def person_shaped_name(words: list[str], person_surnames: set[str]) -> bool:
    """Two or three capitalised words ending with the surname of a person the article
    names, none of them a word organisation names end with: a person's full name the
    NER labelled an organisation."""
    if not 2 <= len(words) <= 3 or not all(w[:1].isupper() for w in words):
        return False
    key = [fold(w).rstrip(".") for w in words]
    if any(k in ORGANISATION_HEADS or k in TITLE_WORDS for k in key):
        return False
    return key[-1] in person_surnames


def build_registry(
    doc: Doc, text: str, para_of, quote_spans: Iterable[tuple[int, int]] = ()
) -> Registry:
    """People and organisations named in the article, with titles, genders and mentions."""
    reg = Registry(text, list(quote_spans))
    ents = [e for e in doc.ents if e.label_ in ("PERSON", "ORG")]
    pending = []
    for e in ents:
        words = name_words(e.text)
        if e.label_ == "PERSON":
            words = without_credit(words)
        if not words or e.text.islower():  # 'department' tagged ORG: NER noise
            continue
        # the title words written right before the name: "Defence Secretary Ben Wallace"
        titles = []
        k = e.start - 1
        while (
            k >= 0
            and doc[k].pos_ in ("PROPN", "NOUN", "ADJ")
            and doc[k].dep_ in ("compound", "amod", "nmod")
            and e.start - k <= 4
        ):
            titles.insert(0, doc[k].lower_)
            k -= 1
        first_title = fold(titles[-1]).rstrip(".") if titles else ""
        if words and fold(words[0]).rstrip(".") in TITLE_WORDS:
            first_title = fold(words[0]).rstrip(".")
            titles.extend(fold(w) for w in words[: len(words) - len(strip_titles(words))])
        p = reg.add(words, is_org=e.label_ == "ORG")
        p.is_person = p.is_person or e.label_ == "PERSON"
        p.titles.update(titles)
        p.titles.update(appositive_titles(e.root))
        if first_title in MALE_TITLES:
            p.gender = p.gender or "m"
        elif first_title in FEMALE_TITLES:
            p.gender = p.gender or "f"
        pending.append((e, p))
    for acr, name in spelled_out_acronyms(reg.text).items():
        reg.acronyms[acr] = reg.add(name_words(name), is_org=True)
        reg.acronyms[acr].name = name
    reg.finalise()
    for e, p in pending:
        reg.mentions.append(
            Mention(
                e.start_char,
                p,
                is_main_subject(e.root),
                para_of(e.start_char),
                speaks=e.root.dep_ == "nsubj" and e.root.head.lower_ in SPEECH_VERBS,
            )
        )
    add_group_subjects(doc, reg, para_of)
    learn_genders_from_pronouns(doc, reg)
    return reg


ACRONYM_IN_PARENS = re.compile(r"\(([A-Z]{2,6})\)")


def spelled_out_acronyms(text: str) -> dict[str, str]:
    """'Immigration, Refugees and Citizenship Canada (IRCC)' -> {'IRCC': 'Immigration, ...'}:
    walk back from the parenthesis over capitalised words until their initials spell it."""
    out = {}
    for m in ACRONYM_IN_PARENS.finditer(text):
        acr = m.group(1)
        words = list(re.finditer(r"[\w'\u2019.-]+", text[max(0, m.start() - 150) : m.start()]))
        base = max(0, m.start() - 150)
        initials = ""
        for w in reversed(words):
            word = w.group()
            if word[:1].isupper():
                initials = word[0] + initials
                if initials == acr:
                    out[acr] = text[base + w.start() : m.start()].strip()
                    break
                if not acr.endswith(initials):
                    break
            elif word.lower() not in ("and", "of", "for", "the", "on", "de", "du", "des", "&"):
                break
    return out


# A gender read from a first name rules out the other pronoun when resolving he/she, so a
# wrong one loses the quote: only names the data is nearly sure of (nomquamgender's own
# suggested band, p(female) <= 0.1 or >= 0.9; 'Pat', 0.34, stays open).
PRONOUN_NAME_BAND = 0.1


def guess_gender(words: list[str]) -> str | None:
    """'m'/'f' from the first name's statistics (first_names.py, the data and band the
    speaker profiles use), else None: a name the data does not know or calls ambiguous is
    compatible with both. A lone word may be a surname, so it says nothing."""
    if len(words) < 2:
        return None
    return {"male": "m", "female": "f"}.get(first_name_gender(words[0], PRONOUN_NAME_BAND))


def is_main_subject(t: Token) -> bool:
    """Subject of a main clause: the people a later 'he said' most likely points back to
    (not 'in which Mr Putin was seeking', not 'told reporters that Scheer was')."""
    if t.dep_ not in ("nsubj", "nsubjpass"):
        return False
    return t.head.dep_ in ("ROOT", "conj", "parataxis") or t.head.lower_ in SPEECH_HEADS


def appositive_titles(root: Token) -> set[str]:
    """'Bill Sims, the city's director of engineering' -> {'director', 'city', ...}."""
    out = set()
    for c in root.children:
        if c.dep_ == "appos" and c.pos_ == "NOUN":
            out.add(c.lower_)
            out.update(t.lower_ for t in c.children if t.dep_ in ("compound", "amod"))
    if root.dep_ == "appos" and root.head.pos_ == "NOUN":
        out.add(root.head.lower_)
        out.update(t.lower_ for t in root.head.children if t.dep_ in ("compound", "amod"))
    return out


def add_group_subjects(doc: Doc, reg: Registry, para_of) -> None:
    """Plural subjects of main clauses ('members complained', 'Officials said') are what a
    later 'they' most often points back to."""
    for i in positions_of_tags(doc, ("NNS",), "nsubj"):
        t = doc[i]
        if not is_main_subject(t) or t.ent_type_:
            continue
        a = t.left_edge.idx if t.left_edge.i >= t.i - 3 else t.idx
        name = reg.text[a : t.idx + len(t.text)]
        p = Person(name, name.split(), is_group=True, is_description=True)
        reg.people.append(p)
        reg.mentions.append(Mention(t.idx, p, True, para_of(t.idx)))


def learn_genders_from_pronouns(doc: Doc, reg: Registry) -> None:
    """A person of unknown gender followed, before any other person, by he/she as a
    subject takes that gender (the usual first reference pattern of news copy)."""
    if not reg.mentions:
        return
    by_pos = sorted(reg.mentions, key=lambda m: m.pos)
    k = 0
    last = None
    for i in positions_of(doc, GENDERED_PRONOUN_HASHES):
        t = doc[i]
        while k < len(by_pos) and by_pos[k].pos <= t.idx:
            last = by_pos[k]
            k += 1
        if last is None or last.person.is_org or last.person.gender is not None:
            continue
        g = PRONOUN_GENDER.get(t.lower_)
        if g and t.dep_ in ("nsubj", "nsubjpass", "poss") and t.idx - last.pos < 400:
            last.person.gender = g


def resolve_name(
    reg: Registry,
    mention: Token,
    mention_text: str,
    pos: int,
    para: int,
    speakers_so_far: list[Mention],
) -> tuple[str, float]:
    """Canonical name for a speaker mention, and how sure the resolution is (0..1)."""
    low = mention.lower_
    if low in PRONOUN_GENDER or low in GROUP_PRONOUNS:
        return resolve_pronoun(reg, low, pos, para, speakers_so_far)
    if mention.pos_ == "PRON":  # 'some', 'others', 'many'
        return mention_text, RESOLUTION_RELIABILITY["indefinite_pronoun"]
    all_words = name_words(mention_text)
    if all_words and all(fold(w).rstrip(".") in TITLE_WORDS for w in all_words):
        # a title used as a name: 'the Defence Secretary'
        return resolve_description(reg, mention, mention_text, pos, speakers_so_far)
    if mention.pos_ == "PROPN" or mention.ent_type_ in ("PERSON", "ORG"):
        words = strip_titles(all_words) or all_words
        p = reg.find_acronym(words[-1]) if words else None
        if p is not None:
            return p.name, RESOLUTION_RELIABILITY["acronym"]
        p = reg.find(words)
        if p is not None:
            return p.name, RESOLUTION_RELIABILITY["known_name"]
        if len(words) == 1:
            # a first name alone, in articles that use first names ('Michael')
            same = [
                x
                for x in reg.people
                if x.is_person and len(x.words) > 1 and fold(x.words[0]) == fold(words[0])
            ]
            if len({x.name for x in same}) == 1:
                return same[0].name, RESOLUTION_RELIABILITY["first_name_alone"]
        # a name NER missed: try the surname alone
        p = reg.find(words[-1:]) if words else None
        if p is not None:
            return p.name, RESOLUTION_RELIABILITY["surname_alone"]
        return " ".join(words), RESOLUTION_RELIABILITY["name_not_seen_before"]
    return resolve_description(reg, mention, mention_text, pos, speakers_so_far)


def resolve_description(reg, mention: Token, mention_text: str, pos: int, speakers_so_far):
    """'the Defence Secretary', 'the mayor' -> the person who carried that title;
    'the commission' -> the organisation with that word in its name; 'the utility' ->
    the organisation quoted just before."""
    low = mention.lower_
    definite = any(c.lower_ in ("the", "this") for c in mention.children if c.dep_ == "det")
    if not definite:
        if low in PERSON_ROLE_NOUNS and mention.tag_ == "NN":
            # 'A Superior Court judge said ... Justice Sean Dunphy directed ...': a person
            # introduced by role is named in the sentences that follow
            for m in sorted(reg.mentions, key=lambda m: m.pos):
                if (
                    pos + len(mention_text) < m.pos < pos + NAMED_LATER_CHARS
                    and m.speaks
                    and m.person.is_person
                    and not reg.in_quote(m.pos)
                ):
                    return m.person.name, RESOLUTION_RELIABILITY["role_named_later"]
        return mention_text, RESOLUTION_RELIABILITY["indefinite_description"]
    best = None
    for m in sorted(reg.mentions, key=lambda m: m.pos):
        if m.pos < pos and low in m.person.titles:
            best = m.person  # the nearest earlier holder of the title
    if best is None:
        for p in reg.people:
            if low in p.titles:
                best = p
                break
    if best is not None:
        return best.name, RESOLUTION_RELIABILITY["title_holder"]
    if low in PERSON_ROLE_NOUNS or "year-old" in mention_text:
        # 'the 26-year-old right wing said': the person the paragraph is about
        for m in sorted(reg.mentions, key=lambda m: m.pos, reverse=True):
            if pos - m.pos > 600:
                break
            if m.pos < pos and m.is_subject and m.person.is_person and not reg.in_quote(m.pos):
                return m.person.name, RESOLUTION_RELIABILITY["person_the_paragraph_is_about"]
    if low in GENERIC_ORG_NOUNS:
        for m in reversed(speakers_so_far):
            if m.pos < pos and m.person.is_org:
                return m.person.name, RESOLUTION_RELIABILITY["organisation_quoted_before"]
    return mention_text, RESOLUTION_RELIABILITY["description_unresolved"]


def resolve_pronoun(
    reg: Registry, low: str, pos: int, para: int, speakers_so_far
) -> tuple[str, float]:
    """Nearest earlier compatible person, preferring subjects and earlier speakers."""
    gender = PRONOUN_GENDER.get(low)
    want_group = low in GROUP_PRONOUNS
    # people named inside a quotation are not who the attribution's pronoun points to
    cands = [m for m in reg.mentions if m.pos < pos and not reg.in_quote(m.pos)]
    cands += [m for m in speakers_so_far if m.pos < pos]
    cands.sort(key=lambda m: m.pos, reverse=True)

    def compatible(m: Mention) -> bool:
        if want_group:
            return m.person.is_org or (low in ("they", "we") and m.person.is_group)
        if m.person.is_org or m.person.is_group or not m.person.is_person:
            return False
        return m.person.gender in (None, gender)

    # a person introduced at the very end of the sentence before ('... for accountant
    # Babatunji Farinloye, 50. “...,” he says') is who the pronoun continues with
    for m in cands[:1]:
        if m.para == para and compatible(m) and not m.is_subject:
            between = reg.text_outside_quotes(m.pos, pos)
            if len(between) < RECENT_CHARS and between.count(". ") <= 1:
                return m.person.name, RESOLUTION_RELIABILITY["pronoun_after_recent_person"]
    # a subject (or speaker) in this or the previous two paragraphs
    for m in cands:
        if para - m.para > 2:
            break
        if m.is_subject and compatible(m):
            same_gender = m.person.gender == gender or want_group
            rule = (
                "pronoun_subject_same_gender" if same_gender else "pronoun_subject_gender_unknown"
            )
            return m.person.name, RESOLUTION_RELIABILITY[rule]
    for m in cands:
        if compatible(m):
            return m.person.name, RESOLUTION_RELIABILITY["pronoun_far_back"]
    return "", RESOLUTION_RELIABILITY["pronoun_unresolved"]
