"""Log-in rate limiting counts each client, not the proxy in front of gunicorn."""

import pytest
from django.test import RequestFactory, override_settings

from annotations.proxies import client_ip


def request_from(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/accounts/login/", **headers)


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_proxies_the_client_is_the_peer_address():
    assert client_ip(request_from("203.0.113.9", forwarded="198.51.100.1")) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_client_is_the_address_it_appended():
    request = request_from("10.0.0.2", forwarded="198.51.100.66, 203.0.113.9")

    assert client_ip(request) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies_the_client_is_second_from_the_right():
    request = request_from("10.0.0.2", forwarded="1.2.3.4, 203.0.113.9, 10.0.0.7")

    assert client_ip(request) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_request_that_bypassed_the_proxy_is_counted_by_its_peer_address():
    assert client_ip(request_from("203.0.113.9")) == "203.0.113.9"


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1, AXES_FAILURE_LIMIT=3)
def test_one_client_locked_out_behind_the_proxy_does_not_lock_out_another(client, alice):
    def log_in(password, address):
        return client.post(
            "/accounts/login/",
            {"username": "alice", "password": password},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=address,
        )

    for _ in range(3):
        log_in("wrong", "198.51.100.66")

    assert log_in("correct horse", "198.51.100.66").status_code == 429
    assert log_in("correct horse", "203.0.113.9").status_code == 302
