"""django-tasks-db's db_worker, made to outlive the database and to sweep stale work.

* A PostgreSQL restart, fail-over or dropped connection no longer ends the worker: the
  error is logged, and the connection is tried again with exponential backoff (from
  DB_WORKER_RETRY_FIRST up to DB_WORKER_RETRY_MAX seconds) until the database answers,
  then the worker goes on taking tasks. A task cut off by the outage leaves its articles
  "running"; the sweep below queues them again.
* The articles of a worker that died (kill -9, out of memory) are queued again on a
  schedule of their own: every EXTRACTION_SWEEP_INTERVAL seconds a sweep thread calls
  services.requeue_stale_extractions(), so an idle site recovers without waiting for the
  next import. Several workers may sweep at once: the sweep skips rows another holds.

Same options as django-tasks-db's command (this one takes its name: the annotations app
is listed before django_tasks_db in INSTALLED_APPS).
"""

import logging
import threading
import time

from django.conf import settings
from django.db import connections
from django_tasks_db.management.commands import db_worker as upstream

from ...middleware import database_unavailable

logger = logging.getLogger("annotations.worker")


def _close_connections() -> None:
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except Exception:  # a connection the server already dropped cannot be closed cleanly
            logger.debug("closing a broken connection failed", exc_info=True)


def _database_answers() -> bool:
    try:
        connections["default"].ensure_connection()
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception as error:
        if not database_unavailable(error):
            raise
        _close_connections()
        return False


class ResilientWorker(upstream.Worker):
    def run(self) -> None:
        first = settings.DB_WORKER_RETRY_FIRST
        while True:
            try:
                return super().run()
            except Exception as error:
                if not database_unavailable(error):
                    raise
                logger.warning("database unavailable (%s); reconnecting", error)
                _close_connections()
                self.running_task = False
            delay = first
            while self.running:
                logger.warning("database unreachable: next try in %.1f s", delay)
                time.sleep(delay)
                if _database_answers():
                    logger.warning("database reachable again; taking tasks")
                    break
                delay = min(delay * 2, settings.DB_WORKER_RETRY_MAX)
            if not self.running:
                return None


class StaleWorkSweeper(threading.Thread):
    """Queues again, now and then, the articles of workers that died mid-task."""

    def __init__(self, interval: float):
        super().__init__(name="stale-work-sweeper", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        from ... import services

        while not self.stopped.wait(self.interval):
            try:
                requeued = services.requeue_stale_extractions()
                if requeued:
                    logger.warning("sweep: %d stale extraction(s) handled", requeued)
            except Exception as error:
                # The database is away (the worker's loop says so too) or the sweep hit a
                # bug: either way the worker goes on, and the next sweep tries again.
                if database_unavailable(error):
                    logger.warning("sweep skipped, database unavailable: %s", error)
                else:
                    logger.exception("sweep failed")
            finally:
                _close_connections()


class Command(upstream.Command):
    help = upstream.Command.help + " that reconnects after database outages and sweeps stale work"

    def handle(self, *args, **options):
        interval = settings.EXTRACTION_SWEEP_INTERVAL
        if interval > 0 and not options.get("batch"):
            StaleWorkSweeper(interval).start()
        original, upstream.Worker = upstream.Worker, ResilientWorker
        try:
            return super().handle(*args, **options)
        finally:
            upstream.Worker = original
