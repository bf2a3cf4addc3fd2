"""The engine's speaker profiles (annotations/extraction/profiles.py): evidence order,
type, role and affiliation, on sentences written for these tests. No database."""

import pytest

from annotations.extraction import extract, load_pipeline
from annotations.extraction.first_names import first_name_gender
from annotations.extraction.pipeline import extract_texts
from annotations.extraction.profiles import (
    Evidence,
    choose_gender,
    speaker_profiles,
    speaker_type_of,
)
from tests.factories import make_candidate


@pytest.fixture(scope="module")
def profile_of():
    nlp = load_pipeline()

    def run(text: str, name: str):
        doc = nlp(text)
        profiles = speaker_profiles(doc, extract(doc))
        assert name in profiles, f"{name!r} not among {sorted(profiles)}"
        return profiles[name]

    return run


def test_a_title_beats_pronouns_and_the_first_name():
    title = [Evidence("female", "title", "Ms Hart")]
    pronouns = [Evidence("male", "pronoun", "he said")]
    name = Evidence("male", "name", "Robin")
    assert choose_gender(title, pronouns, name).source == "title"
    assert choose_gender(title, pronouns, name).value == "female"


def test_pronouns_beat_the_first_name():
    pronouns = [Evidence("female", "pronoun", "she said"), Evidence("female", "pronoun", "her")]
    chosen = choose_gender([], pronouns, Evidence("male", "name", "John"))
    assert (chosen.value, chosen.source) == ("female", "pronoun")


def test_pronouns_split_evenly_say_nothing_and_the_name_decides():
    pronouns = [Evidence("female", "pronoun", "she"), Evidence("male", "pronoun", "he")]
    chosen = choose_gender([], pronouns, Evidence("male", "name", "John"))
    assert (chosen.value, chosen.source) == ("male", "name")


def test_no_evidence_is_unknown_from_none():
    chosen = choose_gender([], [], None)
    assert (chosen.value, chosen.source) == ("unknown", "none")


def test_the_first_name_statistics_know_common_names_and_leave_ambiguous_ones_unknown():
    assert first_name_gender("Margaret") == "female"
    assert first_name_gender("Thomas") == "male"
    # 'Jean' is a man's name in French and a woman's in English: ambiguous in the data
    assert first_name_gender("Jean") == "unknown"
    assert first_name_gender("Qzxv") == "unknown"


def test_a_compound_first_name_is_looked_up_as_written():
    # 'Marie-Claude' is a woman's name, 'Jean-Pierre' a man's, though 'Jean' is ambiguous
    assert first_name_gender("Marie-Claude") == "female"
    assert first_name_gender("Jean-Pierre") == "male"
    assert first_name_gender("Marie-Ève") == "female"


def test_the_ambiguity_band_decides_which_leaning_names_say_a_gender():
    # nomquamgender gives 'Jody' p(female) 0.68 and 'Navdeep' 0.26 (looked up by hand)
    assert first_name_gender("Jody", ambiguous=0.1) == "unknown"
    assert first_name_gender("Jody", ambiguous=0.35) == "female"
    assert first_name_gender("Navdeep", ambiguous=0.1) == "unknown"
    assert first_name_gender("Navdeep", ambiguous=0.35) == "male"
    # a near coin flip stays ambiguous with the band the engine uses
    assert first_name_gender("Leslie") == "unknown"
    assert first_name_gender("Morgan") == "unknown"


def test_she_said_gives_an_ambiguous_first_name_its_gender(profile_of):
    text = (
        "Leslie Corbett spoke to the council on Monday.\n\n"
        '"We cannot wait another winter for this bridge," she said.'
    )
    assert first_name_gender("Leslie") == "unknown"
    profile = profile_of(text, "Leslie Corbett")
    assert profile.speaker_type == "person"
    assert (profile.gender, profile.gender_source) == ("female", "pronoun")


def test_an_ambiguous_first_name_with_no_other_evidence_stays_unknown(profile_of):
    text = '"The harbour will reopen in May," said Jean Corbett.'
    profile = profile_of(text, "Jean Corbett")
    assert (profile.gender, profile.gender_source) == ("unknown", "name")


def test_a_gendered_title_in_the_text_is_the_evidence(profile_of):
    text = (
        '"The figures do not add up," said Robin Hale, a councillor.\n\n'
        "Mrs Hale has asked for an audit."
    )
    profile = profile_of(text, "Robin Hale")
    assert (profile.gender, profile.gender_source) == ("female", "title")
    assert profile.gender_evidence == "Mrs Hale"


def test_title_and_name_gives_role_and_affiliation(profile_of):
    text = '"Fares will not rise this year," Harbour Transit chief executive Ann Lowe said.'
    profile = profile_of(text, "Ann Lowe")
    assert profile.role == "chief executive"
    assert profile.affiliation == "Harbour Transit"


def test_an_apposition_gives_the_role(profile_of):
    text = '"We will not cut the budget," said Ben Wallace, the Defence Secretary.'
    profile = profile_of(text, "Ben Wallace")
    assert profile.role == "Defence Secretary"


def test_an_organisation_is_no_person_and_has_no_gender(profile_of):
    text = '"Service will resume on Friday," the Harbour Transit Authority said in a statement.'
    profile = profile_of(text, "Harbour Transit Authority")
    assert profile.speaker_type == "organisation"
    assert (profile.gender, profile.gender_source) == ("unknown", "none")


def test_extract_texts_carries_type_and_gender_on_every_candidate():
    nlp = load_pipeline()
    text = 'Margaret Osei runs the food bank.\n\n"Demand has doubled since spring," she said.'
    [candidates] = list(extract_texts(nlp, [text]))
    assert candidates
    for candidate in candidates:
        assert candidate.speaker_type == "person"
        assert candidate.speaker_gender == "female"
        assert candidate.to_json()["speaker_gender"] == "female"


def test_a_he_said_the_engine_gave_another_speaker_is_no_evidence_for_the_person_before_it(
    profile_of,
):
    # the tweet's author is named right before '"...," he said', which is Keller's
    text = (
        "Conservative Leader Andrew Keller says his party will run a positive campaign.\n\n"
        "If any of his MPs resort to name-calling — Calgary MP Denise Arkwright called the "
        'minister a "chicken" on Twitter this week — Keller insists it is a reaction to the '
        "Liberals.\n\n"
        "You do not show up to debate me. You had your friends vote down a motion to appear "
        "before our committee to answer questions on the budget. Every time you appear, you "
        "are condescending and smug in your defence of the indefensible. Bring it, but you "
        "will not. Chicken. — Denise Arkwright (@DArkwright) December 18, 2018\n\n"
        '"When we are the victims of insulting language it is obviously going to evoke a '
        'response," he said.'
    )
    keller = profile_of(text, "Andrew Keller")
    assert (keller.gender, keller.gender_source) == ("male", "pronoun")
    arkwright = profile_of(text, "Denise Arkwright")
    assert (arkwright.gender, arkwright.gender_source) == ("female", "name")


@pytest.mark.parametrize(
    "text, gender, evidence",
    [
        (
            '"The bridge will reopen in May," said city spokeswoman Leslie Corbett.',
            "female",
            "spokeswoman Leslie Corbett",
        ),
        (
            "Leslie Corbett, 42, a mother of three, said the bridge will reopen in May.",
            "female",
            "Leslie Corbett, 42, a mother",
        ),
        (
            "Her father, Leslie Corbett, said the bridge will reopen in May.",
            "male",
            "father, Leslie Corbett",
        ),
    ],
)
def test_a_gendered_noun_written_as_the_persons_title_or_description_is_the_evidence(
    profile_of, text, gender, evidence
):
    # 'Leslie' is ambiguous in the name data: the noun alone decides
    profile = profile_of(text, "Leslie Corbett")
    assert (profile.gender, profile.gender_source) == (gender, "title")
    assert profile.gender_evidence == evidence


def test_a_noun_used_for_everybody_says_no_gender(profile_of):
    text = '"The bridge will reopen in May," said chairman Leslie Corbett.'
    profile = profile_of(text, "Leslie Corbett")
    assert (profile.gender, profile.gender_source) == ("unknown", "name")


def test_the_first_pronoun_of_a_persons_reported_speech_is_theirs(profile_of):
    text = "Councillor Leslie Corbett said she would vote against the budget on Tuesday."
    profile = profile_of(text, "Leslie Corbett")
    assert (profile.gender, profile.gender_source) == ("female", "pronoun")
    assert profile.gender_evidence == "she would"


def test_a_pronoun_in_speech_reported_under_a_description_naming_somebody_else_is_not_theirs(
    profile_of,
):
    # 'he' is the mayor the description names, not the spokesperson it resolves to
    text = (
        "A spokesperson for Mayor Tom Reed said he would not comment on the budget. "
        "Leslie Corbett told reporters the figures would be published in June."
    )
    profile = profile_of(text, "Leslie Corbett")
    assert (profile.gender, profile.gender_source) == ("unknown", "name")


def test_a_gendered_description_the_engine_resolved_to_the_person_is_the_evidence(profile_of):
    text = (
        "A spokeswoman for Mayor Tom Reed said the figures would be published in June. "
        "Leslie Corbett told reporters the mayor would not comment."
    )
    profile = profile_of(text, "Leslie Corbett")
    assert (profile.gender, profile.gender_source) == ("female", "title")
    assert profile.gender_evidence == "A spokeswoman for Mayor Tom Reed"


def test_a_pronoun_after_two_people_is_the_one_whose_name_allows_it(profile_of):
    # 'Tom' says male, so the 'Her' after 'Leslie Corbett' is hers; an ambiguous other
    # name ('Jean Reed') could take it, and then it says nothing
    quote = '\n\n"We will publish the figures in June," said Corbett.'
    told = " introduced Leslie Corbett to the council on Monday. Her report "
    text = "Tom Reed" + told + "is due in June." + quote
    profile = profile_of(text, "Leslie Corbett")
    assert (profile.gender, profile.gender_source) == ("female", "pronoun")
    text = "Jean Reed" + told + "is due in June." + quote
    profile = profile_of(text, "Leslie Corbett")
    assert (profile.gender, profile.gender_source) == ("unknown", "name")


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        # a person's role noun before a full name: a person, whatever the NER said
        ('"Spending fell," economist Philip Cross wrote in a report.', "Philip Cross", "person"),
        # a gendered title for the same name elsewhere in the text
        ('"Spending fell," Leah Ortiz wrote. Ms Ortiz works downtown.', "Leah Ortiz", "person"),
        # an organisation's noun before it is no person's
        ('"Spending fell," the utility BC Hydro said on Monday.', "BC Hydro", "organisation"),
        # one word after a role noun may be a firm ('asset manager BlackRock')
        ('"Spending fell," asset manager BlackRock said on Monday.', "BlackRock", "organisation"),
    ],
)
def test_a_name_written_as_a_persons_is_a_person_though_the_engine_typed_it_an_organisation(
    text, name, expected
):
    doc = load_pipeline()(text)
    # The quote the engine gave `name`, typed an organisation (as the NER's ORG label makes it).
    organisation_quote = make_candidate(
        text, text[:10], name, kind="direct", confidence=0.9, speaker_type="organisation"
    )
    assert speaker_type_of(doc, name, [organisation_quote]) == expected
