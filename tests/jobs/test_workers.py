"""Real db_worker processes on the test database: shared queue, a worker killed mid-batch.

The workers run tests.jobs.worker_settings (the fake engine, two articles a batch) against
the committed data of these transactional tests.
"""

import os
import signal
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django_tasks_db.models import DBTaskResult

from annotations import services
from annotations.models import Article, Quote
from annotations.tasks import extract_batch
from tests.factories import make_article
from tests.jobs.conftest import said
from tests.jobs.workers import start_worker, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="several workers on one queue is the PostgreSQL set-up",
    ),
]


def numbered_articles(n):
    return [
        make_article(text=f"Story {i}\n" + said(f"Point number {i}", "Ana Lopez")) for i in range(n)
    ]


def texts_seen(log: Path) -> Counter:
    lines = log.read_text().splitlines() if log.exists() else []
    return Counter(line.split("\t")[1] for line in lines)


def test_two_workers_share_the_queue_and_extract_every_article_once(tmp_path, settings):
    log = tmp_path / "seen.log"
    settings.EXTRACTION_BATCH_SIZE = 2
    articles = numbered_articles(16)
    services.queue_extraction(articles=articles)  # autocommit: enqueued at once, 8 tasks

    workers = [start_worker(log, "--batch", delay=0.1) for _ in range(2)]
    for worker in workers:
        assert worker.wait(timeout=60) == 0, worker.stderr.read().decode()

    assert texts_seen(log) == Counter({f"Story {i}": 1 for i in range(16)})
    assert len({line.split("\t")[0] for line in log.read_text().splitlines()}) == 2
    assert set(Article.objects.values_list("extraction_state", "extraction_attempts")) == {
        ("done", 1)
    }
    assert Quote.objects.count() == 16
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_a_worker_killed_mid_batch_loses_nothing_and_duplicates_nothing(tmp_path, settings):
    log = tmp_path / "seen.log"
    articles = numbered_articles(6)
    extract_batch.enqueue(article_ids=[a.pk for a in articles])  # one task, 3 batches

    worker = start_worker(log, delay=0.4)
    running = Article.objects.filter(extraction_state="running")
    done = Article.objects.filter(extraction_state="done")
    wait_for(lambda: done.count() == 2 and running.exists())
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    # The task had claimed all six; the two done stay done, four are held by a dead worker.
    assert set(running.values_list("pk", flat=True)) == {a.pk for a in articles[2:]}

    # Later (here: at once), the next task run sees the dead worker's articles and
    # its task, and queues them again; a new worker finishes them.
    settings.EXTRACTION_STALE_AFTER = timedelta(0)
    assert services.requeue_stale_extractions() == 4
    again = start_worker(log, "--batch")
    assert again.wait(timeout=60) == 0, again.stderr.read().decode()

    assert set(Article.objects.values_list("extraction_state", flat=True)) == {"done"}
    assert Quote.objects.count() == 6
    assert sorted(Quote.objects.values_list("article_id", flat=True)) == [a.pk for a in articles]
    attempts = dict(Article.objects.values_list("pk", "extraction_attempts"))
    assert [attempts[a.pk] for a in articles] == [1, 1, 2, 2, 2, 2]
    lost = DBTaskResult.objects.get(args_kwargs__kwargs__article_ids=[a.pk for a in articles])
    assert lost.status == "FAILED"
    assert "worker stopped" in lost.traceback
