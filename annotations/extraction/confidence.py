"""Confidence in [0, 1] that a candidate is a real quote with the right speaker.

A small table of how often each way of finding a quote is right, times how sure the
speaker resolution is. The numbers come from reading the development errors; the
evaluation command prints accuracy per band so they can be checked on new data.
"""

# how the quote and its speaker were found -> base reliability
RULE_RELIABILITY = {
    "parse": 0.9,
    "after": 0.9,
    "before": 0.85,
    "floating_same_para": 0.8,
    "floating_prev_para": 0.7,
    "floating_next": 0.6,
    "floating_far": 0.35,
    "unattributed": 0.1,
    "unmarked_paragraph": 0.55,
    "post": 0.85,
    "pull_quote": 0.6,
}
KIND_RELIABILITY = {"direct": 1.0, "mixed": 0.9, "indirect": 0.8}


def score_candidate(d) -> float:
    how = d.how.split(":")[0]
    base = RULE_RELIABILITY.get(how, 0.5)
    res = d.resolution_conf if d.speaker_name else 0.1
    c = base * KIND_RELIABILITY.get(d.kind, 0.8) * (0.5 + 0.5 * res)
    return max(0.0, min(1.0, c))
