"""Where log-ins and actions may send a browser next, and what an API token opens."""

import secrets

import pytest
from django.conf import settings
from django.test import Client

from annotations.models import ApiToken

pytestmark = pytest.mark.django_db

ELSEWHERE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "javascript:alert(1)",
    "https:evil.example",
]


# No open redirects -----------------------------------------------------------------------


@pytest.mark.parametrize("target", ELSEWHERE)
def test_logging_in_never_sends_the_browser_to_another_site(client, alice, target):
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "correct horse", "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", ELSEWHERE)
def test_claiming_an_article_never_sends_the_browser_to_another_site(alice_client, scene, target):
    response = alice_client.post(f"/articles/{scene.article.pk}/claim/", {"next": target})
    assert response["Location"] == f"/articles/{scene.article.pk}/"


@pytest.mark.parametrize("target", ELSEWHERE)
def test_releasing_an_article_never_sends_the_browser_to_another_site(alice_client, scene, target):
    response = alice_client.post(f"/articles/{scene.article.pk}/release/", {"next": target})
    assert response["Location"] == "/review/"


def test_a_local_next_is_followed(alice_client, scene):
    response = alice_client.post(f"/articles/{scene.article.pk}/claim/", {"next": "/review/"})
    assert response["Location"] == "/review/"


# Sessions ------------------------------------------------------------------------------


def test_logging_out_ends_the_session_on_the_server(client, alice):
    client.post("/accounts/login/", {"username": "alice", "password": "correct horse"})
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/accounts/logout/")
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = stolen
    assert thief.get("/quotes/").status_code == 302


def test_logging_in_gives_a_new_session_key(client, alice):
    """Session fixation: a key planted before log-in is not the one used after."""
    client.get("/accounts/login/")
    client.cookies[settings.SESSION_COOKIE_NAME] = "planted" + "x" * 25
    client.post("/accounts/login/", {"username": "alice", "password": "correct horse"})
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != "planted" + "x" * 25


def test_the_session_cookie_is_not_readable_by_scripts_or_sent_cross_site(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "correct horse"})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_the_django_admin_log_in_is_rate_limited_too(client, admin_user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": admin_user.username, "password": "wrong"})
    response = client.post(
        "/admin/login/", {"username": admin_user.username, "password": "correct horse"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


# API tokens ----------------------------------------------------------------------------


def _token(user) -> str:
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=ApiToken.hash_key(key))
    return key


def _bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_researchers_token_reads_the_api(client, rachel, scene):
    assert client.get("/api/quotes", **_bearer(_token(rachel))).status_code == 200


def test_an_unknown_token_is_401(client, scene):
    assert client.get("/api/quotes", **_bearer("not-a-token")).status_code == 401


def test_a_token_of_a_user_without_a_role_is_403(client, mallory, scene):
    assert client.get("/api/quotes", **_bearer(_token(mallory))).status_code == 403


def test_a_token_stops_working_when_its_user_is_deactivated(client, rachel, scene):
    key = _token(rachel)
    rachel.is_active = False
    rachel.save()
    assert client.get("/api/quotes", **_bearer(key)).status_code == 403


def test_a_token_stops_working_when_it_is_deleted(client, rachel, scene):
    key = _token(rachel)
    ApiToken.objects.filter(user=rachel).delete()
    assert client.get("/api/quotes", **_bearer(key)).status_code == 401


def test_a_token_opens_the_api_only_not_the_pages(client, alice, scene):
    key = _token(alice)
    response = client.get("/quotes/", **_bearer(key))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.post(f"/articles/{scene.article.pk}/claim/", **_bearer(key)).status_code == 302


def test_only_a_hash_of_the_token_is_stored(rachel):
    key = _token(rachel)
    stored = ApiToken.objects.get(user=rachel)
    assert key not in stored.key_hash
    assert stored.key_hash == ApiToken.hash_key(key)
