"""StatementTotal, the Statement table's totals kept as deltas by PostgreSQL's statement
triggers (migration 0022): against a hand count, against the table counted here after
every kind of write, and with two writers at once.

The corpus (conftest): Lopez's bridge line confirmed in two outlets (one statement, two
appearances), her school quote a candidate, Reed's three reviewed quotes (three
statements), and a rejected quote with no speaker.
"""

import pytest
from django.db import connection

from annotations import services
from annotations.models import Quote, Statement, StatementTotal
from tests.concurrency import held_open


@pytest.fixture(autouse=True)
def postgresql_only(db):
    if not Statement.is_maintained():
        pytest.skip("StatementTotal is kept by PostgreSQL triggers")


def kept_by_triggers() -> tuple[dict, dict]:
    return StatementTotal.totals(repeated_only=False), StatementTotal.totals(repeated_only=True)


def counted_here() -> tuple[dict, dict]:
    every = [row.appearances for row in Statement.objects.all()]
    repeated = [appearances for appearances in every if appearances > 1]
    return (
        {"statements": len(every), "appearances": sum(every)},
        {"statements": len(repeated), "appearances": sum(repeated)},
    )


def test_the_totals_are_the_hand_count(corpus):
    every, repeated = kept_by_triggers()

    assert every == {"statements": 4, "appearances": 5}
    assert repeated == {"statements": 1, "appearances": 2}


def test_the_totals_follow_the_table_through_every_kind_of_write(corpus, alice):
    corpus.school_lopez.status = Quote.Status.CONFIRMED  # a new statement
    corpus.school_lopez.save()
    assert kept_by_triggers() == counted_here()
    corpus.bridge_lopez.status = Quote.Status.REJECTED  # a repeated one said once now
    corpus.bridge_lopez.save()
    assert kept_by_triggers() == counted_here()
    Quote.objects.filter(speaker=corpus.reed).update(status=Quote.Status.CANDIDATE)
    assert kept_by_triggers() == counted_here()
    Quote.objects.filter(speaker=corpus.reed).update(status=Quote.Status.CORRECTED)
    assert kept_by_triggers() == counted_here()
    services.speaker_merge(source=corpus.reed, target=corpus.lopez, user=alice)
    assert kept_by_triggers() == counted_here()
    corpus.budget.delete()
    assert kept_by_triggers() == counted_here()


def test_folding_keeps_the_totals_and_few_rows(corpus):
    # Each confirmation and each return to candidate adds and removes a statement: one
    # delta each, 240 in all, folded every hundredth.
    for _ in range(120):
        Quote.objects.filter(pk=corpus.school_lopez.pk).update(status=Quote.Status.CONFIRMED)
        Quote.objects.filter(pk=corpus.school_lopez.pk).update(status=Quote.Status.CANDIDATE)

    assert StatementTotal.objects.count() < 100
    assert kept_by_triggers() == counted_here()


def test_emptying_the_statement_table_empties_the_totals(corpus):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks
        cursor.execute("TRUNCATE annotations_statement")

    assert kept_by_triggers() == ({"statements": 0, "appearances": 0},) * 2


@pytest.mark.django_db(transaction=True)
def test_a_writer_of_statements_does_not_wait_for_another_writers_totals(corpus):
    # One transaction writes a hundred statements (one of whose deltas folds the rows
    # before them) and is held open; another then writes a hundred too, folding in turn:
    # neither waits for the other. (Written to the table directly: a quote's review also
    # moves the Voices summaries, whose cells two writers can share.)
    statement = "INSERT INTO annotations_statement (speaker_id, fingerprint, appearances) "

    def hold_statements():
        with connection.cursor() as cursor:
            cursor.execute(statement + "VALUES (%s, 'held', 2)", [corpus.reed.pk])
            for n in range(100):
                cursor.execute(statement + "VALUES (%s, %s, 1)", [corpus.reed.pk, f"{n}"])

    with held_open(hold_statements), connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '2s'")  # a wait fails the test
        try:
            for n in range(100):
                cursor.execute(statement + "VALUES (%s, %s, 1)", [corpus.lopez.pk, f"stop {n}"])
        finally:
            cursor.execute("RESET lock_timeout")

    assert kept_by_triggers() == counted_here()
    every, repeated = kept_by_triggers()
    assert every == {"statements": 205, "appearances": 207}
    assert repeated == {"statements": 2, "appearances": 4}
