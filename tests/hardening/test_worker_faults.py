"""A db_worker whose database connection is cut mid-batch, as a PostgreSQL restart does.

Only this test database's backends are terminated (pg_terminate_backend); the shared
server is never restarted.
"""

import time
from datetime import timedelta

import psycopg
import pytest
from django.db import connection

from annotations import services
from annotations.models import Article, Quote
from annotations.tasks import extract_batch
from tests.factories import make_article
from tests.jobs.conftest import said
from tests.jobs.workers import start_worker, wait_for

from .production_server import database_url

pytestmark = pytest.mark.django_db(transaction=True)


def cut_every_other_connection() -> int:
    """What a restart does to the connections of this database (ours excepted)."""
    connection.ensure_connection()
    with psycopg.connect(database_url(), autocommit=True) as admin:
        row = admin.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), %s)",
            [connection.connection.info.backend_pid],
        ).fetchone()
    assert row is not None  # an aggregate always answers one row
    return row[0]


def test_a_worker_whose_connection_is_cut_mid_batch_loses_and_duplicates_nothing(
    tmp_path, settings
):
    if connection.vendor != "postgresql":
        pytest.skip("the connection is cut through PostgreSQL")
    log = tmp_path / "seen.log"
    articles = [
        make_article(text=f"Story {i}\n" + said(f"Point number {i}", "Ana Lopez")) for i in range(6)
    ]
    extract_batch.enqueue(article_ids=[a.pk for a in articles])  # one task, 3 batches
    worker = start_worker(log, delay=0.5)
    done = Article.objects.filter(extraction_state="done")
    wait_for(lambda: done.count() == 2)
    time.sleep(0.2)  # into the second batch's extraction

    assert cut_every_other_connection() >= 1
    # Whatever the worker was doing, the batch it was on is stored whole or not at all.
    time.sleep(3)
    for article in Article.objects.all():
        quotes = article.quotes.count()
        assert (article.extraction_state, quotes) in {
            ("done", 1),
            ("running", 0),
            ("queued", 0),
            ("failed", 0),
        }

    # Work resumes: what was left running is queued again (at once here, after
    # EXTRACTION_STALE_AFTER in production) and a worker finishes it.
    settings.EXTRACTION_STALE_AFTER = timedelta(0)
    services.requeue_stale_extractions()
    wait_for(lambda: done.count() == 6 or worker.poll() is not None, timeout=60)
    if done.count() < 6:
        again = start_worker(log, "--batch")
        assert again.wait(timeout=60) == 0, again.stderr.read().decode()[-2000:]
    worker.terminate()
    worker.wait(timeout=20)

    assert done.count() == 6
    assert sorted(Quote.objects.values_list("article_id", flat=True)) == [a.pk for a in articles]


def test_a_worker_cut_off_while_storing_a_batch_stores_it_whole_later(tmp_path, settings):
    """The cut falls inside the batch's storing transaction (held on a row lock)."""
    if connection.vendor != "postgresql":
        pytest.skip("the connection is cut through PostgreSQL")
    log = tmp_path / "seen.log"
    articles = [
        make_article(text=f"Story {i}\n" + said(f"Point number {i}", "Ana Lopez")) for i in range(6)
    ]
    extract_batch.enqueue(article_ids=[a.pk for a in articles])
    database = connection.settings_dict["NAME"]
    with (
        psycopg.connect(database_url(), autocommit=True) as admin,
        psycopg.connect(database_url()) as locker,
    ):
        worker = start_worker(log, delay=0.3)
        done = Article.objects.filter(extraction_state="done")
        wait_for(lambda: done.count() == 2)
        # The next batch's articles are held, so its storing transaction waits on them...
        locker.execute(
            "SELECT 1 FROM annotations_article WHERE id = ANY(%s) FOR UPDATE",
            [[a.pk for a in articles[2:]]],
        )
        query = "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'"
        wait_for(lambda: admin.execute(query, [database]).fetchall())
        # ...and is cut there.
        for (pid,) in admin.execute(query, [database]).fetchall():
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        locker.rollback()

        wait_for(lambda: done.count() == 6 or worker.poll() is not None, timeout=60)
        if done.count() < 6:  # the worker gave up: a new one takes the requeued articles
            settings.EXTRACTION_STALE_AFTER = timedelta(0)
            services.requeue_stale_extractions()
            again = start_worker(log, "--batch")
            assert again.wait(timeout=60) == 0, again.stderr.read().decode()[-2000:]
        worker.terminate()
        worker.wait(timeout=20)

    assert done.count() == 6
    assert sorted(Quote.objects.values_list("article_id", flat=True)) == [a.pk for a in articles]
