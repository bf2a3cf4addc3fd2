"""Verb frames of reported speech: which complements of a reporting verb are what was said
(frames.py, learned by train_frames.py from the development parts of the gold sets).

The texts are written for these tests."""

import pytest

from annotations.extraction import frames, train_frames

LEARNED_FRAMES = [
    # a promise or a vow: the 'to' clause is what was promised
    ("The senator vowed to block the bill in committee.", "The senator", "vowed",
     "to block the bill in committee"),
    # a question reported by its wh-clause
    ("Governor Ruth Alvarez asked whether the state could afford the new stadium.",
     "Ruth Alvarez", "asked", "whether the state could afford the new stadium"),
    # a demand: the object of 'called for'
    ("Mayor Tom Reyes called for a full audit of the transit budget.", "Tom Reyes",
     "called", "a full audit of the transit budget"),
    # a characterisation: 'described X as Y'
    ("Ms Okafor described the proposal as a betrayal of the workers.", "Okafor",
     "described", "the proposal as a betrayal of the workers"),
]  # fmt: skip


@pytest.mark.parametrize("text,speaker,cue,content", LEARNED_FRAMES)
def test_a_learned_frame_makes_its_complement_an_indirect_quote(
    quotes_of, text, speaker, cue, content
):
    [c] = quotes_of(text)
    assert (c.kind, c.text, c.cue_text) == ("indirect", content, cue)
    assert speaker in c.speaker_text


def test_an_object_only_one_annotation_counts_as_speech_is_not_a_quote(quotes_of):
    # PolNeAR counts 'announced plans', GGT does not: the frame is left out
    assert quotes_of("The company announced record profits on Tuesday.") == []


SUBJECTS = [
    # the subject of the verb a 'by saying' phrase hangs on
    ("Senator Lena Park defended the vote by saying that the budget had to be balanced.",
     "Senator Lena Park", "that the budget had to be balanced"),
    # through an adjective: 'quick to point out'
    ("The union leaders were quick to point out that the contract had expired.",
     "The union leaders", "that the contract had expired"),
    # a quantifier standing for people
    ("Most said they would vote again in November.", "Most",
     "they would vote again in November"),
]  # fmt: skip


@pytest.mark.parametrize("text,speaker,content", SUBJECTS)
def test_the_speaker_of_reported_speech_is_found_through_the_parse(
    quotes_of, text, speaker, content
):
    [c] = quotes_of(text)
    assert (c.text, c.speaker_text) == (content, speaker)


def test_frames_the_gold_never_decided_fall_back_to_the_hand_rules(monkeypatch):
    monkeypatch.setattr(frames, "learned_frames", lambda path=None: {})
    assert frames.frame_accepted("say", "ccomp", has_that=False)
    # 'describe' needs an explicit 'that' for its clause
    assert not frames.frame_accepted("describe", "ccomp", has_that=False)
    assert frames.frame_accepted("describe", "ccomp_that", has_that=True)
    # objects and prepositions are speech only where the gold says so
    assert not frames.frame_accepted("announce", "dobj", has_that=False)
    assert not frames.frame_accepted("call", "prep_for", has_that=False)


def test_a_frame_is_accepted_only_when_every_set_that_saw_it_counts_it(monkeypatch):
    monkeypatch.setattr(train_frames, "MIN_SUPPORT", 5)
    monkeypatch.setattr(train_frames, "VETO_SUPPORT", 2)
    monkeypatch.setattr(train_frames, "MIN_PRECISION", 0.5)
    decided = train_frames.decide(
        {
            "big": {"vow|xcomp_to": [10, 9], "announce|dobj": [10, 8], "note|dobj": [4, 4]},
            "small": {"announce|dobj": [2, 0], "vow|xcomp_to": [1, 0]},
        }
    )
    # (9 + 1) / (10 + 2) = 0.83; the small set saw it once only, too few to object
    assert decided["vow|xcomp_to"]["accepted"]
    # the small set saw it twice and never as a quote: (0 + 1) / (2 + 2) = 0.25
    assert not decided["announce|dobj"]["accepted"]
    # seen 4 times: too few to decide, the hand rule stays
    assert "note|dobj" not in decided


def test_frame_counts_label_each_content_by_the_gold(nlp):
    text = "Ann Lee said the road would close. The firm announced a new logo."
    gold = {"quotes": [{"quote_span": [text.index("the road"), text.index(" close.") + 6]}]}
    counts = train_frames.frame_counts([nlp(text)], [gold])
    assert counts["say|ccomp"] == [1, 1]
    assert counts["announce|dobj"] == [1, 0]


def test_the_shipped_frames_file_lists_the_frames_it_learned():
    learned = frames.learned_frames()
    assert learned["say|ccomp"] is True
    assert learned["call|prep_for"] is True
    assert learned["announce|dobj"] is False
