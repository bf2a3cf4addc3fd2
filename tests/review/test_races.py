"""Two editors at the same moment, on the real database: lock first, then decide.

Each test holds one editor's write open in a thread (its row locks taken, not committed)
while the other editor's multi-step write starts. The second must wait for the first and
then decide on what the first committed: an undo never overwrites a colleague's change,
a merge never takes back a quote an editor just gave to someone else.
"""

import threading

import pytest
from django.db import connection, transaction

from annotations import services
from annotations.models import Article, Quote, Speaker
from annotations.services.review import QuoteConflict
from tests.concurrency import Attempt, HeldWrite
from tests.factories import make_speaker

pytestmark = pytest.mark.django_db(transaction=True)


def race(held_write, second):
    """The held write commits only after ``second`` has started (and had to wait)."""
    holder = HeldWrite(held_write)
    holder.start()
    assert holder.done_writing.wait(timeout=20)
    assert holder.errors == []
    attempt = Attempt(second)
    attempt.start()
    attempt.join(timeout=1.0)  # long enough to have read whatever it reads before locking
    holder.release.set()
    holder.join(timeout=20)
    attempt.join(timeout=20)
    assert holder.errors == []
    assert not attempt.is_alive()
    return attempt


def rejects(quote, editor, *, version):
    """``editor`` rejecting ``quote`` as last seen at ``version``."""
    return lambda: services.quote_reject(
        quote=Quote.objects.get(pk=quote.pk), editor=editor, version=version
    )


def undoes(article, editor):
    return lambda: services.quote_undo(article=article, editor=editor)


def test_an_undo_racing_another_editors_kind_change_keeps_that_change(
    alice, bob, article, budget_quote
):
    services.quote_confirm(quote=budget_quote, editor=alice, version=1)

    def bob_sets_kind():
        quote = Quote.objects.get(pk=budget_quote.pk)
        services.quote_set_kind(quote=quote, editor=bob, version=2, kind="mixed")

    attempt = race(bob_sets_kind, undoes(article, alice))

    assert isinstance(attempt.error, QuoteConflict), attempt.error
    budget_quote.refresh_from_db()
    assert (budget_quote.kind, budget_quote.status) == ("mixed", Quote.Status.CORRECTED)
    assert budget_quote.updated_by == bob


def test_an_undo_racing_another_editors_reject_keeps_the_reject(alice, bob, article, budget_quote):
    services.quote_confirm(quote=budget_quote, editor=alice, version=1)

    attempt = race(rejects(budget_quote, bob, version=2), undoes(article, alice))

    assert isinstance(attempt.error, QuoteConflict), attempt.error
    budget_quote.refresh_from_db()
    assert budget_quote.status == Quote.Status.REJECTED


def test_undoing_a_batch_racing_a_reject_of_one_of_its_quotes_keeps_the_reject(
    alice, bob, article, bridge_quote, budget_quote
):
    services.article_confirm_remaining(article=article, editor=alice, expected=2)

    attempt = race(rejects(budget_quote, bob, version=2), undoes(article, alice))

    assert isinstance(attempt.error, QuoteConflict), attempt.error
    statuses = dict(Quote.objects.values_list("pk", "status"))
    # The whole undo was refused (one transaction): nothing half-undone.
    assert statuses == {bridge_quote.pk: Quote.Status.CONFIRMED, budget_quote.pk: "rejected"}


def test_confirm_remaining_racing_a_reject_confirms_nothing(
    alice, bob, article, bridge_quote, budget_quote
):
    attempt = race(
        rejects(budget_quote, bob, version=1),
        lambda: services.article_confirm_remaining(article=article, editor=alice, expected=2),
    )

    assert isinstance(attempt.error, services.ReviewError), attempt.error
    statuses = dict(Quote.objects.values_list("pk", "status"))
    assert statuses == {bridge_quote.pk: Quote.Status.CANDIDATE, budget_quote.pk: "rejected"}


def test_a_merge_racing_an_editor_giving_a_quote_to_someone_else_keeps_that_choice(
    alice, bob, article, ana, budget_quote
):
    duplicate = make_speaker("A. Lopez")
    other = make_speaker("Tom Reed")
    Quote.objects.filter(pk=budget_quote.pk).update(speaker=duplicate)

    def bob_gives_it_to_tom():
        quote = Quote.objects.get(pk=budget_quote.pk)
        services.quote_set_speaker(quote=quote, editor=bob, version=1, speaker=other)

    attempt = race(
        bob_gives_it_to_tom,
        lambda: services.speaker_merge(source=duplicate, target=ana, user=alice),
    )

    assert attempt.error is None, attempt.error
    budget_quote.refresh_from_db()
    assert budget_quote.speaker == other
    assert attempt.result.moved_quote_ids == []


def test_two_editors_naming_the_same_new_speaker_at_once_create_one(alice, bob):
    created = {}

    def alice_names_her():
        created["alice"] = services.speaker_create(name="Nia Obi", editor=alice)

    attempt = race(alice_names_her, lambda: services.speaker_create(name="nia  obi", editor=bob))

    assert attempt.error is None, attempt.error
    assert attempt.result.pk == created["alice"].pk
    assert Speaker.objects.filter(normalized_name="nia obi").count() == 1


def test_an_editors_confirm_during_an_extraction_of_the_article_waits_instead_of_deadlocking(
    alice, article, budget_quote
):
    """Extraction (store_candidates) locks the article, then its quotes. A confirm that
    arrives in between waits for the article before it touches the quote; when it took
    the quote first and waited for the article only to refresh its counts, the two waited
    for each other and PostgreSQL broke the deadlock by failing one of them."""
    article_locked, go_on, errors = threading.Event(), threading.Event(), []

    def extraction():
        try:
            with transaction.atomic():
                list(Article.objects.select_for_update().filter(pk=article.pk).values("pk"))
                article_locked.set()
                go_on.wait(timeout=20)
                list(Quote.objects.select_for_update().filter(article_id=article.pk))
        except BaseException as error:  # reported in the test's thread
            errors.append(error)
        finally:
            connection.close()

    extracting = threading.Thread(target=extraction, daemon=True)
    extracting.start()
    assert article_locked.wait(timeout=20)
    confirm = Attempt(
        lambda: services.quote_confirm(
            quote=Quote.objects.get(pk=budget_quote.pk), editor=alice, version=1
        )
    )
    confirm.start()
    confirm.join(timeout=1.0)  # long enough to take whatever it takes before it waits
    go_on.set()
    extracting.join(timeout=20)
    confirm.join(timeout=20)

    assert errors == []
    assert confirm.error is None, confirm.error
    budget_quote.refresh_from_db()
    assert budget_quote.status == Quote.Status.CONFIRMED
