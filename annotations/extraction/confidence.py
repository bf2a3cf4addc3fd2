"""Confidence in [0, 1] that a candidate is a real quote attributed to the right speaker.

confidence = how reliable the rule that found the quote and its cue is
           x how reliable the kind of quote is
           x how sure the speaker resolution is: the speaker chooser's probability that
             its pick is right (ranking.py, logistic regression, so roughly calibrated by
             training), or the resolution rule's certainty when no model is loaded.
The factors were read off the first 30 development articles (share of candidates of each
kind that matched a gold quote with the right speaker) and checked on the other 9; the
evaluation command prints accuracy per confidence band so they can be re-checked on new
data.
"""

# how the quote and its cue were found
RULE_RELIABILITY = {
    "parse": 1.0,  # the cue's dependency parse covers the quote
    "floating_same_para": 1.0,  # continues a quote of the same paragraph
    "floating_prev_para": 0.92,  # continues the quote of the paragraph before
    "post": 0.9,  # embedded social-media post with its signature
    "floating_far": 0.8,
    "floating_context": 0.9,  # continues the person the paragraph before narrated about
    "after": 0.9,  # cue found in a short window after the quote, not through the parse
    "naming": 0.6,  # 'called it “a disaster”': the marked words are the subject's
    # 'praised his “deep faith”': a quoted phrase in the object of a verb outside the lexicon
    "quoted_object": 0.6,
    "before": 0.6,
    "unmarked_paragraph": 0.6,
    "pull_quote": 0.7,
    "floating_next": 0.3,
    "unattributed": 0.05,
    "speakerless": 1.0,  # a report the text gives no speaker ('it was revealed that ...')
}
KIND_RELIABILITY = {"direct": 1.0, "mixed": 0.95, "indirect": 0.95}
# how a speaker mention was resolved to a name (coreference.py), when no chooser model is
# loaded: the rule's certainty, set by hand from the development articles
RESOLUTION_RELIABILITY = {
    "known_name": 0.95,  # the mention's words name a person already in the article
    "acronym": 0.85,  # 'NTA' for the National Transit Authority named before
    "surname_alone": 0.8,  # a name NER missed, matched by its surname
    "first_name_alone": 0.75,  # 'Michael', in an article with one Michael
    "name_not_seen_before": 0.75,
    "title_holder": 0.8,  # 'the mayor': the nearest earlier holder of the title
    "person_the_paragraph_is_about": 0.55,  # 'the 26-year-old said'
    "organisation_quoted_before": 0.6,  # 'the utility': the organisation quoted last
    "role_named_later": 0.5,  # 'a judge said ... Justice Dunphy directed'
    "indefinite_description": 0.6,  # 'a spokesperson', left as written
    "description_unresolved": 0.6,
    "indefinite_pronoun": 0.4,  # 'some', 'others'
    "pronoun_after_recent_person": 0.85,  # '... for accountant Jo Farr, 50. “...,” he says'
    "pronoun_subject_same_gender": 0.95,  # a subject nearby whose gender the pronoun has
    "pronoun_subject_gender_unknown": 0.9,
    "pronoun_far_back": 0.3,  # only a compatible person further back
    "pronoun_unresolved": 0.2,
}


def score_candidate(d) -> float:
    """Confidence of a draft candidate (see the module docstring)."""
    base = RULE_RELIABILITY.get(d.how.split(":")[0], 0.5)
    resolution = d.resolution_conf if d.speaker_name else 0.05
    c = base * KIND_RELIABILITY.get(d.kind, 0.9) * resolution
    return max(0.0, min(1.0, c))
