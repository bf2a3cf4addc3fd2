"""Profiles in the database: inference never overwrites an editor, re-extraction keeps the
editor's values, stale edits are refused, merges keep editors' values and say which won."""

import pytest
from django.db import IntegrityError, connection, transaction

from annotations.extraction import QuoteCandidate
from annotations.extraction.profiles import SpeakerProfile
from annotations.models import Speaker, SpeakerMerge, SpeakerRole
from annotations.services.extraction import store_candidates
from annotations.services.profiles import (
    Observation,
    ProfileEditError,
    record_observations,
    speaker_profile_edit,
)
from annotations.services.review import quote_set_speaker
from annotations.services.speakers import speaker_merge, speaker_merge_undo
from tests.factories import make_article, make_candidate, make_quote, make_speaker

TEXT = '"We will reopen the line in May," said Ann Lowe.'


def candidate(profile: SpeakerProfile) -> QuoteCandidate:
    return make_candidate(
        TEXT,
        '"We will reopen the line in May,"',
        "Ann Lowe",
        kind="direct",
        cue_start=TEXT.index("said"),
        cue_end=TEXT.index("said") + 4,
        cue_text="said",
        confidence=0.9,
        speaker_gender=profile.gender,
        speaker_profile=profile,
        speaker_type=profile.speaker_type,
    )


def inferred(gender="female", source="name", role="", affiliation="", **kwargs):
    return SpeakerProfile(
        name="Ann Lowe",
        speaker_type="person",
        gender=gender,
        gender_source=source,
        gender_evidence="Ann",
        role=role,
        affiliation=affiliation,
        role_evidence="Harbour Transit chief executive Ann Lowe" if role else "",
        **kwargs,
    )


@pytest.mark.django_db
def test_extraction_stores_the_profile_with_its_evidence_and_quote():
    article = make_article(text=TEXT)
    store_candidates(
        pairs=[
            (article, [candidate(inferred(role="chief executive", affiliation="Harbour Transit"))])
        ],
        extractor_version="t",
    )
    speaker = Speaker.objects.get(name="Ann Lowe")
    assert (speaker.speaker_type, speaker.gender, speaker.gender_source) == (
        "person",
        "female",
        "name",
    )
    assert speaker.gender_quote.article_id == article.pk
    assert (speaker.role, speaker.affiliation) == ("chief executive", "Harbour Transit")
    role = SpeakerRole.objects.get(speaker=speaker, article=article)
    assert role.role == "chief executive" and role.quote_id == speaker.role_quote_id


@pytest.mark.django_db
def test_stronger_evidence_replaces_weaker_and_weaker_never_replaces_stronger():
    speaker = make_speaker("Ann Lowe")
    article = make_article()
    record_observations([Observation(speaker.pk, article.pk, None, inferred("female", "title"))])
    record_observations([Observation(speaker.pk, article.pk, None, inferred("male", "name"))])
    speaker.refresh_from_db()
    assert (speaker.gender, speaker.gender_source) == ("female", "title")


@pytest.mark.django_db
def test_inference_never_overwrites_an_editor(alice):
    speaker = make_speaker("Ann Lowe")
    article = make_article()
    speaker_profile_edit(
        speaker=speaker,
        user=alice,
        changes={"gender": "nonbinary", "role": "spokesperson"},
        based_on={"gender": "unknown", "role": ""},
    )
    record_observations(
        [
            Observation(
                speaker.pk, article.pk, None, inferred("female", "title", role="chief executive")
            )
        ]
    )
    speaker.refresh_from_db()
    assert (speaker.gender, speaker.gender_source) == ("nonbinary", "editor")
    assert (speaker.role, speaker.role_source) == ("spokesperson", "editor")
    assert speaker.history.filter(history_user=alice, gender="nonbinary").exists()


@pytest.mark.django_db
def test_re_extraction_does_not_change_an_editors_values(alice):
    article = make_article(text=TEXT)
    store_candidates(
        pairs=[(article, [candidate(inferred("female", "name"))])], extractor_version="1"
    )
    speaker = Speaker.objects.get(name="Ann Lowe")
    speaker_profile_edit(
        speaker=speaker,
        user=alice,
        changes={"speaker_type": "organisation", "gender": "unknown"},
        based_on={"speaker_type": "person", "gender": "female"},
    )
    store_candidates(
        pairs=[(article, [candidate(inferred("female", "title"))])], extractor_version="2"
    )
    speaker.refresh_from_db()
    assert (speaker.speaker_type, speaker.speaker_type_source) == ("organisation", "editor")
    assert (speaker.gender, speaker.gender_source) == ("unknown", "editor")


@pytest.mark.django_db
def test_the_database_refuses_an_inferred_value_over_an_editors():
    speaker = make_speaker("Ann Lowe", gender="female", gender_source="editor")
    with pytest.raises(IntegrityError), transaction.atomic():
        Speaker.objects.filter(pk=speaker.pk).update(gender="male", gender_source="name")
    speaker.refresh_from_db()
    assert (speaker.gender, speaker.gender_source) == ("female", "editor")


@pytest.mark.django_db
def test_a_gender_from_no_evidence_must_be_unknown():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_speaker("Ann Lowe", gender="female", gender_source="none")


@pytest.mark.django_db
def test_a_stale_edit_is_refused_and_changes_nothing(alice, bob):
    speaker = make_speaker("Ann Lowe")
    speaker_profile_edit(
        speaker=speaker, user=bob, changes={"gender": "female"}, based_on={"gender": "unknown"}
    )
    with pytest.raises(ProfileEditError, match="gender is now 'female'"):
        speaker_profile_edit(
            speaker=speaker, user=alice, changes={"gender": "male"}, based_on={"gender": "unknown"}
        )
    speaker.refresh_from_db()
    assert speaker.gender == "female"


@pytest.mark.django_db
def test_a_merge_keeps_the_editors_value_and_says_which_won(alice):
    target = make_speaker("Ann Lowe", gender="female", gender_source="name")
    source = make_speaker("A. Lowe")
    speaker_profile_edit(
        speaker=source, user=alice, changes={"gender": "nonbinary"}, based_on={"gender": "unknown"}
    )
    merge = speaker_merge(source=source, target=target, user=alice)
    target.refresh_from_db()
    assert (target.gender, target.gender_source) == ("nonbinary", "editor")
    outcome = merge.profile_outcome["gender"]
    assert outcome["won"] == "nonbinary" and outcome["from"] == "A. Lowe"
    assert outcome["lost"] == "female"
    assert "editor" in outcome["why"]


@pytest.mark.django_db
def test_two_editors_values_keep_the_targets_and_say_so(alice, bob):
    target = make_speaker("Ann Lowe")
    source = make_speaker("A. Lowe")
    speaker_profile_edit(
        speaker=target, user=alice, changes={"gender": "female"}, based_on={"gender": "unknown"}
    )
    speaker_profile_edit(
        speaker=source, user=bob, changes={"gender": "nonbinary"}, based_on={"gender": "unknown"}
    )
    merge = speaker_merge(source=source, target=target, user=alice)
    target.refresh_from_db()
    assert target.gender == "female"
    assert (
        merge.profile_outcome["gender"]["why"] == "both set by editors: this speaker's value kept"
    )
    assert merge.profile_outcome["gender"]["lost"] == "nonbinary"


@pytest.mark.django_db
def test_undoing_a_merge_puts_the_targets_profile_back(alice):
    target = make_speaker("Ann Lowe", gender="female", gender_source="name")
    source = make_speaker("A. Lowe", speaker_type="organisation", speaker_type_source="editor")
    merge = speaker_merge(source=source, target=target, user=alice)
    target.refresh_from_db()
    assert (target.speaker_type, target.speaker_type_source) == ("organisation", "editor")
    speaker_merge_undo(merge=SpeakerMerge.objects.get(pk=merge.pk), user=alice)
    target.refresh_from_db()
    assert (target.speaker_type, target.speaker_type_source) == ("unknown", "inferred")
    assert (target.gender, target.gender_source) == ("female", "name")
    assert connection.vendor != "postgresql" or target.history.count() >= 3


# An editor gives the quote an inference came from to someone else ------------------------


def _pronoun_evidence(speaker_name: str):
    """A speaker whose gender was inferred from "he said" at the quote of an article."""
    article = make_article(text=TEXT)
    speaker = make_speaker(speaker_name)
    quote = make_quote(article, '"We will reopen the line in May,"', speaker=speaker)
    Speaker.objects.filter(pk=speaker.pk).update(
        gender="male", gender_source="pronoun", gender_evidence="“he said”", gender_quote=quote
    )
    return speaker, quote


def test_giving_the_quote_to_another_speaker_withdraws_the_gender_it_gave(alice):
    club, quote = _pronoun_evidence("Kestrel Rovers")
    manager = make_speaker("Dan Mulholland")

    quote_set_speaker(quote=quote, editor=alice, version=quote.version, speaker=manager)

    club.refresh_from_db()
    assert (club.gender, club.gender_source, club.gender_evidence) == ("unknown", "none", "")
    assert club.gender_quote is None
    assert club.history.first().history_change_reason.startswith("evidence withdrawn")


def test_an_editors_gender_stays_when_the_quote_goes_to_another_speaker(alice):
    club, quote = _pronoun_evidence("Kestrel Rovers")
    Speaker.objects.filter(pk=club.pk).update(gender="male", gender_source="editor")

    quote_set_speaker(
        quote=quote, editor=alice, version=quote.version, speaker=make_speaker("Dan Mulholland")
    )

    club.refresh_from_db()
    assert (club.gender, club.gender_source) == ("male", "editor")


def test_evidence_from_another_quote_stays_when_one_quote_goes_elsewhere(alice):
    club, evidence_quote = _pronoun_evidence("Kestrel Rovers")
    other = make_quote(
        make_article(text="The club said the fares stay."), "the fares stay", speaker=club
    )

    quote_set_speaker(
        quote=other, editor=alice, version=other.version, speaker=make_speaker("Dan Mulholland")
    )

    club.refresh_from_db()
    assert (club.gender, club.gender_quote_id) == ("male", evidence_quote.pk)
