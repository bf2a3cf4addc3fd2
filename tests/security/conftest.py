"""Shared pieces of the security tests: a scene with one of everything, and CSRF helpers."""

import pytest
from django.conf import settings
from django.test import Client

from annotations import services
from annotations.models import (
    Article,
    Quote,
    Speaker,
    SpeakerAlias,
    SpeakerMerge,
    SpeakerMergeSuggestion,
)
from tests.factories import make_article, make_quote, make_speaker

# A CSRF secret as Django keeps it in the cookie (32 letters and digits); the same value
# sent back in the X-CSRFToken header is a valid token, as a browser's htmx would send it.
CSRF_SECRET = "S3cur1tyTestsCsrfSecretAbcdEFGH1"
PERSONAS = ["anonymous", "mallory", "rachel", "alice", "admin_user"]


class Scene:
    """One article with a candidate quote by a speaker who has an alias; an open suggestion
    that two other speakers are one person; and a merge that can be undone."""

    def __init__(self):
        self.speaker = make_speaker("Ana Lopez")
        SpeakerAlias.objects.create(speaker=self.speaker, name="Mayor Lopez")
        self.article = make_article(title="Bridge to be rebuilt")
        self.quote = make_quote(
            self.article,
            '"We will rebuild the bridge by spring,"',
            speaker=self.speaker,
            kind="direct",
        )
        low, high = make_speaker("Tom Reed"), make_speaker("T. Reed")
        self.suggestion = SpeakerMergeSuggestion.objects.create(
            speaker=low, other=high, score=90, reason="initial"
        )
        self.merge = services.speaker_merge(
            source=make_speaker("Jo Bloggs"), target=make_speaker("Joanna Bloggs"), user=None
        )


@pytest.fixture
def scene(db):
    return Scene()


def client_for(request, persona: str, *, enforce_csrf: bool = True) -> Client:
    """A client logged in as the persona (a fixture name), or anonymous."""
    client = Client(enforce_csrf_checks=enforce_csrf)
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    return client


def with_csrf_cookie(client: Client) -> dict:
    """Give the client a CSRF cookie; returns the header that proves the token."""
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    return {"HTTP_X_CSRFTOKEN": CSRF_SECRET}


def snapshot() -> dict:
    """What a write could change: every quote, claim, speaker, alias and article."""
    return {
        "quotes": list(Quote.objects.order_by("pk").values()),
        "articles": list(
            Article.objects.order_by("pk").values("pk", "claimed_by", "claimed_at", "title")
        ),
        "speakers": list(Speaker.objects.order_by("pk").values("pk", "name", "merged_into")),
        "aliases": list(SpeakerAlias.objects.order_by("pk").values("pk", "name", "speaker")),
        "suggestions": list(SpeakerMergeSuggestion.objects.order_by("pk").values()),
        "merges": list(SpeakerMerge.objects.order_by("pk").values("pk", "undone_at")),
    }


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The personas' passwords are hashed on every test; a weak hash keeps the matrix quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
