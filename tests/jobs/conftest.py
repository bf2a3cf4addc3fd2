import pytest

from tests.jobs import fake_engine as fake_engine_module


@pytest.fixture
def fake_engine(settings, monkeypatch):
    """Extraction runs the fake engine ('"...," said Name' only), at version fake-1."""
    settings.EXTRACTION_ENGINE = "tests.jobs.fake_engine"
    monkeypatch.setattr(fake_engine_module, "EXTRACTOR_VERSION", "fake-1")
    return fake_engine_module


def said(quote: str, speaker: str) -> str:
    """A sentence the fake engine finds: one candidate quoting ``quote``."""
    return f'"{quote}," said {speaker}.'
