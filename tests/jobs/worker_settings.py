"""Settings for db_worker subprocesses in the worker tests: the fake engine, small batches."""

import os
from datetime import timedelta

from newsquotes.settings import *  # noqa: F403

EXTRACTION_ENGINE = "tests.jobs.fake_engine"
EXTRACTION_BATCH_SIZE = 2

# The worker-restart tests need a dead worker's articles to go stale in seconds, not the
# minute that EXTRACTION_STALE_AFTER_MINUTES allows at least.
if os.environ.get("TEST_EXTRACTION_STALE_AFTER_SECONDS"):
    EXTRACTION_STALE_AFTER = timedelta(
        seconds=float(os.environ["TEST_EXTRACTION_STALE_AFTER_SECONDS"])
    )
