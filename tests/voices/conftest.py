import pytest
from django.db import connection

from annotations import voices
from tests.voices.test_aggregate import corpus  # noqa: F401  (the hand-counted corpus)


@pytest.fixture(params=["people", "range", "month bits", "quotes"])
def source(request, monkeypatch):
    """Each test runs on every source of the aggregate (the summaries need PostgreSQL):
    VoicePeople where it answers, the range path even without dates, by the months'
    per-speaker rows or by the speakers' month bits (any dated range of whole months,
    however short), and the quotes themselves."""
    if request.param != "quotes" and connection.vendor != "postgresql":
        pytest.skip("the summaries are kept by PostgreSQL triggers")
    if request.param in ("range", "month bits"):
        monkeypatch.setattr(voices, "people_can_answer", lambda criteria, using="default": False)
    if request.param == "range":
        monkeypatch.setattr(voices, "_reads_month_bits", lambda criteria, parts: False)
    if request.param == "month bits":
        monkeypatch.setattr(voices, "MONTH_BITS_FROM", 0)
    if request.param == "quotes":
        monkeypatch.setattr(
            voices.VoiceCount, "is_maintained", staticmethod(lambda alias="default": False)
        )
    return request.param
