"""Reporting cues: the verbs and phrases that introduce speech.

A lexicon of inflected forms (the lemmatizer is not needed, which keeps the pipeline
fast), split by how sure a verb is to introduce speech: SPEECH verbs always do, BELIEF
verbs (think, believe) only count with a that-clause, DIRECTIVE verbs (urge, remind) take
``someone to do something`` as their content.
"""


def _forms(*bases: str) -> dict[str, str]:
    """Map every listed inflection to its base form. Each argument is "base form1 form2 ..."."""
    out = {}
    for entry in bases:
        words = entry.split()
        for w in words:
            out[w] = words[0]
    return out


SPEECH_VERBS = _forms(
    "say says said saying",
    "tell tells told telling",
    "add adds added adding",
    "note notes noted noting",
    "argue argues argued arguing",
    "claim claims claimed claiming",
    "insist insists insisted insisting",
    "warn warns warned warning",
    "explain explains explained explaining",
    "state states stated stating",
    "announce announces announced announcing",
    "confirm confirms confirmed confirming",
    "admit admits admitted admitting",
    "acknowledge acknowledges acknowledged acknowledging",
    "suggest suggests suggested suggesting",
    "indicate indicates indicated indicating",
    "complain complains complained complaining",
    "write writes wrote writing written",
    "reply replies replied replying",
    "respond responds responded responding",
    "tweet tweets tweeted tweeting",
    "post posts posted posting",
    "stress stresses stressed stressing",
    "emphasize emphasizes emphasized emphasizing emphasise emphasises emphasised emphasising",
    "allege alleges alleged alleging",
    "testify testifies testified testifying",
    "assure assures assured assuring",
    "maintain maintains maintained maintaining",
    "contend contends contended contending",
    "predict predicts predicted predicting",
    "reveal reveals revealed revealing",
    "recall recalls recalled recalling",
    "concede concedes conceded conceding",
    "declare declares declared declaring",
    "deny denies denied denying",
    "agree agrees agreed agreeing",
    "promise promises promised promising",
    "vow vows vowed vowing",
    "pledge pledges pledged pledging",
    "caution cautions cautioned cautioning",
    "assert asserts asserted asserting",
    "observe observes observed observing",
    "conclude concludes concluded concluding",
    "report reports reported reporting",
    "announce announces announced announcing",
    "repeat repeats repeated repeating",
    "reiterate reiterates reiterated reiterating",
    "counter counters countered countering",
    "retort retorts retorted retorting",
    "quip quips quipped quipping",
    "joke jokes joked joking",
    "ask asks asked asking",
    "question questions questioned questioning",
    "answer answers answered answering",
    "point points pointed pointing",  # "point out"
    "estimate estimates estimated estimating",
    "mention mentions mentioned mentioning",
    "remark remarks remarked remarking",
    "comment comments commented commenting",
    "accuse accuses accused accusing",
    "charge charges charged charging",
    "hint hints hinted hinting",
    "boast boasts boasted boasting",
    "crow crows crowed crowing",
    "sniff sniffs sniffed sniffing",
    "scold scolds scolded scolding",
    "blurt blurts blurted blurting",
    "stutter stutters stuttered stuttering",
    "confess confesses confessed confessing",
    "continue continues continued continuing",
    "go goes went going",  # only as 'went on'
    "read reads",
    "acknowledge acknowledges acknowledged",
    "specify specifies specified specifying",
    "clarify clarifies clarified clarifying",
    "describe describes described describing",
    "call calls called calling",
    "shout shouts shouted shouting",
    "yell yells yelled yelling",
    "exclaim exclaims exclaimed exclaiming",
    "muse muses mused musing",
    "laugh laughs laughed laughing",
    "sigh sighs sighed sighing",
    "decline declines declined",
    "urge urges urged urging",
    "remind reminds reminded reminding",
    "advise advises advised advising",
    "request requests requested requesting",
)

# verbs of thought: speech only when they take a clause ("X believes that ...")
BELIEF_VERBS = _forms(
    "believe believes believed believing",
    "think thinks thought thinking",
    "feel feels felt feeling",
    "hope hopes hoped hoping",
    "fear fears feared fearing",
    "worry worries worried worrying",
    "expect expects expected expecting",
)

# verbs whose reported content can be "someone to do something" (xcomp)
DIRECTIVE_VERBS = {
    "urge",
    "remind",
    "advise",
    "tell",
    "ask",
    "warn",
    "call",
    "encourage",
    "request",
    "promise",
    "vow",
    "pledge",
}

# verbs that report speech after a direct quote but are too vague for indirect speech
QUOTE_ONLY_VERBS = {
    "continue",
    "read",
    "call",
    "describe",
    "shout",
    "yell",
    "exclaim",
    "muse",
    "laugh",
    "sigh",
    "quip",
    "joke",
    "crow",
    "sniff",
    "scold",
    "blurt",
    "stutter",
    "post",
    "decline",
    "comment",
    "remark",
    "answer",
    "ask",
    "charge",
    "accuse",
    "request",
    "report",
    "tweet",
    "write",
    "mention",
    "observe",
    "recall",
    # verbs that report speech only with an explicit "that" (else: 'agreed to', 'estimated
    # at', 'promised to', 'suggests a link')
    "estimate",
    "promise",
    "pledge",
    "vow",
    "agree",
    "specify",
    "conclude",
    "suggest",
    "hint",
    "predict",
    "deny",
    "contend",
    "clarify",
}

# "according to X" and similar phrases: the speaker is the object of the last word
SOURCE_PHRASES = (("according", "to"),)


def speech_base(word: str) -> str | None:
    """Base form of a speech verb, or None."""
    return SPEECH_VERBS.get(word.lower())


def belief_base(word: str) -> str | None:
    return BELIEF_VERBS.get(word.lower())
