"""Speakers across articles: one person under many forms, never two people merged blindly."""

import pytest

from annotations import services
from annotations.models import Quote, Speaker, SpeakerMerge, SpeakerMergeSuggestion
from annotations.speakers import clean_name, merge_score, name_key, resolve_in_article
from tests.factories import make_article, make_quote, make_speaker
from tests.jobs.conftest import said


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Defence Secretary Ben Wallace", "ben wallace"),
        ("Mr Wallace's", "wallace"),
        ("Sen. Lisa Murkowski", "lisa murkowski"),
        ("former Prime Minister Theresa May", "theresa may"),
        ("Dr. José Núñez", "jose nunez"),
        ("JOSÉ NÚÑEZ", "jose nunez"),
        ("Attorney General Merrick Garland", "merrick garland"),
        ("General Motors", "general motors"),
        ("Chris Jones'", "chris jones"),
    ],
)
def test_name_key_drops_titles_case_accents_and_possessive(raw, key):
    assert name_key(raw) == key


def test_clean_name_keeps_the_name_as_written():
    assert clean_name("Prime Minister Justin Trudeau\u2019s") == "Justin Trudeau"


def test_a_lone_surname_goes_to_the_only_full_name_in_the_article_with_it():
    assert resolve_in_article(["ben wallace", "wallace"]) == {"wallace": "ben wallace"}


def test_a_lone_surname_shared_by_two_full_names_in_the_article_stays_alone():
    assert resolve_in_article(["john smith", "jane smith", "smith"]) == {}


def test_two_different_smiths_are_not_suggested_as_one():
    assert merge_score("john smith", "jane smith") is None


def test_a_misspelt_surname_is_suggested_as_the_same_person():
    score, _ = merge_score("justin trudeau", "justin trudaeu")
    assert score >= 88


pytestmark = pytest.mark.django_db


def extract(*texts):
    articles = [make_article(text=text) for text in texts]
    services.extract_articles(articles_or_ids=articles)
    return articles


def speakers_of(article):
    return [q.speaker for q in article.quotes.order_by("start").select_related("speaker")]


def test_ben_wallace_and_mr_wallace_in_another_article_are_one_speaker(fake_engine):
    first, second = extract(
        said("We will act", "Ben Wallace"),
        said("Troops are ready", "Ben Wallace") + "\n" + said("It is done", "Mr Wallace"),
    )

    (wallace,) = speakers_of(first)
    assert speakers_of(second) == [wallace, wallace]
    assert wallace.name == "Ben Wallace"
    assert list(wallace.aliases.values_list("name", flat=True)) == ["Mr Wallace"]
    assert Speaker.objects.count() == 1


def test_titles_case_and_accents_do_not_make_a_new_speaker(fake_engine):
    extract(
        said("First", "José Núñez"),
        said("Second", "Minister JOSE NUNEZ"),
        said("Third", "Dr Jose Nunez"),
    )

    assert list(Speaker.objects.values_list("name", flat=True)) == ["José Núñez"]
    assert Quote.objects.filter(speaker__name="José Núñez").count() == 3


def test_a_new_name_creates_a_speaker_with_the_forms_seen_as_aliases(fake_engine):
    (article,) = extract(said("Ships sail at dawn", "Detective Inspector Ruth Okoro"))

    (speaker,) = speakers_of(article)
    assert (speaker.name, speaker.origin) == ("Ruth Okoro", "model")
    assert list(speaker.aliases.values_list("name", flat=True)) == [
        "Detective Inspector Ruth Okoro"
    ]
    assert speaker.history.count() == 1


def test_a_lone_smith_is_not_given_to_either_known_smith_but_suggested_for_both(fake_engine):
    john, jane = make_speaker("John Smith"), make_speaker("Jane Smith")

    (article,) = extract(said("No comment", "Mr Smith"))

    (smith,) = speakers_of(article)
    assert smith not in (john, jane)
    assert smith.name == "Smith"
    pairs = {frozenset((s.speaker_id, s.other_id)) for s in SpeakerMergeSuggestion.objects.all()}
    assert pairs == {frozenset((smith.pk, john.pk)), frozenset((smith.pk, jane.pk))}


def test_a_full_name_matches_an_alias_an_editor_recorded(fake_engine):
    ben = make_speaker("Ben Wallace")
    ben.aliases.create(name="Benjamin Wallace")

    (article,) = extract(said("Fine", "Benjamin Wallace"))

    assert speakers_of(article) == [ben]


def test_a_dismissed_suggestion_is_not_made_again(fake_engine, alice):
    make_speaker("John Smith")
    extract(said("One", "Mr Smith"))
    suggestion = SpeakerMergeSuggestion.objects.get()
    services.merge_suggestion_dismiss(suggestion=suggestion, user=alice)

    extract(said("Two", "Jon Smith"), said("Three", "Mr Smith"))

    suggestion.refresh_from_db()
    assert suggestion.status == "dismissed"
    assert SpeakerMergeSuggestion.objects.filter(pk=suggestion.pk).count() == 1


def test_speaker_for_name_matches_the_way_extraction_does(db):
    ben = make_speaker("Ben Wallace")

    assert services.speaker_for_name("Defence Secretary Ben Wallace", mention="he") == ben
    assert not ben.aliases.filter(name="he").exists()


def _two_speakers_with_quotes():
    article = make_article(text='"We go," said Ben Wallace. "Now," said B. Wallace.')
    ben, b = make_speaker("Ben Wallace"), make_speaker("B. Wallace")
    b.aliases.create(name="Mr B. Wallace")
    first = make_quote(article, '"We go,"', speaker=ben)
    second = make_quote(article, '"Now,"', speaker=b)
    return ben, b, first, second


def test_merging_moves_quotes_and_aliases_and_is_recorded(admin_user):
    ben, b, _, second = _two_speakers_with_quotes()

    merge = services.speaker_merge(source=b, target=ben, user=admin_user)

    second.refresh_from_db()
    b.refresh_from_db()
    assert second.speaker == ben
    assert second.version == 2  # an editor holding the old version gets a conflict
    assert sorted(ben.aliases.values_list("name", flat=True)) == ["B. Wallace", "Mr B. Wallace"]
    assert b.merged_into == ben
    assert b.history.first().history_user == admin_user
    assert (merge.source, merge.target, merge.merged_by) == (b, ben, admin_user)
    assert merge.moved_quote_ids == [second.pk]


def test_undoing_a_merge_puts_quotes_and_aliases_back(admin_user):
    ben, b, first, second = _two_speakers_with_quotes()
    merge = services.speaker_merge(source=b, target=ben, user=admin_user)

    services.speaker_merge_undo(merge=merge, user=admin_user)

    second.refresh_from_db()
    b.refresh_from_db()
    merge.refresh_from_db()
    assert second.speaker == b
    assert first.speaker == ben
    assert b.merged_into is None
    assert list(b.aliases.values_list("name", flat=True)) == ["Mr B. Wallace"]
    assert not ben.aliases.exists()
    assert merge.undone_at is not None


def test_undoing_a_merge_keeps_a_quote_an_editor_gave_to_someone_else_since(admin_user, alice):
    ben, b, _, second = _two_speakers_with_quotes()
    merge = services.speaker_merge(source=b, target=ben, user=admin_user)
    other = make_speaker("Carla Diaz")
    second.refresh_from_db()
    services.quote_set_speaker(quote=second, editor=alice, version=second.version, speaker=other)

    services.speaker_merge_undo(merge=merge, user=admin_user)

    second.refresh_from_db()
    assert second.speaker == other


def test_a_speaker_already_merged_cannot_be_merged_again(admin_user):
    ben, b, _, _ = _two_speakers_with_quotes()
    services.speaker_merge(source=b, target=ben, user=admin_user)

    with pytest.raises(services.SpeakerMergeError, match="already merged"):
        services.speaker_merge(source=b, target=make_speaker("Bo Wallace"), user=admin_user)
    assert SpeakerMerge.objects.count() == 1


def test_accepting_a_suggestion_merges_the_lone_surname_into_the_full_name(fake_engine, alice):
    ben = make_speaker("Ben Wallace")
    (article,) = extract(said("Yes", "Mr Wallace"))
    suggestion = SpeakerMergeSuggestion.objects.get()

    services.merge_suggestion_accept(suggestion=suggestion, user=alice)

    suggestion.refresh_from_db()
    assert suggestion.status == "accepted"
    assert speakers_of(article) == [ben]
    assert Speaker.objects.active().get() == ben


def test_reextraction_after_a_merge_keeps_the_merged_speaker(fake_engine, alice):
    ben = make_speaker("Ben Wallace")
    (article,) = extract(said("Yes", "Mr Wallace"))
    services.merge_suggestion_accept(suggestion=SpeakerMergeSuggestion.objects.get(), user=alice)

    services.extract_articles(articles_or_ids=[article], force=True)

    assert speakers_of(article) == [ben]


def test_a_kind_of_body_is_not_a_surname_to_merge_on():
    assert merge_score("campaign group", "group") is None
    assert merge_score("city council", "county council") is None


def test_a_shared_surname_still_suggests_a_merge():
    assert merge_score("ana lopez", "lopez") is not None
