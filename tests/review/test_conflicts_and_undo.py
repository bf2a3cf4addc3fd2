"""Two editors on one quote, and undo: nobody's decision is lost or silently overwritten."""

import pytest
from django.urls import reverse

from annotations import services
from annotations.models import Quote

from .conftest import htmx

pytestmark = pytest.mark.django_db


def post(client, name, pk, data=None):
    return client.post(reverse(name, args=[pk]), data or {}, **htmx())


# Conflicts -------------------------------------------------------------------------------


def test_a_save_on_a_stale_version_is_refused_with_the_other_editors_change(
    alice_client, bob, budget_quote, tom
):
    services.quote_set_speaker(quote=budget_quote, editor=bob, version=1, speaker=tom)
    response = post(alice_client, "quote_confirm", budget_quote.pk, {"version": 1})
    assert response.status_code == 409
    body = response.content.decode()
    assert "Not saved: bob changed this quote" in body
    assert "Ana Lopez" in body and "Tom Reed" in body  # their change, before and after
    budget_quote.refresh_from_db()
    assert (budget_quote.speaker, budget_quote.status, budget_quote.version) == (
        tom,
        Quote.Status.CORRECTED,
        2,
    )


def test_the_conflict_offers_to_resend_the_change_on_the_current_version(
    alice_client, bob, budget_quote, tom
):
    services.quote_set_speaker(quote=budget_quote, editor=bob, version=1, speaker=tom)
    body = post(
        alice_client, "quote_kind", budget_quote.pk, {"version": 1, "kind": "mixed"}
    ).content.decode()
    conflict = body.split('class="conflict"')[1]
    assert 'name="version" value="2"' in conflict
    assert 'name="kind" value="mixed"' in conflict
    # Resending it applies alice's change on top of bob's: both are kept.
    post(alice_client, "quote_kind", budget_quote.pk, {"version": 2, "kind": "mixed"})
    budget_quote.refresh_from_db()
    assert (budget_quote.kind, budget_quote.speaker) == ("mixed", tom)


def test_a_tampered_future_version_is_refused(alice_client, budget_quote):
    response = post(alice_client, "quote_reject", budget_quote.pk, {"version": 42})
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    budget_quote.refresh_from_db()
    assert (budget_quote.status, budget_quote.version) == (Quote.Status.CANDIDATE, 1)


def test_a_conflict_as_a_plain_post_shows_the_page_with_the_message(
    alice_client, bob, budget_quote
):
    services.quote_reject(quote=budget_quote, editor=bob, version=1)
    response = alice_client.post(reverse("quote_confirm", args=[budget_quote.pk]), {"version": 1})
    assert response.status_code == 409
    assert "<html" in response.content.decode()
    assert "Not saved: bob changed this quote" in response.content.decode()


def test_the_service_raises_quote_conflict_with_the_current_state(bob, alice, budget_quote):
    stale = Quote.objects.get(pk=budget_quote.pk)
    services.quote_reject(quote=budget_quote, editor=bob, version=1)
    with pytest.raises(services.QuoteConflict) as caught:
        services.quote_confirm(quote=stale, editor=alice, version=1)
    assert caught.value.current.status == Quote.Status.REJECTED
    assert caught.value.current.version == 2


# Undo ------------------------------------------------------------------------------------


def test_undo_reverts_the_editors_last_action(alice_client, article, budget_quote):
    post(alice_client, "quote_reject", budget_quote.pk, {"version": 1})
    response = post(alice_client, "article_undo", article.pk)
    assert response.status_code == 200
    assert "Undone" in response.content.decode()
    budget_quote.refresh_from_db()
    assert (budget_quote.status, budget_quote.version) == (Quote.Status.CANDIDATE, 3)


def test_undo_twice_steps_back_through_two_actions(alice_client, article, budget_quote, tom):
    post(alice_client, "quote_speaker", budget_quote.pk, {"version": 1, "speaker": tom.pk})
    post(alice_client, "quote_reject", budget_quote.pk, {"version": 2})
    post(alice_client, "article_undo", article.pk)
    budget_quote.refresh_from_db()
    assert (budget_quote.status, budget_quote.speaker) == (Quote.Status.CORRECTED, tom)
    post(alice_client, "article_undo", article.pk)
    budget_quote.refresh_from_db()
    assert (budget_quote.status, budget_quote.speaker.name) == (
        Quote.Status.CANDIDATE,
        "Ana Lopez",
    )


def test_undo_restores_a_span_and_its_text(alice_client, article, budget_quote):
    before = (budget_quote.start, budget_quote.end, budget_quote.text)
    post(alice_client, "quote_span", budget_quote.pk, {"version": 1, "adjust": "grow_start"})
    post(alice_client, "article_undo", article.pk)
    budget_quote.refresh_from_db()
    assert (budget_quote.start, budget_quote.end, budget_quote.text) == before


def test_undo_never_touches_another_editors_work(alice_client, bob, article, budget_quote):
    services.quote_reject(quote=budget_quote, editor=bob, version=1)
    response = post(alice_client, "article_undo", article.pk)
    assert response.status_code == 400
    assert "Nothing of yours to undo" in response.content.decode()
    budget_quote.refresh_from_db()
    assert budget_quote.status == Quote.Status.REJECTED


def test_undo_is_refused_when_another_editor_changed_the_quote_since(
    alice_client, bob, article, budget_quote, tom
):
    post(alice_client, "quote_kind", budget_quote.pk, {"version": 1, "kind": "mixed"})
    budget_quote.refresh_from_db()
    services.quote_set_speaker(quote=budget_quote, editor=bob, version=2, speaker=tom)
    response = post(alice_client, "article_undo", article.pk)
    assert response.status_code == 409
    assert "bob changed this quote after you" in response.content.decode()
    budget_quote.refresh_from_db()
    assert (budget_quote.kind, budget_quote.speaker) == ("mixed", tom)


def test_undo_of_an_added_quote_removes_it(alice_client, article):
    post(alice_client, "quote_add", article.pk, {"start": 0, "end": 20})
    assert Quote.objects.filter(article=article).count() == 1
    post(alice_client, "article_undo", article.pk)
    assert not Quote.objects.filter(article=article).exists()


def test_undo_of_confirm_remaining_reverts_the_whole_batch(
    alice_client, article, bridge_quote, budget_quote
):
    post(alice_client, "article_confirm_remaining", article.pk, {"expected": 2})
    response = post(alice_client, "article_undo", article.pk)
    assert "2 quotes are back" in response.content.decode()
    statuses = set(Quote.objects.filter(article=article).values_list("status", flat=True))
    assert statuses == {Quote.Status.CANDIDATE}


def test_undo_works_for_quotes_stored_in_bulk_without_history(alice_client, article):
    (quote,) = Quote.objects.bulk_create(
        [Quote(article=article, start=0, end=20, text=article.text[:20], confidence=0.3)]
    )
    post(alice_client, "quote_confirm", quote.pk, {"version": 1})
    post(alice_client, "article_undo", article.pk)
    quote.refresh_from_db()
    assert quote.status == Quote.Status.CANDIDATE


def test_undo_of_confirm_remaining_restores_quotes_stored_in_bulk_without_history(
    alice_client, article
):
    """Extraction stores its candidates in bulk, with no history: the batch records their
    state before it (the engine's), so undoing the batch puts them back as candidates."""
    quotes = Quote.objects.bulk_create(
        [
            Quote(article=article, start=0, end=20, text=article.text[:20], confidence=0.3),
            Quote(article=article, start=30, end=45, text=article.text[30:45], confidence=0.6),
        ]
    )
    post(alice_client, "article_confirm_remaining", article.pk, {"expected": 2})
    assert set(article.quotes.values_list("status", flat=True)) == {Quote.Status.CONFIRMED}

    response = post(alice_client, "article_undo", article.pk)

    assert response.status_code == 200, response.content.decode()[:300]
    assert "2 quotes are back" in response.content.decode()
    assert {q.pk: q.status for q in article.quotes.all()} == {
        q.pk: Quote.Status.CANDIDATE for q in quotes
    }
    baselines = Quote.history.filter(
        history_change_reason="baseline", id__in=[q.pk for q in quotes]
    )
    assert {b.status for b in baselines} == {Quote.Status.CANDIDATE}
    assert all(b.history_user is None for b in baselines)  # the engine's state, not alice's


def test_undo_after_undo_moves_on_to_the_earlier_action(
    alice_client, article, bridge_quote, budget_quote
):
    post(alice_client, "quote_reject", bridge_quote.pk, {"version": 1})
    post(alice_client, "quote_reject", budget_quote.pk, {"version": 1})
    post(alice_client, "article_undo", article.pk)
    post(alice_client, "article_undo", article.pk)
    bridge_quote.refresh_from_db()
    budget_quote.refresh_from_db()
    assert (bridge_quote.status, budget_quote.status) == (
        Quote.Status.CANDIDATE,
        Quote.Status.CANDIDATE,
    )


def test_undo_as_a_plain_post_redirects_back(alice_client, article, budget_quote):
    post(alice_client, "quote_reject", budget_quote.pk, {"version": 1})
    response = alice_client.post(reverse("article_undo", args=[article.pk]))
    assert response.status_code == 303
    budget_quote.refresh_from_db()
    assert budget_quote.status == Quote.Status.CANDIDATE


def test_a_refused_undo_offers_no_way_to_force_it(alice_client, bob, article, budget_quote, tom):
    post(alice_client, "quote_kind", budget_quote.pk, {"version": 1, "kind": "mixed"})
    budget_quote.refresh_from_db()
    services.quote_set_speaker(quote=budget_quote, editor=bob, version=2, speaker=tom)
    body = post(alice_client, "article_undo", article.pk).content.decode()
    assert "Apply my change on top of theirs" not in body
