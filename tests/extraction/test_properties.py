"""Whatever the text, the engine never raises and its spans index the text exactly."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.extraction import extract

MARKS = ['"', "\u201c", "\u201d", "\u2018", "\u2019", "'", "\u00ab", "\u00bb"]
PIECES = [
    "He said",
    " she told reporters",
    ", according to Ms Lee",
    " that ",
    "\n",
    "\n\n",
    " the minister said.",
    "Mr Wallace",
    " they\u2019re ",
    " Morans\u2019 ",
    ". ",
    ",",
    "It was good",
    " said John Smith",
    ":",
    " \u2014 BC Hydro (@bchydro) May 1, 2019",
    " pic.twitter.com/x",
    "READ MORE: ",
    "According to ",
    " \u201819 ",
]

texty = st.lists(
    st.one_of(st.sampled_from(MARKS), st.sampled_from(PIECES), st.text(max_size=12)), max_size=40
).map("".join)

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def assert_well_formed(text, cands):
    for c in cands:
        assert 0 <= c.start < c.end <= len(text)
        assert c.text == text[c.start : c.end]
        assert 0.0 <= c.confidence <= 1.0
        assert c.kind in ("direct", "indirect", "mixed")
        if c.speaker_start is not None:
            assert 0 <= c.speaker_start < c.speaker_end <= len(text)
            assert c.speaker_text == text[c.speaker_start : c.speaker_end]
        else:
            assert c.speaker_text == ""
        if c.cue_start is not None:
            assert c.cue_text == text[c.cue_start : c.cue_end]
        assert "\n" not in c.text.strip("\n")  # never crosses a paragraph break
        json = c.to_json()
        assert json["quote"] == text[json["quote_span"][0] : json["quote_span"][1]]


@SETTINGS
@given(text=st.text(max_size=300))
def test_any_unicode_text_gives_spans_inside_the_text(nlp, text):
    assert_well_formed(text, extract(nlp(text)))


@SETTINGS
@given(text=texty)
def test_unbalanced_marks_and_speech_fragments_give_spans_inside_the_text(nlp, text):
    assert_well_formed(text, extract(nlp(text)))


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n\n",
        "\u201c",
        "\u2019",
        '""',
        "\u2018\u2019",
        "\u201c\u201d said he.",
        "\n\u201c\n\u201d\n",
    ],
)
def test_empty_and_degenerate_paragraphs_never_raise(nlp, text):
    assert_well_formed(text, extract(nlp(text)))


def test_very_long_paragraph_never_raises(nlp):
    para = "\u201cWe waited for hours and nobody came, " * 400 + "said Dana Ross."
    cands = extract(nlp(para))
    assert_well_formed(para, cands)
    assert cands and cands[0].start == 0
