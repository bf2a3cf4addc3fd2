"""Article text cut into highlight pieces, and the word steps for span editing."""

from types import SimpleNamespace

from annotations.segments import article_segments, grow_end, grow_start, shrink_end, shrink_start

TEXT = '"We will win," said Ana. She left.'
QUOTE_END = len('"We will win,"')  # 14
CUE = (TEXT.index("said"), TEXT.index("said") + 4)
MENTION = (TEXT.index("Ana"), TEXT.index("Ana") + 3)


def quote(pk, start, end, speaker=None, cue=None):
    s_start, s_end = speaker or (None, None)
    c_start, c_end = cue or (None, None)
    return SimpleNamespace(
        pk=pk,
        start=start,
        end=end,
        speaker_start=s_start,
        speaker_end=s_end,
        cue_start=c_start,
        cue_end=c_end,
    )


def test_the_pieces_put_together_are_the_text_exactly():
    pieces = article_segments(TEXT, [quote(1, 0, QUOTE_END, speaker=MENTION, cue=CUE)])
    assert "".join(p.text for p in pieces) == TEXT
    assert all(TEXT[p.start : p.end] == p.text for p in pieces)


def test_a_quote_its_mention_and_its_cue_get_their_roles():
    q = quote(1, 0, QUOTE_END, speaker=MENTION, cue=CUE)
    by_text = {p.text: p for p in article_segments(TEXT, [q])}
    assert by_text['"We will win,"'].quotes == [q]
    assert by_text["Ana"].speaker_of == [q]
    assert by_text["said"].cue_of == [q]
    assert by_text[". She left."].owner is None


def test_overlapping_quotes_split_into_pieces_covered_by_both():
    outer, inner = quote(1, 0, QUOTE_END), quote(2, 4, 8)  # "will" inside the quote
    pieces = article_segments(TEXT, [inner, outer])
    by_text = {p.text: p for p in pieces}
    assert by_text["will"].quotes == [outer, inner]
    assert by_text["will"].owner is inner
    assert by_text['"We '].quotes == [outer]


def test_crossing_quotes_render_every_character_once():
    pieces = article_segments(TEXT, [quote(1, 0, 10), quote(2, 5, 20)])
    assert "".join(p.text for p in pieces) == TEXT
    assert [p.text for p in pieces if len(p.quotes) == 2] == ["ill w"]


def test_spans_outside_the_text_are_clipped():
    pieces = article_segments(TEXT, [quote(1, 30, 500)])
    assert "".join(p.text for p in pieces) == TEXT


def test_pieces_break_after_newlines():
    pieces = article_segments("One.\r\nTwo.\nThree.", [])
    assert [p.text for p in pieces] == ["One.\r\n", "Two.\n", "Three."]


def test_word_steps():
    text = "He said the plan would cost less, and left."
    start, end = text.index("the plan"), text.index(", and")
    assert text[grow_start(text, start) : end] == "said the plan would cost less"
    assert text[shrink_start(text, start, end) : end] == "plan would cost less"
    assert text[start : shrink_end(text, start, end)] == "the plan would cost"
    assert text[start : grow_end(text, end)] == "the plan would cost less, and"


def test_word_steps_keep_a_full_stop_alone():
    text = "It was cheap. Then"
    assert text[: grow_end(text, text.index("."))] == "It was cheap."


def test_a_one_word_span_does_not_shrink_away():
    text = "Hello world"
    assert shrink_start(text, 0, 5) == 0
    assert shrink_end(text, 0, 5) == 5


# Clause steps ( ) < > ---------------------------------------------------------------

CLAUSES = (
    'He said the plan was "a step back," and that about 1,300 people came, which was '
    "the latest. She left.\nNext line"
)


def test_a_clause_ends_before_its_punctuation_or_after_the_closing_marks_it_keeps():
    from annotations.segments import clause_ends

    ends = [CLAUSES[:e] for e in clause_ends(CLAUSES)]
    assert ends[0] == 'He said the plan was "a step back,"'  # the quote keeps its marks
    assert ends[1].endswith("1,300 people came")  # not inside "1,300"
    assert ends[2].endswith("was the latest")  # the full stop left out
    assert ends[3].endswith("She left") and ends[4] == CLAUSES  # a line's end, the text's
    sentences = [CLAUSES[:e][-9:] for e in clause_ends(CLAUSES, sentences_only=True)]
    assert sentences == ["he latest", " She left", "Next line"]


def test_clause_steps_move_an_end_and_a_start_and_come_back():
    from annotations.segments import (
        grow_end_clause,
        grow_start_clause,
        shrink_end_clause,
        shrink_start_clause,
    )

    start = CLAUSES.index("the plan")
    end = CLAUSES.index(' "a step')
    grown = grow_end_clause(CLAUSES, start, end)
    assert CLAUSES[start:grown] == 'the plan was "a step back,"'
    assert shrink_end_clause(CLAUSES, start, grown) == grown  # nothing between start and it
    further = grow_end_clause(CLAUSES, start, grown)
    assert CLAUSES[start:further].endswith("1,300 people came")
    assert shrink_end_clause(CLAUSES, start, further) == grown
    assert grow_start_clause(CLAUSES, start, further) == 0
    after = shrink_start_clause(CLAUSES, 0, further)
    assert CLAUSES[after:further] == "and that about 1,300 people came"
    assert shrink_start_clause(CLAUSES, after, further) == after  # never reaching the end
