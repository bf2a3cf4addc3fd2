"""Fixtures for the extraction engine's tests. No database: these tests never touch Django."""

import json
from pathlib import Path

import pytest

from annotations.extraction import extract, load_pipeline

SHARED = Path(__file__).resolve().parents[3] / "shared"
SHARED_DATA = SHARED / "data"
SHARED_EVAL = SHARED / "eval"


@pytest.fixture(scope="session")
def nlp():
    return load_pipeline()


@pytest.fixture(scope="session")
def quotes_of(nlp):
    """quotes_of(text) -> the engine's candidates for that text."""

    def run(text: str):
        return extract(nlp(text))

    return run


@pytest.fixture(scope="session")
def dev_articles():
    path = SHARED_DATA / "ggt_dev.jsonl"
    if not path.exists():
        pytest.skip("../shared/data is not available")
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
