"""The review queue: what is left, the most doubtful first, and who is reviewing what."""

import datetime

import pytest
from django.urls import reverse

from annotations.models import Article, Quote
from tests.factories import make_article, make_quote

from .conftest import htmx

pytestmark = pytest.mark.django_db


@pytest.fixture
def doubtful(db):
    article = make_article(title="Doubtful", outlet="Gazette", published=datetime.date(2024, 3, 1))
    make_quote(article, article.text[:15], confidence=0.2)
    return article


@pytest.fixture
def sure(db):
    article = make_article(title="Sure", outlet="Herald", published=datetime.date(2024, 5, 1))
    make_quote(article, article.text[:15], confidence=0.95)
    make_quote(article, article.text[20:40], confidence=0.9)
    return article


@pytest.fixture
def finished(db):
    article = make_article(title="Finished")
    make_quote(article, article.text[:15], status=Quote.Status.CONFIRMED)
    return article


def titles(response):
    return [a.title for a in response.context["page"]]


def test_the_queue_lists_articles_with_candidates_most_doubtful_first(
    alice_client, doubtful, sure, finished
):
    response = alice_client.get(reverse("review_queue"))
    assert titles(response) == ["Doubtful", "Sure"]


def test_the_queue_counts_what_is_left(alice_client, doubtful, sure, finished):
    left = alice_client.get(reverse("review_queue")).context["left"]
    assert (left["left"], left["articles"], left["total"], left["reviewed"]) == (3, 2, 4, 1)


def test_the_queue_filters_by_outlet(alice_client, doubtful, sure):
    response = alice_client.get(reverse("review_queue"), {"outlet": "Herald"})
    assert titles(response) == ["Sure"]


def test_the_queue_filters_by_date(alice_client, doubtful, sure):
    response = alice_client.get(reverse("review_queue"), {"published_from": "2024-04-01"})
    assert titles(response) == ["Sure"]


def test_the_queue_filters_by_extraction_state(alice_client, doubtful, sure):
    Article.objects.filter(pk=sure.pk).update(extraction_state=Article.Extraction.FAILED)
    response = alice_client.get(reverse("review_queue"), {"state": "failed"})
    assert titles(response) == ["Sure"]


def test_the_queue_shows_only_mine_when_asked(alice_client, alice, doubtful, sure):
    Article.objects.filter(pk=sure.pk).update(claimed_by=alice)
    response = alice_client.get(reverse("review_queue"), {"mine": "on"})
    assert titles(response) == ["Sure"]


def test_a_bad_filter_value_is_reported_not_a_500(alice_client, doubtful):
    response = alice_client.get(reverse("review_queue"), {"published_from": "yesterday"})
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()


def test_an_htmx_filter_request_gets_only_the_results(alice_client, doubtful):
    response = alice_client.get(reverse("review_queue"), {"outlet": "Gazette"}, **htmx())
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="queue-results">')
    assert "<html" not in body


def test_claiming_an_article_records_the_editor(alice_client, alice, doubtful):
    response = alice_client.post(reverse("article_claim", args=[doubtful.pk]))
    assert response.status_code == 303
    doubtful.refresh_from_db()
    assert doubtful.claimed_by == alice


def test_an_article_claimed_by_another_editor_cannot_be_claimed(alice_client, bob, doubtful):
    Article.objects.filter(pk=doubtful.pk).update(claimed_by=bob)
    alice_client.post(reverse("article_claim", args=[doubtful.pk]))
    doubtful.refresh_from_db()
    assert doubtful.claimed_by == bob


def test_an_editor_cannot_release_another_editors_claim(alice_client, bob, doubtful):
    Article.objects.filter(pk=doubtful.pk).update(claimed_by=bob)
    alice_client.post(reverse("article_release", args=[doubtful.pk]))
    doubtful.refresh_from_db()
    assert doubtful.claimed_by == bob


def test_releasing_my_claim_frees_the_article(alice_client, alice, doubtful):
    Article.objects.filter(pk=doubtful.pk).update(claimed_by=alice)
    alice_client.post(reverse("article_release", args=[doubtful.pk]))
    doubtful.refresh_from_db()
    assert doubtful.claimed_by is None


def test_the_article_page_warns_when_another_editor_has_claimed_it(alice_client, bob, doubtful):
    Article.objects.filter(pk=doubtful.pk).update(claimed_by=bob)
    page = alice_client.get(doubtful.get_absolute_url()).content.decode()
    assert "bob claimed this article" in page


def test_next_article_claims_the_most_doubtful_unclaimed_one(
    alice_client, alice, bob, doubtful, sure
):
    Article.objects.filter(pk=doubtful.pk).update(claimed_by=bob)
    response = alice_client.post(reverse("article_next"))
    assert response["Location"] == sure.get_absolute_url()
    sure.refresh_from_db()
    assert sure.claimed_by == alice


def test_next_article_skips_and_releases_the_current_one(alice_client, alice, doubtful, sure):
    Article.objects.filter(pk=doubtful.pk).update(claimed_by=alice)
    response = alice_client.post(reverse("article_next"), {"after": doubtful.pk})
    assert response["Location"] == sure.get_absolute_url()
    doubtful.refresh_from_db()
    assert doubtful.claimed_by is None


def test_confirm_and_next_confirms_the_candidates_left_then_opens_the_next_article(
    alice_client, alice, doubtful, sure
):
    # N on the review page: A and n in one request.
    response = alice_client.post(
        reverse("article_next"),
        {"after": sure.pk, "confirm_remaining": "1", "expected": 2},
    )
    assert response["Location"] == doubtful.get_absolute_url()
    assert set(sure.quotes.values_list("status", flat=True)) == {Quote.Status.CONFIRMED}
    assert set(sure.quotes.values_list("updated_by", flat=True)) == {alice.pk}
    assert set(doubtful.quotes.values_list("status", flat=True)) == {Quote.Status.CANDIDATE}


def test_confirm_and_next_on_a_changed_article_confirms_nothing_and_stays(
    alice_client, doubtful, sure
):
    # The page showed one candidate left, but there are two: the count is the lock.
    response = alice_client.post(
        reverse("article_next"),
        {"after": sure.pk, "confirm_remaining": "1", "expected": 1},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == sure.get_absolute_url()
    assert "2 candidates are left in this article, not 1" in response.content.decode()
    assert set(sure.quotes.values_list("status", flat=True)) == {Quote.Status.CANDIDATE}
    assert set(doubtful.quotes.values_list("status", flat=True)) == {Quote.Status.CANDIDATE}


def test_confirm_and_next_needs_the_article_and_the_count(alice_client, sure):
    for data in (
        {"confirm_remaining": "1", "expected": 2},
        {"after": sure.pk, "confirm_remaining": "1"},
    ):
        assert alice_client.post(reverse("article_next"), data).status_code == 400
    assert set(sure.quotes.values_list("status", flat=True)) == {Quote.Status.CANDIDATE}


def test_the_review_page_offers_confirm_and_next_with_the_count_left(alice_client, sure):
    page = alice_client.get(sure.get_absolute_url()).content.decode()
    form = page[page.index('id="confirm-and-next-form"') :]
    form = form[: form.index("</form>")]
    assert 'name="expected" value="2"' in form and f'name="after" value="{sure.pk}"' in form


def test_next_article_with_nothing_left_goes_back_to_the_queue(alice_client, finished):
    response = alice_client.post(reverse("article_next"))
    assert response["Location"] == reverse("review_queue")


def test_claim_ignores_an_offsite_next_url(alice_client, doubtful):
    response = alice_client.post(
        reverse("article_claim", args=[doubtful.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == doubtful.get_absolute_url()


def test_a_back_button_restore_gets_the_whole_queue_page(alice_client, doubtful):
    response = alice_client.get(
        reverse("review_queue"), **htmx(HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    )
    assert "<html" in response.content.decode()


def test_the_queue_varies_on_the_htmx_header(alice_client, doubtful):
    response = alice_client.get(reverse("review_queue"))
    assert "HX-Request" in response["Vary"]


def test_a_claim_left_for_hours_can_be_taken_over(alice_client, alice, bob, doubtful):
    from django.utils import timezone

    long_ago = timezone.now() - datetime.timedelta(hours=5)
    Article.objects.filter(pk=doubtful.pk).update(claimed_by=bob, claimed_at=long_ago)
    alice_client.post(reverse("article_claim", args=[doubtful.pk]))
    doubtful.refresh_from_db()
    assert doubtful.claimed_by == alice


def test_a_recent_claim_is_kept_from_next_article(alice_client, bob, doubtful):
    from django.utils import timezone

    Article.objects.filter(pk=doubtful.pk).update(claimed_by=bob, claimed_at=timezone.now())
    response = alice_client.post(reverse("article_next"))
    assert response["Location"] == reverse("review_queue")
