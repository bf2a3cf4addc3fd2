"""extract(doc): direct, mixed and indirect quotes with their speakers, from one parsed Doc."""

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from .candidate import QuoteCandidate
from .confidence import score_candidate
from .coreference import (
    GENERIC_ORG_NOUNS,
    PERSON_ROLE_NOUNS,
    PRONOUN_GENDER,
    TITLE_WORDS,
    Mention,
    Person,
    build_registry,
    fold,
    guess_gender,
    name_words,
    resolve_name,
    strip_titles,
)
from .cues import SPEECH_VERBS
from .layout import embedded_post, is_link_line, pull_quote
from .quotemarks import MarkedQuote, find_marked_quotes, paragraph_spans
from .ranking import (
    MAX_CANDIDATES,
    Choice,
    Sighting,
    active_model,
    candidate_features,
    literal_type,
    mention_kind,
)
from .reported_speech import Report, find_reports, trim
from .speakers import (
    CARRIER_NOUNS,
    carrier_agent,
    is_plausible_speaker,
    mention_span,
    name_text,
    person_in_apposition,
    subject_is_inherited,
    subject_of,
)
from .tokens import token_starts
from .version import EXTRACTOR_VERSION, engine_version
from .vocabulary import word_set

SENTENCE_END = {".", "!", "?"}
QUOTE_MARK_CHARS = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e"
# a marked span this short with no cue is a scare quote ('purged'), not a quotation
SCARE_QUOTE_MAX_WORDS = 4


@dataclass
class Draft:
    start: int
    end: int
    kind: str
    para: int
    cue: tuple[int, int] | None = None
    speaker: Token | None = None
    how: str = ""  # the rule that found it (keys of confidence.RULE_RELIABILITY)
    marked: MarkedQuote | None = None
    speaker_name: str = ""
    resolution_conf: float = 0.0
    floating_from: "Draft | None" = None
    speaker_chars: tuple[int, int] | None = None  # a speaker given by layout, not a token
    inherited: bool = False  # the speaker is the subject of another verb: no own mention
    speaker_type: str = "unknown"
    alternatives: tuple[str, ...] = ()
    choices: list[Choice] = field(default_factory=list)  # the ranked candidate speakers

    def speaker_source(self) -> "Draft | None":
        """The draft whose speaker this one has: itself, or the quote it continues."""
        if self.speaker is not None or self.speaker_chars is not None:
            return self
        if self.floating_from is not None:
            return self.floating_from.speaker_source()
        return None


class Context:
    """Per-document lookups shared by the rules."""

    def __init__(self, doc: Doc, text: str):
        self.doc = doc
        self.text = text  # doc.text, built once: spaCy rebuilds it on every access
        self.paras = paragraph_spans(self.text)
        self.para_starts = [a for a, _ in self.paras]
        self.marked = find_marked_quotes(self.text, self.paras)
        self.mstarts = [q.start for q in self.marked]
        self.tok_starts = token_starts(doc)

    def para_of(self, pos: int) -> int:
        return max(0, bisect_right(self.para_starts, pos) - 1)

    def quote_at(self, pos: int) -> MarkedQuote | None:
        k = bisect_right(self.mstarts, pos) - 1
        if k >= 0 and self.marked[k].start <= pos < self.marked[k].end:
            return self.marked[k]
        return None

    def inside_quote(self, pos: int) -> bool:
        return self.quote_at(pos) is not None

    def token_at(self, pos: int) -> int:
        return max(0, bisect_right(self.tok_starts, pos) - 1)


def words_in(text: str) -> int:
    return sum(1 for w in text.split() if any(c.isalnum() for c in w))


def unquoted_words(ctx: Context, a: int, b: int, quotes: list[MarkedQuote]) -> int:
    """Words of [a, b) outside the given quotes, not counting a leading 'that'."""
    pieces, pos = [], a
    for q in quotes:
        pieces.append(ctx.text[pos : max(pos, q.start)])
        pos = max(pos, q.end)
    pieces.append(ctx.text[pos:b])
    words = " ".join(pieces).split()
    words = [w for w in words if any(c.isalnum() for c in w)]
    if words and words[0].lower() == "that":
        words = words[1:]
    return len(words)


def classify_reports(ctx: Context, reports: list[Report]) -> tuple[list[Draft], dict, dict]:
    """Each report with content becomes an indirect or mixed quote, or the cue of the direct
    quote(s) its content consists of."""
    drafts: list[Draft] = []
    cue_of: dict[int, Report] = {}  # id(marked quote) -> report
    that_start: dict[int, int] = {}  # id(marked quote) -> start of a 'that' before it
    for r in reports:
        if r.content is None:
            continue
        a, b = r.content
        para = ctx.para_of(r.cue.idx)
        pa, pb = ctx.paras[para]
        a, b = max(a, pa), min(b, pb)
        if b <= a:
            continue
        over = [q for q in ctx.marked if q.start < b and a < q.end and q.para == para]
        if over and r.speaker is None:
            continue  # a speakerless report names no speaker for the quotes it holds
        if over and unquoted_words(ctx, a, b, over) <= 1:
            if ctx.text[a : over[0].start].strip().lower() == "that":
                # 'added that “...”': the quote keeps its 'that' (news annotation does)
                that_start[id(over[0])] = a
            for q in over:
                prev = cue_of.get(id(q))
                if prev is None or abs(r.cue.idx - q.start) < abs(prev.cue.idx - q.start):
                    cue_of[id(q)] = r
            continue
        if over:
            a, b = min(a, over[0].start), max(b, over[-1].end)
            kind = "mixed"
        else:
            kind = "indirect"
            if words_in(ctx.text[a:b]) < 3:
                continue
        drafts.append(
            Draft(
                a,
                b,
                kind,
                para,
                r.cue_span,
                r.speaker,
                ("parse:" if r.speaker is not None else "speakerless:") + r.base,
                inherited=r.speaker is not None and subject_is_inherited(r.cue, r.speaker),
            )
        )
    return drafts, cue_of, that_start


def zone_after(ctx: Context, q: MarkedQuote) -> list[Token]:
    """Tokens after a quote up to the end of its sentence (or the next quote)."""
    doc = ctx.doc
    i = ctx.token_at(q.end)
    if i < len(doc) and doc[i].idx < q.end:
        i += 1
    pb = ctx.paras[q.para][1]
    out = []
    while i < len(doc) and doc[i].idx < pb and len(out) < 14:
        t = doc[i]
        if ctx.inside_quote(t.idx):
            break
        out.append(t)
        if t.text in SENTENCE_END:
            break
        i += 1
    return out


def zone_before(ctx: Context, q: MarkedQuote) -> list[Token]:
    """Tokens before a quote back to the start of its sentence (or the previous quote)."""
    doc = ctx.doc
    i = ctx.token_at(q.start) - 1
    pa = ctx.paras[q.para][0]
    out = []
    while i >= 0 and doc[i].idx >= pa and len(out) < 30:
        t = doc[i]
        if t.text in SENTENCE_END or ctx.inside_quote(t.idx):
            break
        out.insert(0, t)
        i -= 1
    return out


NOT_NAMES = {"it", "this", "that", "what", "which"}


def nearest_speaker_token(tokens: list[Token], verb: Token) -> Token | None:
    """Fallback speaker when the parse gives the cue no subject: the closest name/pronoun."""
    best = None
    for t in tokens:
        is_name = t.pos_ in ("PROPN", "PRON") and t.lower_ not in NOT_NAMES
        if (is_name or t.ent_type_ == "PERSON") and (
            best is None or abs(t.i - verb.i) < abs(best.i - verb.i)
        ):
            best = t
    if best is not None and best.pos_ == "PROPN":
        # the head of a multi-word name
        while (
            best.dep_ in ("compound", "flat")
            and best.head.pos_ == "PROPN"
            and best.head.i != best.i
        ):
            best = best.head
    return best


def cue_after_quote(ctx: Context, q: MarkedQuote) -> tuple[Token, Token] | None:
    """'“...,” he said' / '“...,” said Mr Smith' / '“...,” Bill Sims, the director, said'."""
    zone = zone_after(ctx, q)
    if not zone:
        return None
    # a quote closed after sentence punctuation and followed by a capital starts a new
    # sentence, unless the cue follows at once ('“Really?” Colton said.')
    inner = ctx.text[q.start : q.end].rstrip(QUOTE_MARK_CHARS)
    inner_end = inner[-1] if len(inner) > 1 else ""
    new_sentence = inner_end in ".!?" and zone[0].text[:1].isupper()
    limit = 3 if new_sentence else 12
    comma_inside = inner_end == ","
    for t in zone[:limit]:
        if t.dep_ in ("acl", "amod", "relcl", "pcomp"):
            continue  # 'a force reporting to Putin': a participle describing a noun
        if t.lower_ in SPEECH_VERBS and t.pos_ in ("VERB", "AUX", "NOUN"):
            subj = subject_of(t)
            if subj is not None and subj.i < zone[0].i:
                continue  # the verb belongs to a clause before the quote ('X said ..., noting')
            if subj is None or subj.i > zone[-1].i:
                subj = nearest_speaker_token(zone, t)
            if subj is not None and is_plausible_speaker(subj):
                return t, subj
        if (
            comma_inside
            and t.pos_ == "VERB"
            and t.i - zone[0].i <= 2
            and t.lower_ not in SPEECH_VERBS
        ):
            # another verb right after the quote ('“...,” he wrote in a letter')
            subj = subject_of(t)
            if (
                subj is not None
                and subj.i >= zone[0].i
                and subj.pos_ in ("PRON", "PROPN")
                and subj.i < t.i
            ):
                return t, subj
    return None


def cue_before_quote(ctx: Context, q: MarkedQuote) -> tuple[Token, Token] | None:
    """'Mr Wallace said: ‘...’' / 'He told reporters, “...”'."""
    zone = zone_before(ctx, q)
    if not zone:
        return None
    for k in range(len(zone) - 1, -1, -1):
        t = zone[k]
        if t.lower_ in SPEECH_VERBS and t.pos_ in ("VERB", "AUX"):
            between = zone[k + 1 :]
            if len(between) > 6 or any(x.pos_ == "VERB" for x in between):
                return None
            # the cue introduces the quote: 'said: “...', 'told reporters, “...', 'says “...'
            if between and between[-1].text not in (":", ",") or t.text.endswith("-called"):
                return None
            subj = subject_of(t)
            if subj is None:
                subj = nearest_speaker_token(zone[:k], t)
            if subj is not None and is_plausible_speaker(subj):
                return t, subj
            return None
    return None


def is_scare_quote(ctx: Context, q: MarkedQuote) -> bool:
    """A few marked words that are not a sentence of their own ('smart' meters, a
    "sexual bucket list."): emphasis or a borrowed phrase unless a cue stands next to them."""
    inner = ctx.text[q.start : q.end].strip(QUOTE_MARK_CHARS + " ")
    if q.open_ended or q.missing_open or words_in(inner) > SCARE_QUOTE_MAX_WORDS:
        return False
    if inner[-1:] not in ".,!?\u2026":
        return True
    span = ctx.doc.char_span(q.start, q.end, alignment_mode="expand")
    return span is None or not any(t.pos_ in ("VERB", "AUX") for t in span)


def is_borrowed_phrase(ctx: Context, q: MarkedQuote) -> bool:
    """Marked words in the middle of a sentence, with no verb of their own and no cue
    ('only for adults "in an advanced stage of irreversible decline" from a disease'):
    a term or a phrase lifted from a document, not something somebody said."""
    if q.open_ended or q.missing_open:
        return False
    before = ctx.text[ctx.paras[q.para][0] : q.start].rstrip()
    if not before or not before[-1].isalnum():
        return False
    span = ctx.doc.char_span(q.start, q.end, alignment_mode="expand")
    return span is not None and not any(t.pos_ in ("VERB", "AUX") for t in span)


def cue_is_adjacent(ctx: Context, q: MarkedQuote, cue: tuple[int, int]) -> bool:
    """The cue sits right next to the quote: '“Chicken,” he said', 'she said: “Chicken.”'."""
    gap = ctx.text[q.end : cue[0]] if cue[0] >= q.end else ctx.text[cue[1] : q.start]
    return words_in(gap) <= 2 and "\n" not in gap


NAMING_VERBS = word_set(
    """
    call calls called calling describe describes described describing dub dubs
    dubbed label labels labelled labeled brand brands branded term terms termed
"""
)


def naming_cue(ctx: Context, q: MarkedQuote) -> tuple[Token, Token] | None:
    """'Rempel called the minister a “chicken”', 'he described the plan as “reckless”':
    the words in marks are the subject's own, even when they are only a few."""
    span = ctx.doc.char_span(q.start, q.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    head = span.root
    for anc in [head, *head.ancestors]:
        if anc.i >= span.start and anc.i < span.end:
            continue
        if anc.lower_ in NAMING_VERBS and anc.pos_ == "VERB" and anc.i < span.start:
            subj = subject_of(anc)
            if subj is not None and is_plausible_speaker(subj) and not ctx.inside_quote(subj.idx):
                return anc, subj
            return None
        if anc.pos_ in ("VERB", "AUX") and anc.lower_ not in ("as",):
            return None  # another clause in between
    return None


def direct_drafts(ctx: Context, cue_of: dict, that_start: dict, mixed: list[Draft]) -> list[Draft]:
    """Marked quotes not swallowed by a mixed quote, each with the best cue found."""
    out = []
    for q in ctx.marked:
        if any(d.start <= q.start and q.end <= d.end for d in mixed):
            continue
        d = Draft(that_start.get(id(q), q.start), q.end, "direct", q.para, marked=q)
        r = cue_of.get(id(q))
        found = None
        naming = None
        if r is not None:
            d.cue, d.speaker, d.how = r.cue_span, r.speaker, "parse"
        elif (naming := naming_cue(ctx, q)) is not None:
            d.how = "naming"
            v, s = naming
            d.cue, d.speaker = (v.idx, v.idx + len(v.text)), s
        elif (found := cue_after_quote(ctx, q)) is not None:
            d.how = "after"
        elif (found := cue_before_quote(ctx, q)) is not None:
            d.how = "before"
        if found is not None:
            v, s = found
            d.cue, d.speaker = (v.idx, v.idx + len(v.text)), s
        if (
            is_scare_quote(ctx, q)
            and naming is None
            and not (d.cue and cue_is_adjacent(ctx, q, d.cue))
        ):
            continue  # a few marked words inside a sentence: emphasis, not a quotation
        if d.speaker is None and is_borrowed_phrase(ctx, q):
            continue
        out.append(d)
    return out


# the complements of a verb that hold what its subject is reported to have said or meant
QUOTED_OBJECT_DEPS = {"dobj", "prep", "xcomp", "ccomp", "dative", "attr", "oprd", "acomp"}


# verbs that only link or possess ('were a “normal” couple', 'has an online “road map”'):
# their object is a description, not somebody's words
BARE_VERBS = word_set("be is are was were been being am has have had having")


def is_named_speaker(subj: Token) -> bool:
    """A subject that names who speaks: a name, a pronoun, a person or organisation."""
    return (
        subj.pos_ in ("PROPN", "PRON") or subj.ent_type_ in ("PERSON", "ORG", "NORP")
    ) and is_plausible_speaker(subj)


def quoted_object_drafts(ctx: Context, drafts: list[Draft]) -> list[Draft]:
    """A quoted phrase inside the object of a verb whose subject is a speaker ('Bush praised
    his brother's “deep and genuine faith”', 'Cruz warned against the “fevered dreams” of a
    brokered convention'): the marks say the words are the subject's, so the verb's object
    is what the subject said (a mixed quote), whatever the verb. Only for marked quotes no
    other rule took."""
    out = []
    for q in ctx.marked:
        if any(d.start <= q.start and q.end <= d.end for d in drafts):
            continue
        span = ctx.doc.char_span(q.start, q.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        found = None
        for anc in span.root.ancestors:
            if anc.i >= span.start and anc.i < span.end:
                continue
            if anc.pos_ in ("VERB", "AUX"):
                found = anc
                break
        if (
            found is None
            or found.pos_ != "VERB"
            or found.i > span.start
            or found.lower_ in SPEECH_VERBS
            or found.lower_ in BARE_VERBS
        ):
            continue
        subj = subject_of(found)
        if subj is None or not is_named_speaker(subj) or ctx.inside_quote(subj.idx):
            continue
        comps = [c for c in found.rights if c.dep_ in QUOTED_OBJECT_DEPS]
        if not comps or not any(
            c.left_edge.i <= span.start and span.end - 1 <= c.right_edge.i for c in comps
        ):
            continue
        a = comps[0].left_edge.idx
        last = comps[-1].right_edge
        b = last.idx + len(last.text)
        para = ctx.para_of(found.idx)
        if ctx.para_of(a) != para or ctx.para_of(b - 1) != para:
            continue
        cue = (found.idx, found.idx + len(found.text))
        out.append(Draft(a, max(b, q.end), "mixed", para, cue, subj, "quoted_object"))
    return out


def remove_overlaps(drafts: list[Draft]) -> list[Draft]:
    """Keep non-overlapping quotes: the outer one when nested, else the one with a cue."""
    drafts.sort(key=lambda d: (d.start, -(d.end - d.start)))
    kept: list[Draft] = []
    for d in drafts:
        if kept and d.start < kept[-1].end:
            prev = kept[-1]
            if d.end <= prev.end:
                continue  # nested
            if prev.speaker is None and d.speaker is not None:
                kept[-1] = d
            continue
        kept.append(d)
    return kept


FIRST_PERSON = {"i", "we", "my", "our", "us", "me", "i'm", "we're"}


def unmarked_quote_paragraphs(ctx: Context, drafts: list[Draft]) -> list[Draft]:
    """A paragraph without quotation marks, in first person, between a paragraph that ends
    with a quote and one that opens with a quote mark, is the same speaker still talking
    whose marks were dropped: one floating quote for the whole paragraph."""
    by_para: dict[int, list[Draft]] = {}
    for d in drafts:
        by_para.setdefault(d.para, []).append(d)
    opens_para = {
        q.para for q in ctx.marked if q.start == ctx.paras[q.para][0] and not q.missing_open
    }
    marked_paras = {q.para for q in ctx.marked}
    new = []
    for k in range(1, len(ctx.paras) - 1):
        if k in marked_paras or k + 1 not in opens_para:
            continue
        prev = by_para.get(k - 1)
        if not prev or prev[-1].kind != "direct" or ctx.paras[k - 1][1] - prev[-1].end > 40:
            continue
        a, b = ctx.paras[k]
        span = ctx.doc.char_span(a, b, alignment_mode="expand")
        if span is None or not any(t.lower_ in FIRST_PERSON for t in span):
            continue
        new.append(Draft(a, b, "direct", k, how="unmarked_paragraph"))
        by_para[k] = []
    if not new:
        return drafts
    replaced = {d.para for d in new}
    return sorted([d for d in drafts if d.para not in replaced] + new, key=lambda d: d.start)


def layout_quotes(ctx: Context, drafts: list[Draft]) -> list[Draft]:
    """Drop quotes on link lines ('READ MORE: ...'); add embedded posts and pull quotes."""
    link_paras = {k for k, (a, b) in enumerate(ctx.paras) if is_link_line(ctx.text, a, b)}
    drafts = [d for d in drafts if d.para not in link_paras]
    taken = {d.para for d in drafts}
    new = []
    for k, (a, b) in enumerate(ctx.paras):
        if k in link_paras:
            continue
        found = embedded_post(ctx.text, a, b)
        how = "post"
        if found is None and k not in taken:
            found = pull_quote(ctx.doc, ctx.text, a, b)
            how = "pull_quote"
        if found is None:
            continue
        (qa, qb), (sa, sb) = found
        new.append(Draft(qa, qb, "direct", k, how=how, speaker_chars=(sa, sb)))
    if not new:
        return drafts
    replaced = {d.para for d in new}
    return sorted([d for d in drafts if d.para not in replaced] + new, key=lambda d: d.start)


def assign_floating(ctx: Context, drafts: list[Draft]) -> None:
    """Quotes without a cue continue the speaker of the quote before them when that is
    what the text means: same paragraph, or the paragraph right before when it ends with
    that quote. A paragraph that ends in narration about someone ('She also welcomed the
    offer.') hands the next floating quote to that someone instead."""
    for k, d in enumerate(drafts):
        if d.speaker is not None or d.speaker_chars is not None:
            continue
        if d.how.startswith("speakerless:"):
            continue  # 'it was revealed that ...': nobody's, not the previous speaker's
        found_as = d.how
        prev = drafts[k - 1] if k > 0 else None
        nxt = drafts[k + 1] if k + 1 < len(drafts) else None
        has_prev = prev is not None and prev.speaker_source() is not None
        if has_prev and prev.para == d.para:
            d.floating_from, d.how = prev, "floating_same_para"
            continue
        if found_as == "unmarked_paragraph" and has_prev:
            # the quote run it sits in gives its speaker; its confidence stays that of the
            # rule that found it
            d.floating_from = prev
            continue
        narrator = None
        if d.para > 0 and not (
            has_prev and prev.para == d.para - 1 and ctx.paras[d.para - 1][1] - prev.end <= 3
        ):
            narrator = narration_subject(ctx, d.para - 1)
        if narrator is not None:
            d.speaker, d.inherited, d.how = narrator, True, "floating_context"
        elif has_prev and prev.para == d.para - 1:
            d.floating_from, d.how = prev, "floating_prev_para"
        elif nxt is not None and nxt.para == d.para and nxt.speaker is not None:
            d.floating_from, d.how = nxt, "floating_next"
        elif has_prev:
            d.floating_from, d.how = prev, "floating_far"
        else:
            d.how = "unattributed"


def narration_subject(ctx: Context, para: int) -> Token | None:
    """The person the last sentence of a paragraph is about, when it is narration (not a
    quote): the subject of its main verb, if that is a named person or he/she."""
    a, b = ctx.paras[para]
    span = ctx.doc.char_span(a, b, alignment_mode="expand")
    if span is None:
        return None
    last = list(span.sents)[-1]
    if ctx.inside_quote(last.root.idx):
        return None
    for c in last.root.children:
        if (
            c.dep_ == "nsubj"
            and not ctx.inside_quote(c.idx)
            and (c.ent_type_ == "PERSON" or c.lower_ in ("he", "she"))
        ):
            return c
    return None


def resolve_speakers(ctx: Context, drafts: list[Draft], model=None) -> None:
    """Give every quote a canonical speaker name, in text order (pronouns look back at
    earlier speakers); floating quotes take their source quote's name. The resolution rules
    propose a name; with a model, it chooses among that name and the article's other
    candidates (ranking.py)."""
    reg = build_registry(ctx.doc, ctx.text, ctx.para_of, [(d.start, d.end) for d in drafts])
    sightings = SightingIndex(reg)
    speakers_so_far: list[Mention] = []
    authors: dict[str, str] = {}
    described: dict[str, tuple[str, float]] = {}  # head noun of a description -> its name
    for d in drafts:
        if d.speaker_chars is not None:
            a, b = d.speaker_chars
            words = name_words(ctx.text[a:b])
            p = reg.find(words)
            d.speaker_name = p.name if p else " ".join(words)
            d.resolution_conf = 0.9
            d.speaker_type = "person"
            continue
        if d.speaker is None:
            src = d.speaker_source()
            if src is not None:
                d.speaker_name, d.resolution_conf = src.speaker_name, src.resolution_conf
                d.speaker_type, d.alternatives = src.speaker_type, src.alternatives
            continue
        agent = carrier_agent(d.speaker)
        head = agent or person_in_apposition(d.speaker) or d.speaker
        a, b = name_span(ctx, head)
        group = coordinated_speakers(ctx, reg, head, d.para, speakers_so_far)
        if group is not None:
            names, d.resolution_conf, d.speaker_type = group, 0.8, "group"
            d.speaker_name = ", ".join(names[:-1]) + " and " + names[-1]
            d.alternatives = tuple(names[:MAX_ALTERNATIVES])  # each of them alone
            continue
        name, conf = resolve_name(reg, head, ctx.text[a:b], a, d.para, speakers_so_far)
        if head.pos_ == "NOUN" and head.lower_ in described and is_definite(head):
            # 'a justice official said ...' then 'the justice official added ...': the same
            name, conf = described[head.lower_]
            if not name:  # the earlier one was never named: keep this description as written
                name, conf = ctx.text[a:b], 0.6
        elif head.pos_ == "NOUN" and name:
            named = fold_text(name) != fold_text(ctx.text[a:b])
            described.setdefault(head.lower_, (name if named else "", conf))
        carrier = d.speaker.lower_ if d.speaker.lower_ in CARRIER_NOUNS else None
        if carrier and agent is not None and name:
            authors[carrier] = name  # 'a study by Civic Action' ... later 'the study said'
        elif carrier and agent is None and carrier in authors:
            name, conf = authors[carrier], 0.6
        d.choices = speaker_choices(
            ctx, reg, sightings, head, (a, b), d.para, name, speakers_so_far
        )
        if not d.choices:  # a pronoun with nobody before it
            d.speaker_name, d.resolution_conf = name, conf
            continue
        if model is not None:
            ranked = model.rank(d.choices)
            best = full_name_of_surname(ranked)
            name, conf = best.name, ranked[0].score
        else:
            ranked = sorted(d.choices, key=lambda c: not c.is_rule)
            best = ranked[0]
        d.speaker_name, d.resolution_conf, d.speaker_type = name, conf, best.speaker_type
        d.alternatives = tuple(
            c.name
            for c in ranked[1:]
            if c.speaker_type in ("person", "organisation") and not c.features.get("literal")
        )[:MAX_ALTERNATIVES]
        if name:
            speakers_so_far.append(Mention(a, speaker_person(reg, head, name), True, d.para))


MAX_ALTERNATIVES = 3


def full_name_of_surname(ranked: list[Choice]) -> Choice:
    """The best choice, except that a surname taken as written ('Hadwin said') is the
    person whose full name the article gives ('Adam Hadwin'), when the rules resolve it to
    that person: the same speaker, under the name the article introduced them by."""
    best = ranked[0]
    if not best.features.get("propn*literal"):
        return best
    for c in ranked[1:]:
        if (
            c.is_rule
            and c.speaker_type == "person"
            and c.features.get("surname_match")
            and c.features.get("propn*words_inside")
        ):
            return c
    return best


def coordinated_speakers(ctx: Context, reg, head: Token, para: int, so_far) -> list[str] | None:
    """'Burton and Nick said': the names of a group speaker ('Jim Burton', 'Nick Ray'),
    each resolved as a speaker of its own would be; the quote is the group's, named by
    both. None when the subject is one person."""
    if head.pos_ != "PROPN":
        return None
    conjuncts = [c for c in head.children if c.dep_ == "conj" and c.pos_ == "PROPN"]
    if not conjuncts or not any(c.lower_ == "and" for c in head.children if c.dep_ == "cc"):
        return None
    names = []
    for t in [head, *conjuncts]:
        a, b = name_text(t)
        name, _ = resolve_name(reg, t, ctx.text[a:b], a, para, so_far)
        names.append(name or ctx.text[a:b])
    return names


class SightingIndex:
    """Where each person of the registry is mentioned, for the candidate features."""

    def __init__(self, reg):
        self.reg = reg
        # name -> the positions of all its mentions, in text order
        self.by_name: dict[str, list[int]] = {}
        # name -> its mentions outside quotations, and their positions, in text order
        self.unquoted: dict[str, tuple[list[int], list[Mention]]] = {}
        self.person_of: dict[str, Person] = {}
        for m in sorted(reg.mentions, key=lambda m: m.pos):
            if m.person.is_description:
                continue
            name = m.person.name
            self.by_name.setdefault(name, []).append(m.pos)
            if not reg.in_quote(m.pos):
                positions, mentions = self.unquoted.setdefault(name, ([], []))
                positions.append(m.pos)
                mentions.append(m)
            self.person_of.setdefault(name, m.person)

    def sighting(self, name: str, pos: int) -> Sighting:
        """The nearest earlier mention outside quotations, the next mention (anywhere) and
        the number of mentions of `name`, seen from `pos` (by bisection)."""
        s = Sighting()
        every = self.by_name.get(name)
        if not every:
            return s
        s.count = len(every)
        k = bisect_right(every, pos)
        if k < len(every):
            s.next_pos = every[k]
        positions, mentions = self.unquoted.get(name, ([], []))
        k = bisect_left(positions, pos) - 1
        if k >= 0:
            m = mentions[k]
            s.prev_pos, s.prev_para, s.prev_subject = m.pos, m.para, m.is_subject
        return s


def person_type(p: Person | None) -> str:
    if p is None:
        return "unknown"
    if p.is_group:
        return "group"
    if p.is_org and not p.is_person:
        return "organisation"
    if p.is_person:
        return "person"
    return "unknown"


def pronoun_fits(kind: str, gender: str | None, p: Person | None) -> bool:
    """Whether a pronoun can refer to a candidate: he/she a person of that gender or of
    unknown gender, they/we a group or organisation, it an organisation."""
    ptype = person_type(p)
    if kind == "pron_gendered":
        return ptype == "person" and (p.gender is None or p.gender == gender)
    if kind == "pron_plural":
        return ptype in ("group", "organisation")
    return ptype == "organisation"


def speaker_choices(
    ctx: Context,
    reg,
    sightings: SightingIndex,
    head: Token,
    span: tuple[int, int],
    para: int,
    rule_name: str,
    speakers_so_far: list[Mention],
) -> list[Choice]:
    """The candidate speakers of one mention, with their features: the rules' name, the
    article's people and organisations, the earlier speakers and the mention as written."""
    a, b = span
    kind = mention_kind(head)
    mention_text = ctx.text[a:b]
    written = name_words(mention_text)
    if kind == "propn" and written and all(fold(w).rstrip(".") in TITLE_WORDS for w in written):
        kind = "noun_def"  # a title used as a name ('the Defence Secretary'): a description
    pronoun_gender = PRONOUN_GENDER.get(head.lower_) if kind == "pron_gendered" else None
    words = strip_titles(name_words(mention_text)) if kind == "propn" else []
    last = fold(words[-1]).rstrip(".") if words else ""
    speakers = []
    for m in reversed(speakers_so_far):
        if m.person.name not in speakers:
            speakers.append(m.person.name)
    names: dict[str, Sighting] = {}
    for name in sightings.by_name:
        s = sightings.sighting(name, a)
        if s.prev_pos is not None or (s.next_pos is not None and s.next_pos - a < 400):
            names[name] = s
    for name in speakers:
        names.setdefault(name, sightings.sighting(name, a))

    def distance(n: str) -> int:  # from the candidate's last earlier mention; never: far
        prev = names[n].prev_pos
        return a - prev if prev is not None else 10**6

    if len(names) > MAX_CANDIDATES:
        names = {n: names[n] for n in sorted(names, key=distance)[:MAX_CANDIDATES]}
    by_recency = sorted(names, key=distance)
    recency = {n: k for k, n in enumerate(by_recency)}
    choices = []
    literal_done = False
    mention_words = {fold(w).rstrip(".") for w in words}
    head_word = fold(head.text)
    head_class = ""
    if kind in ("noun", "noun_def"):
        if head.lower_ in GENERIC_ORG_NOUNS:
            head_class = "org_noun"
        elif head.lower_ in PERSON_ROLE_NOUNS or "year-old" in mention_text:
            head_class = "role_noun"
    people = {}
    for name in [rule_name, *names] if rule_name and rule_name not in names else list(names):
        # people the engine made up for earlier unnamed speakers join reg.people later
        people[name] = sightings.person_of.get(name) or next(
            (x for x in reg.people if x.name == name), None
        )
    compatible = {}
    pronoun = kind in ("pron_gendered", "pron_plural", "pron_it")
    acronym = reg.find_acronym(words[-1]) if len(words) == 1 else None
    if pronoun:
        fits = [
            n
            for n, p in people.items()
            if names.get(n) is not None
            and names[n].prev_pos is not None
            and pronoun_fits(kind, pronoun_gender, p)
        ]
        fits.sort(key=distance)
        compatible = {n: k for k, n in enumerate(fits)}
    for name, p in people.items():
        is_literal = p is None and fold_text(name) == fold_text(mention_text)
        literal_done |= is_literal
        ctype = literal_type(head) if p is None else person_type(p)
        key = p.key() if p is not None else [fold(w) for w in name.split()]
        choices.append(
            Choice(
                name,
                ctype,
                candidate_features(
                    kind,
                    ctype,
                    is_rule=name == rule_name,
                    is_literal=is_literal,
                    pronoun_gender=pronoun_gender,
                    gender=p.gender if p is not None else None,
                    surname_match=bool(last) and bool(key) and key[-1] == last,
                    title_match=p is not None and head.lower_ in p.titles,
                    sighting=names.get(name) or Sighting(),
                    pos=a,
                    para=para,
                    speaker_rank=speakers.index(name) if name in speakers else None,
                    recency_rank=recency.get(name, len(recency)),
                    compatible_rank=compatible.get(name),
                    words_inside=bool(mention_words) and mention_words <= set(key),
                    first_name_match=len(words) == 1 and len(key) > 1 and key[0] == last,
                    head_in_name=kind in ("noun", "noun_def") and head_word in key,
                    acronym_match=acronym is not None and p is acronym,
                    pronoun_fits=pronoun_fits(kind, pronoun_gender, p) if pronoun else None,
                    head_class=head_class,
                ),
                is_rule=name == rule_name,
            )
        )
    if not literal_done and kind not in ("pron_gendered", "pron_plural", "pron_it"):
        choices.append(
            Choice(
                mention_text,
                literal_type(head),
                candidate_features(
                    kind,
                    literal_type(head),
                    is_rule=False,
                    is_literal=True,
                    pos=a,
                    para=para,
                    head_class=head_class,
                ),
            )
        )
    return choices


NOT_PEOPLE = {"ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "EVENT", "LAW", "LANGUAGE"}


def name_span(ctx: Context, head: Token) -> tuple[int, int]:
    """Where the speaker's name is written: the named entity around a proper noun ('the
    Institute for Fiscal Studies'), its compound run, or the whole description."""
    if head.pos_ != "PROPN":
        return mention_span(head)
    if head.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        doc = ctx.doc
        i, j = head.i, head.i
        while doc[i].ent_iob_ == "I" and i > 0:
            i -= 1
        while j + 1 < len(doc) and doc[j + 1].ent_iob_ == "I":
            j += 1
        while j > i and doc[j].is_space:
            j -= 1
        return doc[i].idx, doc[j].idx + len(doc[j].text)
    return name_text(head)


def fold_text(s: str) -> str:
    return " ".join(
        w.lower() for w in s.split() if w.lower() not in ("the", "a", "an", "his", "her")
    )


def is_definite(t: Token) -> bool:
    return any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in t.children)


def speaker_person(reg, head: Token, name: str) -> Person:
    """The registry entry a resolved speaker stands for (made up for unnamed speakers)."""
    p = next((x for x in reg.people if x.name == name), None)
    if p is None:
        p = Person(name, name.split(), is_org=head.ent_type_ in ("ORG", "GPE", "NORP"))
        p.is_group = head.tag_ in ("NNS", "NNPS") or head.lower_ in ("they", "we")
        # a named speaker the NER did not type is most likely a person ('Det Insp Claire Hughes')
        p.is_person = head.ent_type_ == "PERSON" or (
            head.pos_ == "PROPN" and head.ent_type_ not in NOT_PEOPLE and not p.is_group
        )
        if p.is_person:
            p.gender = guess_gender(p.words)
        p.is_description = head.pos_ not in ("PROPN",) or name.lower().startswith(
            ("a ", "an ", "the ")
        )
        reg.people.append(p)
    low = head.lower_
    if low in PRONOUN_GENDER and not p.is_org:
        p.is_person = True
        p.gender = p.gender or PRONOUN_GENDER[low]
    return p


def carried_mention(d: Draft) -> Token | None:
    """The mention a quote's speaker is named by. A quote's own mention; for a floating
    quote only when the mention stands in the same sentence or paragraph run: the subject
    of the verb a '..., saying ...' hangs on, or the mention of the quote an interrupted
    quotation continues ('“A,” he said. “B.”'). Such a quote stays floating (no mention of
    its own, as GGT annotates it) but carries that mention (as PolNeAR annotates the whole
    quotation). A quote continued from another paragraph carries none."""
    if d.speaker is not None:
        return None if d.how == "floating_context" else d.speaker
    src = d.floating_from
    if d.how == "floating_same_para" and src is not None and src.para == d.para:
        return src.speaker
    return None


USE_ACTIVE_MODEL = object()


def to_candidate(ctx: Context, d: Draft, version: str = EXTRACTOR_VERSION) -> QuoteCandidate:
    text = ctx.text
    floating = d.speaker_chars is None and (d.speaker is None or d.inherited)
    mention = carried_mention(d)
    if d.speaker_chars is not None:
        sa, sb = d.speaker_chars
        stext = text[sa:sb]
    elif mention is not None:
        sa, sb = mention_span(mention)
        stext = text[sa:sb]
    else:
        sa = sb = None
        stext = ""
    ca, cb = d.cue if d.cue else (None, None)
    return QuoteCandidate(
        start=d.start,
        end=d.end,
        text=text[d.start : d.end],
        kind=d.kind,
        speaker_start=sa,
        speaker_end=sb,
        speaker_text=stext,
        speaker_name=d.speaker_name,
        cue_start=ca,
        cue_end=cb,
        cue_text=text[ca:cb] if ca is not None else "",
        confidence=score_candidate(d),
        is_floating=floating,
        version=version,
        speaker_type=d.speaker_type if d.speaker_name else "unknown",
        alternatives=tuple(x for x in d.alternatives if x != d.speaker_name),
    )


def analyse(doc: Doc, model=None, text: str | None = None) -> tuple[Context, list[Draft]]:
    """The quotes of a parsed document as drafts, in text order, speakers resolved (with
    each draft's ranked candidate speakers: what the attribution model is trained on).
    `text`: doc.text when the caller has it already (spaCy rebuilds it on every access)."""
    if text is None:
        text = doc.text
    ctx = Context(doc, text)
    reports = find_reports(doc, text, ctx.inside_quote)
    reported, cue_of, that_start = classify_reports(ctx, reports)
    mixed = [d for d in reported if d.kind == "mixed"]
    drafts = remove_overlaps(reported + direct_drafts(ctx, cue_of, that_start, mixed))
    drafts = remove_overlaps(drafts + quoted_object_drafts(ctx, drafts))
    drafts = [trimmed(ctx, d) for d in drafts]
    drafts = [d for d in drafts if d.end > d.start]
    drafts = unmarked_quote_paragraphs(ctx, drafts)
    drafts = layout_quotes(ctx, drafts)
    assign_floating(ctx, drafts)
    resolve_speakers(ctx, drafts, model)
    return ctx, drafts


def extract(doc: Doc, model=USE_ACTIVE_MODEL) -> list[QuoteCandidate]:
    """All quote candidates of a parsed document, in text order. The speaker chooser is the
    active attribution model (ranking.active_model) unless another is given; None means
    the resolution rules alone."""
    text = doc.text  # built once: spaCy joins the tokens again on every access
    if not text.strip():
        return []
    if model is USE_ACTIVE_MODEL:
        model = active_model()
    ctx, drafts = analyse(doc, model, text)
    version = engine_version(model.version if model is not None else None)
    return [to_candidate(ctx, d, version) for d in drafts]


def trimmed(ctx: Context, d: Draft) -> Draft:
    """An indirect or mixed quote without the punctuation and conjunctions at its edges."""
    if d.kind != "direct":
        d.start, d.end = trim(ctx.text, d.start, d.end)
    return d
