"""Log-in rate limiting counts each client, not the proxy in front of gunicorn, and
forwarded headers are believed only from the proxies named in TRUSTED_PROXIES."""

import pytest
from django.test import RequestFactory, override_settings

from annotations.proxies import client_ip

PROXY = "10.0.0.2"


def request_from(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/accounts/login/", **headers)


@override_settings(TRUSTED_PROXIES=[])
def test_without_proxies_the_client_is_the_peer_address():
    assert client_ip(request_from("203.0.113.9", forwarded="198.51.100.1")) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_behind_one_proxy_the_client_is_the_address_it_appended():
    request = request_from(PROXY, forwarded="198.51.100.66, 203.0.113.9")

    assert client_ip(request) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
def test_behind_two_proxies_the_client_is_the_right_most_untrusted_address():
    request = request_from(PROXY, forwarded="1.2.3.4, 203.0.113.9, 10.0.0.7")

    assert client_ip(request) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_a_request_that_bypassed_the_proxy_is_counted_by_its_peer_address():
    assert client_ip(request_from("203.0.113.9", forwarded="198.51.100.1")) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_a_proxy_that_sent_no_header_is_all_we_know():
    assert client_ip(request_from(PROXY)) == PROXY


def log_in(client, password, *, forwarded, remote=PROXY, username="alice"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=[PROXY], AXES_FAILURE_LIMIT=3)
def test_another_user_behind_the_same_proxy_is_not_locked_out(client, alice, bob):
    for _ in range(3):
        log_in(client, "wrong", forwarded="198.51.100.66")

    assert log_in(client, "correct horse", forwarded="198.51.100.66").status_code == 429
    assert (
        log_in(client, "correct horse", forwarded="203.0.113.9", username="bob").status_code == 302
    )


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=[PROXY], AXES_FAILURE_LIMIT=3)
def test_a_username_is_locked_out_whatever_address_the_guesses_come_from(client, alice):
    for n in range(12):
        log_in(client, "wrong", forwarded=f"198.51.100.{n + 1}")

    assert log_in(client, "correct horse", forwarded="203.0.113.200").status_code == 429


@pytest.mark.django_db
@override_settings(
    TRUSTED_PROXIES=["127.0.0.1"],
    AXES_FAILURE_LIMIT=3,
    AXES_LOCKOUT_PARAMETERS=[["username", "ip_address"]],
)
def test_a_client_rotating_x_forwarded_for_is_still_one_client(client, alice):
    # Not through the proxy: its own X-Forwarded-For is dropped, so even the lock-out by
    # (username, address) counts all its guesses against its one address.
    for n in range(3):
        log_in(client, "wrong", forwarded=f"198.51.100.{n + 1}", remote="203.0.113.9")

    response = log_in(client, "correct horse", forwarded="192.0.2.1", remote="203.0.113.9")
    assert response.status_code == 429


@override_settings(
    TRUSTED_PROXIES=["127.0.0.1"],
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SECURE_SSL_REDIRECT=True,
)
def test_a_client_claiming_https_itself_is_still_redirected_to_https(client):
    response = client.get(
        "/accounts/login/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_PROTO="https"
    )

    assert response.status_code == 301
    assert response["Location"].startswith("https://")
