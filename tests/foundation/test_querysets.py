"""The QuerySet vocabulary: one definition per concept, as services, views and filters use it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from annotations.models import Article, Quote
from tests.factories import make_article, make_quote

pytestmark = pytest.mark.django_db


def test_reviewed_quotes_are_the_confirmed_and_corrected_ones():
    article = make_article()
    kept = {
        make_quote(article, "We will rebuild", status="confirmed").pk,
        make_quote(article, "the budget", status="corrected").pk,
    }
    make_quote(article, "the old piers", status="rejected")
    make_quote(article, "Tom Reed", status="candidate")

    assert set(Quote.objects.reviewed().values_list("pk", flat=True)) == kept


def test_the_home_page_counts_reviewed_quotes(rachel_client):
    article = make_article()
    make_quote(article, "We will rebuild", status="confirmed")
    make_quote(article, "the budget", status="corrected")
    make_quote(article, "the old piers", status="rejected")

    response = rachel_client.get(reverse("home"))

    assert response.context["counts"]["reviewed"] == 2


def test_outlets_are_distinct_named_and_in_alphabetical_order():
    for outlet in ["Valley Post", "", "Coast Times", "Valley Post"]:
        make_article(outlet=outlet)

    assert list(Article.objects.outlets()) == ["Coast Times", "Valley Post"]


def test_an_editor_may_claim_free_articles_their_own_and_lapsed_claims(alice, bob):
    now = timezone.now()
    free = make_article()
    mine = make_article(claimed_by=alice, claimed_at=now)
    lapsed = make_article(claimed_by=bob, claimed_at=now - timedelta(hours=4, minutes=1))
    make_article(claimed_by=bob, claimed_at=now - timedelta(hours=3, minutes=59))  # bob's

    claimable = set(Article.objects.claimable_by(alice).values_list("pk", flat=True))

    assert claimable == {free.pk, mine.pk, lapsed.pk}


def test_a_claim_has_lapsed_after_four_hours(bob):
    now = timezone.now()

    assert make_article(claimed_by=bob, claimed_at=now - timedelta(hours=5)).claim_has_lapsed
    assert not make_article(claimed_by=bob, claimed_at=now - timedelta(hours=1)).claim_has_lapsed
    assert not make_article().claim_has_lapsed


def test_a_worker_may_take_articles_not_done_and_those_of_a_dead_worker(settings):
    settings.EXTRACTION_STALE_AFTER = timedelta(minutes=15)
    now = timezone.now()
    state = Article.Extraction
    waiting = {
        make_article(extraction_state=state.NOT_STARTED).pk,
        make_article(extraction_state=state.QUEUED).pk,
        make_article(extraction_state=state.FAILED).pk,
    }
    stalled = {
        make_article(
            extraction_state=state.RUNNING, extraction_state_changed_at=now - timedelta(minutes=16)
        ).pk,
        make_article(extraction_state=state.RUNNING, extraction_state_changed_at=None).pk,
    }
    make_article(extraction_state=state.RUNNING, extraction_state_changed_at=now)  # alive
    make_article(extraction_state=state.DONE)

    assert set(Article.objects.extraction_stalled().values_list("pk", flat=True)) == stalled
    claimable = set(Article.objects.extraction_claimable().values_list("pk", flat=True))
    assert claimable == waiting | stalled
