"""db_worker against a PostgreSQL server the test starts itself: it outlives a restart of
the database, and it queues again a killed worker's articles on its own schedule.

Never the shared server: see own_postgres.py. The worker runs tests.jobs.worker_settings
(the fake engine, two articles a batch).
"""

import json
import os
import signal
import subprocess
import sys
import time

import psycopg
import pytest

from tests.jobs.workers import ROOT, wait_for

from .own_postgres import own_postgres  # noqa: F401 (a fixture)

DATABASE = "nq_own_worker"


@pytest.fixture(scope="module")
def worker_database(own_postgres):  # noqa: F811
    own_postgres.createdb(DATABASE)
    url = own_postgres.url(DATABASE)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=worker_env(url),
        check=True,
        capture_output=True,
        timeout=300,
    )
    return url


def worker_env(url, **extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("TEST_DATABASE_NAME", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.jobs.worker_settings",
        DATABASE_URL=url,
        PYTHONUNBUFFERED="1",
        DB_WORKER_RETRY_FIRST="0.2",
        DB_WORKER_RETRY_MAX="1",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def start_worker(url, log_path, **extra) -> subprocess.Popen:
    log = open(log_path, "ab")  # noqa: SIM115 (the worker writes to it until it stops)
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.1"]
    return subprocess.Popen(
        [*command, "--no-startup-delay", "--verbosity", "1"],
        cwd=ROOT,
        env=worker_env(url, **extra),
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def django(url, code: str):
    """Run ``code`` in a Django shell on the own database; it prints one JSON value."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=worker_env(url),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def states(url, ids) -> list[str]:
    with psycopg.connect(url.replace("postgres://", "postgresql://")) as connection:
        rows = connection.execute(
            "SELECT extraction_state FROM annotations_article WHERE id = ANY(%s) ORDER BY id",
            [list(ids)],
        ).fetchall()
    return [state for (state,) in rows]


CREATE_ARTICLES = """
import json
from annotations.models import Article
ids = [
    Article.objects.create(
        title=f"TAG {i}", outlet="Own", text=f'TAG {i}\\n"Point number {i}," said Ana Lopez.'
    ).pk
    for i in range(N)
]
print(json.dumps(ids))
"""


def create_articles(url, n: int, tag: str) -> list[int]:
    return django(url, CREATE_ARTICLES.replace("range(N)", f"range({n})").replace("TAG", tag))


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_an_idle_worker_outlives_a_database_restart_and_takes_the_next_import(
    own_postgres,  # noqa: F811
    worker_database,
    tmp_path,
):
    log = tmp_path / "worker.log"
    worker = start_worker(worker_database, log)
    try:
        wait_for(lambda: b"Starting worker" in log.read_bytes(), timeout=60)
        own_postgres.stop("fast")
        time.sleep(2)  # the idle worker polls every 0.1 s: it meets the outage
        own_postgres.start()
        time.sleep(1)
        assert worker.poll() is None, log.read_text()[-2000:]

        ids = create_articles(worker_database, 2, tag="After the restart")
        django(
            worker_database,
            "from annotations import services; "
            f"services.queue_extraction(articles={ids}); print('null')",
        )
        wait_for(lambda: states(worker_database, ids) == ["done", "done"], timeout=60)
    finally:
        stop(worker)
    text = log.read_text()
    assert "database unreachable: next try in" in text
    assert "database reachable again" in text


def test_a_killed_workers_articles_are_queued_again_on_an_idle_site(
    own_postgres,  # noqa: F811
    worker_database,
    tmp_path,
):
    ids = create_articles(worker_database, 6, tag="Before the kill")
    django(
        worker_database,
        "from annotations.tasks import extract_batch; "
        f"extract_batch.enqueue(article_ids={ids}); print('null')",
    )  # one task, three batches of two
    first = start_worker(worker_database, tmp_path / "first.log", FAKE_ENGINE_DELAY="0.4")
    try:
        wait_for(lambda: states(worker_database, ids).count("done") == 2, timeout=60)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert "running" in states(worker_database, ids)

    # No new import arrives: only the sweep of the worker that is left can notice.
    second = start_worker(
        worker_database,
        tmp_path / "second.log",
        TEST_EXTRACTION_STALE_AFTER_SECONDS="1",
        EXTRACTION_SWEEP_INTERVAL="0.5",
    )
    try:
        wait_for(lambda: states(worker_database, ids) == ["done"] * 6, timeout=60)
    finally:
        stop(second)
    assert "stale extraction(s) handled" in (tmp_path / "second.log").read_text()
