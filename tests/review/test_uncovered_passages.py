"""The uncovered passages a and Tab mark (review.js uncoveredPassages), as the scripted
editor counts them (annotations/passages.py uncovered_passages): the two must agree,
and tests/browser/test_review_jump_and_passages.py checks the page on the same text."""

from annotations.passages import uncovered_passages

# Invented. The second and third lines report speech without quotation marks, beside a
# short reporting clause; in the fourth, "added" reports nothing.
TOLLS = (
    "Tolls on the new bridge will stay at two dollars for cars.\n"
    "That is cheaper than the ferry it replaces, argued Ann Rowe.\n"
    "According to the county, the tolls will pay for the bridge in twelve years.\n"
    "In addition, the city added five buses, and the route opens in May."
)


def passages(text, covered=()):
    return [text[s:e] for s, e in uncovered_passages(text, list(covered))]


def test_the_rest_of_a_sentence_beside_a_short_reporting_clause_is_a_passage():
    assert passages(TOLLS) == [
        "That is cheaper than the ferry it replaces",  # before ", argued Ann Rowe."
        "Ann Rowe",  # after the verb, as before
        "the tolls will pay for the bridge in twelve years",  # after "According to ...,"
        # After the verb "added", as before; "In addition" is no passage: ", the city
        # added five buses," neither starts nor ends with the verb.
        "five buses, and the route opens in May",
    ]


def test_a_clause_over_five_words_is_no_reporting_clause():
    text = "The tolls will fall next year, said the chair of the bridge board."
    assert passages(text) == ["the chair of the bridge board"]  # after "said" only


def test_a_covered_passage_is_left_out():
    start = TOLLS.index("That is")
    covered = [(start, start + len("That is cheaper"))]
    assert passages(TOLLS, covered) == [
        "Ann Rowe",
        "the tolls will pay for the bridge in twelve years",
        "five buses, and the route opens in May",
    ]
