"""Settings for db_worker subprocesses in the worker tests: the fake engine, small batches."""

from newsquotes.settings import *  # noqa: F403

EXTRACTION_ENGINE = "tests.jobs.fake_engine"
EXTRACTION_BATCH_SIZE = 2
