"""One table per phenomenon: text -> expected (speaker mention, cue, content, resolved name).

The texts are written for these tests. `content` is a substring the candidate's quote must
contain; the candidate is the one whose span covers `content`.
"""

import pytest


def candidate_covering(cands, text, content):
    i = text.index(content)
    for c in cands:
        if c.start <= i and i + len(content) <= c.end:
            return c
    return None


def check(quotes_of, text, speaker, cue, content, name):
    cands = quotes_of(text)
    c = candidate_covering(cands, text, content)
    assert c is not None, f"no candidate covers {content!r}: {[x.text for x in cands]}"
    assert speaker in c.speaker_text
    assert c.cue_text.lower() == cue
    if name is not None:
        assert c.speaker_name == name
    return c


DIRECT_QUOTES = [
    # speaker after the quote, straight and curly double marks
    (
        '"We will rebuild the bridge by spring," Mayor Ann Lopez said.',
        "Ann Lopez",
        "said",
        '"We will rebuild the bridge by spring,"',
        "Ann Lopez",
    ),
    (
        "\u201cThe water is safe to drink,\u201d said Tom Baker, the city engineer.",
        "Tom Baker",
        "said",
        "\u201cThe water is safe to drink,\u201d",
        "Tom Baker",
    ),
    # speaker before the quote, with a colon
    (
        "Karen Wu told the council: \u201cThis budget leaves nobody behind.\u201d",
        "Karen Wu",
        "told",
        "\u201cThis budget leaves nobody behind.\u201d",
        "Karen Wu",
    ),
    # British single marks whose closing mark is also the apostrophe
    (
        "\u2018They\u2019re not ready for winter,\u2019 said Mr Jones.",
        "Mr Jones",
        "said",
        "\u2018They\u2019re not ready for winter,\u2019",
        "Jones",
    ),
]


@pytest.mark.parametrize("text,speaker,cue,content,name", DIRECT_QUOTES)
def test_direct_quote_is_found_with_its_speaker_and_cue(
    quotes_of, text, speaker, cue, content, name
):
    c = check(quotes_of, text, speaker, cue, content, name)
    assert c.kind == "direct"
    assert c.text == content  # marks and the comma inside them are part of the quote


INVERSION = [
    ("\u201cPrices will fall next year,\u201d said Priya Shah.", "Priya Shah", "said"),
    (
        "\u201cPrices will fall next year,\u201d says the bank's chief economist, Priya Shah.",
        "Priya Shah",
        "says",
    ),
]


@pytest.mark.parametrize("text,speaker,cue", INVERSION)
def test_inverted_cue_takes_the_subject_after_the_verb(quotes_of, text, speaker, cue):
    cands = quotes_of(text)
    assert len(cands) == 1
    assert speaker in cands[0].speaker_name
    assert cands[0].cue_text == cue


INDIRECT = [
    (
        "Sarah Klein said the school would reopen on Monday.",
        "Sarah Klein",
        "said",
        "the school would reopen on Monday",
    ),
    (
        "Sarah Klein said that the school would reopen on Monday.",
        "Sarah Klein",
        "said",
        "that the school would reopen on Monday",
    ),
    (
        "Police Chief Mark Dunn told reporters the suspect had fled the province.",
        "Mark Dunn",
        "told",
        "the suspect had fled the province",
    ),
    (
        "The ferry will not sail until Tuesday, according to BC Ferries.",
        "BC Ferries",
        "according to",
        "The ferry will not sail until Tuesday",
    ),
    (
        "According to Health Canada, the recall covers four brands of cheese.",
        "Health Canada",
        "according to",
        "the recall covers four brands of cheese",
    ),
    (
        "The union warned that its members would strike in March.",
        "The union",
        "warned",
        "that its members would strike in March",
    ),
    (
        "Daniel Ortiz insisted the contract had been signed before the election.",
        "Daniel Ortiz",
        "insisted",
        "the contract had been signed before the election",
    ),
]


@pytest.mark.parametrize("text,speaker,cue,content", INDIRECT)
def test_reported_speech_gives_an_indirect_quote(quotes_of, text, speaker, cue, content):
    cands = quotes_of(text)
    c = candidate_covering(cands, text, content)
    assert c is not None, [x.text for x in cands]
    assert c.kind == "indirect"
    assert c.text == content
    assert speaker in c.speaker_text
    assert c.cue_text.lower() == cue


MIXED = [
    (
        "Ms Patel said the new plan was \u2018a disaster for renters\u2019.",
        "the new plan was \u2018a disaster for renters\u2019",
        "Ms Patel",
    ),
    (
        "Omar Haddad said the ruling was \u201ca victory for common sense\u201d and would be "
        "appealed by nobody.",
        "the ruling was \u201ca victory for common sense\u201d and would be appealed by nobody",
        "Omar Haddad",
    ),
]


@pytest.mark.parametrize("text,content,speaker", MIXED)
def test_quoted_words_inside_reported_speech_make_one_mixed_quote(
    quotes_of, text, content, speaker
):
    cands = quotes_of(text)
    assert len(cands) == 1
    assert cands[0].kind == "mixed"
    assert cands[0].text == content
    assert cands[0].speaker_text == speaker


def test_apostrophes_never_open_or_close_a_quote(quotes_of):
    text = (
        "The Morans\u2019 farm was flooded. \u2018We\u2019ve lost the Smiths\u2019 barn "
        "and the Morans\u2019 house,\u2019 said Ella Moran."
    )
    cands = quotes_of(text)
    assert [c.text for c in cands] == [
        "\u2018We\u2019ve lost the Smiths\u2019 barn and the Morans\u2019 house,\u2019"
    ]
    assert cands[0].speaker_name == "Ella Moran"


def test_scare_quotes_without_a_cue_are_not_quotes(quotes_of):
    text = "The so-called \u2018smart\u2019 meters were installed in 2019 across the region."
    assert quotes_of(text) == []


def test_quote_over_several_paragraphs_gives_one_quote_per_paragraph(quotes_of):
    text = (
        "Grace Lin said: \u201cWe started with nothing. We had no office.\n"
        "\u201cThen the grants came and everything changed.\n"
        "\u201cNow we employ forty people.\u201d\n"
        "The company was founded in 2009."
    )
    cands = quotes_of(text)
    paras = text.split("\n")
    assert [c.text for c in cands] == [paras[0][paras[0].index("\u201c") :], paras[1], paras[2]]
    assert all(c.speaker_name == "Grace Lin" for c in cands)
    assert not cands[0].is_floating and cands[0].speaker_text == "Grace Lin"
    assert cands[1].is_floating and cands[2].is_floating
    assert cands[1].speaker_text == "" and cands[1].speaker_start is None


def test_quote_missing_its_opening_mark_starts_at_the_paragraph(quotes_of):
    text = (
        "Victor Hale spoke after the vote.\n"
        "It was the hardest decision of my career,\u2019 he said."
    )
    cands = quotes_of(text)
    assert len(cands) == 1
    assert cands[0].text == "It was the hardest decision of my career,\u2019"
    assert cands[0].speaker_name == "Victor Hale"


def test_quote_missing_its_closing_mark_runs_to_the_paragraph_end(quotes_of):
    text = "Lena Berg said: \u201cWe will appeal, and we will win.\nThe hearing is in May."
    cands = quotes_of(text)
    assert cands[0].text == "\u201cWe will appeal, and we will win."
    assert cands[0].speaker_name == "Lena Berg"


def test_unmarked_statement_before_an_inverted_cue_is_a_quote(quotes_of):
    text = "Crews will work through the night to restore power, the utility said."
    cands = quotes_of(text)
    assert len(cands) == 1
    assert cands[0].text == "Crews will work through the night to restore power"
    assert cands[0].speaker_text == "the utility"


PRONOUNS = [
    # the nearest earlier person of the right gender, not the nearest person
    (
        "Anna Novak met Peter Grant on Monday. \u201cWe agreed on nothing,\u201d she said.",
        "Anna Novak",
    ),
    (
        "Anna Novak met Peter Grant on Monday. \u201cWe agreed on nothing,\u201d he said.",
        "Peter Grant",
    ),
    # the nearest subject, not a person named inside the earlier quote
    (
        "Mr Reid spoke first. \u201cNobody trusts Mr Cole any more,\u201d he said. "
        "\u201cThat is the problem,\u201d he added.",
        "Reid",
    ),
]


@pytest.mark.parametrize("text,name", PRONOUNS)
def test_pronoun_speaker_resolves_to_the_right_earlier_person(quotes_of, text, name):
    cands = quotes_of(text)
    assert cands, text
    assert all(c.speaker_name == name for c in cands), [(c.text, c.speaker_name) for c in cands]


TITLES = [
    (
        "Defence Secretary Ruth Maddox visited the base.\n"
        "\u201cMorale is high,\u201d Ms Maddox said.",
        "Ruth Maddox",
    ),
    (
        "\u201cMorale is high,\u201d Ms Maddox said.\n"
        "Defence Secretary Ruth Maddox visited the base on Friday.",
        "Ruth Maddox",
    ),
    (
        "Defence Secretary Ruth Maddox visited the base.\n"
        "\u201cMorale is high,\u201d the Defence Secretary said.",
        "Ruth Maddox",
    ),
    ("Mayor Ken Ito opened the bridge.\n\u201cIt took ten years,\u201d the mayor said.", "Ken Ito"),
]


@pytest.mark.parametrize("text,name", TITLES)
def test_title_and_surname_forms_resolve_to_the_full_name(quotes_of, text, name):
    cands = quotes_of(text)
    assert len(cands) == 1
    assert cands[0].speaker_name == name


def test_floating_quote_takes_the_speaker_of_the_previous_quote(quotes_of):
    text = (
        "\u201cThe river rose two metres overnight,\u201d said Jonas Weber. "
        "\u201cWe have never seen anything like it.\u201d"
    )
    cands = quotes_of(text)
    assert len(cands) == 2
    assert cands[1].is_floating
    assert cands[1].speaker_name == "Jonas Weber"


ORGANISATIONS = [
    ("Hydro Quebec said crews had restored power to most homes.", "Hydro Quebec"),
    (
        "\u201cWe are reviewing the report,\u201d the Finance Department said in a statement.",
        "the Finance Department",
    ),
    (
        "Immigration, Refugees and Citizenship Canada (IRCC) said the file was complete. "
        "IRCC said a decision would follow.",
        "Immigration, Refugees and Citizenship Canada",
    ),
]


@pytest.mark.parametrize("text,name", ORGANISATIONS)
def test_organisations_and_groups_can_be_speakers(quotes_of, text, name):
    cands = quotes_of(text)
    assert cands
    assert cands[-1].speaker_name.lower().endswith(name.lower().split()[-1])


def test_pronoun_finds_a_named_speaker_the_ner_missed(quotes_of):
    text = (
        "\u201cWe are not looking for anyone else,\u201d Det Insp Claire Hughes said.\n"
        "She added that the investigation was at an early stage."
    )
    cands = quotes_of(text)
    assert [c.speaker_name for c in cands] == ["Claire Hughes", "Claire Hughes"]


def test_a_question_put_to_someone_is_not_their_quote(quotes_of):
    text = "Asked whether she would resign, the minister replied: \u201cAbsolutely not.\u201d"
    cands = quotes_of(text)
    answer = [c for c in cands if c.text == "\u201cAbsolutely not.\u201d"]
    assert len(answer) == 1 and answer[0].cue_text == "replied"
    assert answer[0].speaker_name == "the minister"
    # the question may be reported (PolNeAR counts it), but as nobody's words
    for c in cands:
        if "resign" in c.text:
            assert c.speaker_name == "" and c.speaker_text == "" and c.is_floating


def test_a_report_speaks_for_the_organisation_that_published_it(quotes_of):
    text = "The report, published by the Institute for Fiscal Studies, warns that taxes will rise."
    (c,) = quotes_of(text)
    assert c.speaker_text == "The report"
    assert c.speaker_name.endswith("Institute for Fiscal Studies")
    assert c.text == "that taxes will rise"


@pytest.mark.parametrize(
    "text",
    [
        "Crews worked through the night, the utility said, and power was restored by dawn.",
        "The film \u201cThe Last Harbour\u201d opens in March.",
        "Prices rose 4 per cent in \u201819, the agency said.",
    ],
)
def test_phrases_and_years_in_marks_are_not_direct_quotes(quotes_of, text):
    assert all(c.kind != "direct" for c in quotes_of(text))


def test_words_in_marks_after_a_naming_verb_are_the_subjects_quote(quotes_of):
    text = "Ms Rivera described the plan as \u201creckless\u201d during the debate."
    (c,) = quotes_of(text)
    assert c.text == "\u201creckless\u201d"
    assert c.cue_text == "described"
    assert c.speaker_text == "Ms Rivera"


def test_british_single_quote_keeps_the_double_quote_nested_in_it(quotes_of):
    text = "Mrs Patel said: \u2018He told me \u201cnever again\u201d, and I believed him.\u2019"
    (c,) = quotes_of(text)
    assert c.kind == "direct"
    assert c.text == text[text.index("\u2018") :]
    assert c.speaker_name == "Patel"


def test_they_points_back_to_a_plural_subject(quotes_of):
    text = "Members complained about the board. They said it showed a lack of transparency."
    (c,) = quotes_of(text)
    assert c.speaker_text == "They"
    assert c.speaker_name == "Members"


def test_a_report_without_a_speaker_is_nobodys_quote(quotes_of):
    # the learned frames accept 'asked whether ...' with no speaker (frames.py, nosubj:);
    # the question is not the previous speaker's
    text = (
        "\u201cWe will win,\u201d Clinton said.\n"
        "She was asked whether she would debate Sanders again before the primary."
    )
    cands = quotes_of(text)
    question = [c for c in cands if c.text.startswith("whether")]
    assert len(question) == 1
    assert question[0].speaker_name == "" and question[0].is_floating
    assert question[0].confidence < 0.5


def test_a_cue_noun_reports_what_its_owner_called_for(quotes_of):
    # 'calls for ...' as a noun: a learned frame (frames.py, noun:prep_for)
    text = "The senator renewed Trump's calls for a ban on all imports from the region."
    cands = quotes_of(text)
    assert [c.text for c in cands] == ["a ban on all imports from the region"]
    assert cands[0].speaker_name == "Trump"


def test_a_speakerless_frame_no_gold_accepted_is_not_speech():
    from annotations.extraction.frames import frame_accepted

    assert not frame_accepted("tell", "nosubj:dobj", False)  # counted, rejected
    assert not frame_accepted("no-such-cue", "noun:prep_against", False)  # pooled, rejected
    assert frame_accepted("ask", "nosubj:ccomp_wh", False)


@pytest.mark.parametrize(
    "text,mention",
    [
        (
            "One of his advisers told reporters that he would leave it to others to judge.",
            "One of his advisers",
        ),
        ("Those surveyed say the country should move to clean energy by 2030.", "Those"),
    ],
)
def test_one_of_and_those_who_are_people_who_speak(quotes_of, text, mention):
    cands = quotes_of(text)
    assert len(cands) == 1
    assert cands[0].speaker_text == mention


def test_one_and_those_alone_are_not_speakers(quotes_of):
    assert quotes_of("Those say nothing about the size of the cuts that the council plans.") == []


def test_a_quoted_phrase_in_a_verbs_object_makes_the_object_the_subjects_mixed_quote(quotes_of):
    # 'praised' is no reporting verb, but the marks say the words are the senator's own
    text = (
        "Senator Okafor praised her colleague\u2019s \u201cquiet and stubborn courage\u201d"
        " on Monday."
    )
    (c,) = quotes_of(text)
    assert c.kind == "mixed"
    assert c.text.startswith("her colleague")
    assert "\u201cquiet and stubborn courage\u201d" in c.text
    assert c.speaker_text == "Senator Okafor"


def test_a_quoted_phrase_after_a_linking_verb_stays_a_scare_quote(quotes_of):
    text = "The Hendersons were a \u201cnormal\u201d family until the flood came."
    assert quotes_of(text) == []
