"""The Statement table: PostgreSQL's triggers keep it equal to grouping the quotes.

The corpus (conftest): Lopez's bridge quote confirmed in two outlets (one statement,
two appearances), her school quote a candidate, Reed's three reviewed quotes, and a
rejected quote with no speaker.
"""

import pytest
from django.urls import reverse

from annotations import services
from annotations.models import Quote, Statement
from tests.concurrency import Attempt, held_open
from tests.factories import make_article

from .conftest import quote

BRIDGE_LINE = '"We will rebuild the bridge by spring,"'


@pytest.fixture(autouse=True)
def postgresql_only(db):
    if not Statement.is_maintained():
        pytest.skip("the Statement table is kept by PostgreSQL triggers")


def table():
    """{(speaker id, fingerprint): (appearances, first quote id)} as stored."""
    return {
        (row["speaker"], row["fingerprint"]): (row["appearances"], row["first_quote"])
        for row in Statement.rows()
    }


def grouped():
    """The same, grouped from the reviewed quotes at query time."""
    reviewed = Quote.objects.filter(status__in=Quote.REVIEWED)
    return {
        (row["speaker"], row["fingerprint"]): (row["appearances"], row["first_quote"])
        for row in reviewed.statements()
    }


def key(quote_):
    return (quote_.speaker_id, quote_.fingerprint)


def test_reviewed_quotes_are_counted_once_per_speaker_and_fingerprint(corpus):
    stored = table()

    assert stored[key(corpus.bridge_lopez)] == (2, corpus.bridge_lopez.pk)
    assert stored[key(corpus.bridge_reed)] == (1, corpus.bridge_reed.pk)
    assert key(corpus.school_lopez) not in stored  # a candidate is not a statement yet
    assert len(stored) == 4


def test_confirming_a_candidate_adds_its_statement(corpus):
    corpus.school_lopez.status = Quote.Status.CONFIRMED
    corpus.school_lopez.save()

    assert table()[key(corpus.school_lopez)] == (1, corpus.school_lopez.pk)


def test_rejecting_one_appearance_lowers_the_count_and_moves_the_first_quote(corpus):
    corpus.bridge_lopez.status = Quote.Status.REJECTED
    corpus.bridge_lopez.save()

    assert table()[key(corpus.budget_lopez)] == (1, corpus.budget_lopez.pk)


def test_deleting_the_last_appearance_removes_the_statement(corpus):
    corpus.undated_reed.delete()

    assert key(corpus.undated_reed) not in table()


def test_giving_a_quote_to_another_speaker_moves_it_between_statements(corpus):
    corpus.budget_lopez.speaker = corpus.reed
    corpus.budget_lopez.save()

    stored = table()
    assert stored[(corpus.lopez.pk, corpus.bridge_lopez.fingerprint)] == (
        1,
        corpus.bridge_lopez.pk,
    )
    assert stored[(corpus.reed.pk, corpus.budget_lopez.fingerprint)] == (
        1,
        corpus.budget_lopez.pk,
    )


def test_a_bulk_update_is_recounted_like_single_saves(corpus):
    Quote.objects.filter(speaker=corpus.reed).update(status=Quote.Status.REJECTED)
    Quote.objects.filter(pk=corpus.school_lopez.pk).update(status=Quote.Status.CORRECTED)

    assert table() == grouped()
    assert all(speaker != corpus.reed.pk for speaker, _ in table())


def test_merging_speakers_moves_their_statements(corpus, alice):
    # A third article gives Lopez's bridge line to Reed; merged, the three are one.
    echo = make_article(text=f"{BRIDGE_LINE} Tom Reed told the council.")
    quote(echo, BRIDGE_LINE, speaker=corpus.reed)

    services.speaker_merge(source=corpus.reed, target=corpus.lopez, user=alice)

    assert table()[key(corpus.bridge_lopez)] == (3, corpus.bridge_lopez.pk)
    assert table() == grouped()


def test_deleting_an_article_removes_its_quotes_from_the_statements(corpus):
    corpus.bridge.delete()

    assert table()[key(corpus.budget_lopez)] == (1, corpus.budget_lopez.pk)
    assert table() == grouped()


def test_the_page_shows_the_same_statements_from_the_table_and_from_the_quotes(
    rachel_client, corpus
):
    from_table = rachel_client.get(reverse("statement_list"), {"repeated": "0"})
    # Asking for every kind explicitly is the same selection, but not the table's
    # shape of filter: the page groups the quotes.
    from_quotes = rachel_client.get(
        reverse("statement_list"), {"repeated": "0", "kind": ["direct", "indirect", "mixed"]}
    )

    def shown(response):
        return [(s["quote"].pk, s["appearances"]) for s in response.context["statements"]]

    assert shown(from_table) == shown(from_quotes)
    assert (
        from_table.context["totals"]
        == from_quotes.context["totals"]
        == {
            "statements": 4,
            "appearances": 5,
        }
    )


@pytest.mark.django_db(transaction=True)
def test_two_editors_confirming_appearances_at_once_are_both_counted(corpus):
    # Two quotes of one new statement, confirmed in two transactions that overlap: the
    # second recount must wait for the first to commit and then see its quote.
    line = '"Trains will run all night,"'
    one, two = (
        quote(
            make_article(text=f"{line} said Tom Reed{ending}"),
            line,
            speaker=corpus.reed,
            status=Quote.Status.CANDIDATE,
        )
        for ending in (".", " on Monday.")
    )

    def confirm(quote_):
        Quote.objects.filter(pk=quote_.pk).update(status=Quote.Status.CONFIRMED)

    with held_open(lambda: confirm(one)):
        waiter = Attempt(lambda: confirm(two))
        waiter.start()
        waiter.join(timeout=0.5)
        assert waiter.is_alive(), "the second recount should wait for the first transaction"
    waiter.join(timeout=10)

    assert waiter.error is None
    assert table()[key(one)] == (2, one.pk)
