"""An article under review: three candidates by two speakers, as the engine left them."""

import pytest

from tests.factories import make_article, make_quote, make_speaker


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The personas' passwords need no real hashing here; it made each test take a second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def article(db):
    return make_article(title="Bridge to be rebuilt")


@pytest.fixture
def ana(db):
    return make_speaker("Ana Lopez")


@pytest.fixture
def tom(db):
    return make_speaker("Tom Reed")


@pytest.fixture
def bridge_quote(article, ana):
    """A direct quote, rightly attributed to Ana."""
    return make_quote(
        article,
        '"We will rebuild the bridge by spring,"',
        speaker=ana,
        kind="direct",
        confidence=0.9,
        speaker_start=article.text.index("Mayor Ana Lopez"),
        speaker_end=article.text.index("Mayor Ana Lopez") + len("Mayor Ana Lopez"),
        speaker_text="Mayor Ana Lopez",
        cue_start=article.text.index("said"),
        cue_end=article.text.index("said") + 4,
        cue_text="said",
    )


@pytest.fixture
def budget_quote(article, ana):
    """Reported speech the engine gave to the wrong speaker (Tom Reed said it)."""
    return make_quote(
        article, "the budget could not carry the cost", speaker=ana, kind="indirect", confidence=0.4
    )


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


def htmx(**extra):
    """Headers django-htmx reads as an htmx request."""
    return {"HTTP_HX_REQUEST": "true", **extra}
