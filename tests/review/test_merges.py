"""Speaker merge suggestions: an editor accepts or dismisses them, and can undo either."""

import pytest
from django.urls import reverse

from annotations.models import SpeakerMerge, SpeakerMergeSuggestion
from tests.factories import make_quote, make_speaker

from .conftest import htmx

pytestmark = pytest.mark.django_db


@pytest.fixture
def suggestion(article):
    full, short = make_speaker("Ana Lopez"), make_speaker("Lopez")
    make_quote(article, "We will rebuild", speaker=short)
    low, high = sorted([full, short], key=lambda s: s.pk)
    return SpeakerMergeSuggestion.objects.create(
        speaker=low, other=high, score=91, reason="surname"
    )


def act(client, name, pk, hx=True):
    return client.post(reverse(name, args=[pk]), **(htmx() if hx else {}))


def test_the_page_lists_open_suggestions(alice_client, suggestion):
    page = alice_client.get(reverse("merge_suggestions")).content.decode()
    assert "Ana Lopez" in page and "Lopez" in page
    assert reverse("merge_suggestion_accept", args=[suggestion.pk]) in page


def test_accepting_merges_into_the_fuller_name_and_offers_undo(alice_client, suggestion):
    response = act(alice_client, "merge_suggestion_accept", suggestion.pk)
    assert response.status_code == 200
    merge = SpeakerMerge.objects.get()
    assert (merge.source.name, merge.target.name) == ("Lopez", "Ana Lopez")
    assert merge.target.quotes.count() == 1
    suggestion.refresh_from_db()
    assert suggestion.status == SpeakerMergeSuggestion.Status.ACCEPTED
    assert reverse("speaker_merge_undo", args=[merge.pk]) in response.content.decode()


def test_undoing_a_merge_separates_the_speakers_and_reopens_the_suggestion(
    alice_client, suggestion
):
    act(alice_client, "merge_suggestion_accept", suggestion.pk)
    merge = SpeakerMerge.objects.get()
    response = act(alice_client, "speaker_merge_undo", merge.pk)
    assert response.status_code == 200
    merge.refresh_from_db()
    merge.source.refresh_from_db()
    assert merge.undone_at is not None
    assert merge.source.merged_into is None
    assert merge.source.quotes.count() == 1
    suggestion.refresh_from_db()
    assert suggestion.status == SpeakerMergeSuggestion.Status.OPEN


def test_undoing_a_merge_twice_is_refused(alice_client, suggestion):
    act(alice_client, "merge_suggestion_accept", suggestion.pk)
    merge = SpeakerMerge.objects.get()
    act(alice_client, "speaker_merge_undo", merge.pk)
    response = act(alice_client, "speaker_merge_undo", merge.pk)
    assert response.status_code == 409
    assert "already undone" in response.content.decode()


def test_dismissing_keeps_the_speakers_apart(alice_client, alice, suggestion):
    response = act(alice_client, "merge_suggestion_dismiss", suggestion.pk)
    assert response.status_code == 200
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by) == (
        SpeakerMergeSuggestion.Status.DISMISSED,
        alice,
    )
    assert not SpeakerMerge.objects.exists()


def test_undoing_a_dismissal_reopens_the_suggestion(alice_client, suggestion):
    act(alice_client, "merge_suggestion_dismiss", suggestion.pk)
    act(alice_client, "merge_suggestion_reopen", suggestion.pk)
    suggestion.refresh_from_db()
    assert suggestion.status == SpeakerMergeSuggestion.Status.OPEN


def test_a_decided_suggestion_cannot_be_decided_again(alice_client, suggestion):
    act(alice_client, "merge_suggestion_dismiss", suggestion.pk)
    response = act(alice_client, "merge_suggestion_accept", suggestion.pk)
    assert response.status_code == 409
    assert not SpeakerMerge.objects.exists()


def test_a_plain_post_redirects_back_to_the_list(alice_client, suggestion):
    response = act(alice_client, "merge_suggestion_dismiss", suggestion.pk, hx=False)
    assert response.status_code == 303
    assert response["Location"] == reverse("merge_suggestions")


@pytest.mark.parametrize(
    "name", ["merge_suggestion_accept", "merge_suggestion_dismiss", "merge_suggestion_reopen"]
)
def test_a_researcher_cannot_decide_suggestions(rachel_client, suggestion, name):
    assert act(rachel_client, name, suggestion.pk).status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == SpeakerMergeSuggestion.Status.OPEN


def test_a_researcher_cannot_open_the_merge_page(rachel_client):
    assert rachel_client.get(reverse("merge_suggestions")).status_code == 403
