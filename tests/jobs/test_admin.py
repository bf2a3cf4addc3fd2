"""Admin actions meanwhile the review pages come: retry extraction, merge, accept, undo."""

import pytest
from django.urls import reverse

from annotations import services
from annotations.models import Speaker, SpeakerMerge, SpeakerMergeSuggestion
from tests.factories import make_article, make_speaker

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def run_action(client, model, action, objects):
    return client.post(
        reverse(f"admin:annotations_{model}_changelist"),
        {"action": action, "_selected_action": [o.pk for o in objects]},
        follow=True,
    )


def test_the_article_list_shows_each_extraction_state_in_words(admin_client):
    make_article(extraction_state="failed", extraction_error="ValueError: bad offsets")

    page = admin_client.get(reverse("admin:annotations_article_changelist"))

    assert "failed: ValueError: bad offsets" in page.content.decode()


def test_retrying_a_failed_article_from_the_admin_queues_it(
    admin_client, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    article = make_article(extraction_state="failed", extraction_error="boom")

    with django_capture_on_commit_callbacks(execute=True):
        run_action(admin_client, "article", "queue_extraction", [article])

    article.refresh_from_db()
    assert (article.extraction_state, article.extraction_error) == ("queued", "")
    assert DBTaskResult.objects.get().args_kwargs["kwargs"] == {"article_ids": [article.pk]}


def test_accepting_a_suggestion_in_the_admin_merges_the_speakers(admin_client, admin_user):
    ben, lone = make_speaker("Ben Wallace"), make_speaker("Wallace")
    suggestion = SpeakerMergeSuggestion.objects.create(speaker=ben, other=lone, score=70)

    run_action(admin_client, "speakermergesuggestion", "accept", [suggestion])

    lone.refresh_from_db()
    assert lone.merged_into == ben
    assert SpeakerMerge.objects.get().merged_by == admin_user


def test_dismissing_a_suggestion_in_the_admin_merges_nothing(admin_client):
    a, b = make_speaker("John Smith"), make_speaker("Jon Smith")
    suggestion = SpeakerMergeSuggestion.objects.create(speaker=a, other=b, score=90)

    run_action(admin_client, "speakermergesuggestion", "dismiss", [suggestion])

    suggestion.refresh_from_db()
    assert suggestion.status == "dismissed"
    assert Speaker.objects.active().count() == 2


def test_a_merge_is_undone_from_the_admin(admin_client, admin_user):
    ben, lone = make_speaker("Ben Wallace"), make_speaker("Wallace")
    merge = services.speaker_merge(source=lone, target=ben, user=admin_user)

    run_action(admin_client, "speakermerge", "undo", [merge])

    lone.refresh_from_db()
    assert lone.merged_into is None


def test_merging_selected_speakers_in_the_admin_keeps_the_fullest_name(admin_client):
    lone, ben = make_speaker("Wallace"), make_speaker("Ben Wallace")

    run_action(admin_client, "speaker", "merge_selected", [lone, ben])

    assert list(Speaker.objects.active()) == [ben]
