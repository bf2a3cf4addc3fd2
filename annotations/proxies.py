"""Forwarded headers, trusted only from the reverse proxies named in TRUSTED_PROXIES.

Behind a proxy, REMOTE_ADDR is the proxy's address, so django-axes would count every
person's failed log-ins as one client's, and only the proxy knows whether the client came
over HTTPS. Each proxy appends the address it saw to X-Forwarded-For and says the scheme in
X-Forwarded-Proto. Anyone can send those headers, though, so they are believed only when
the peer (REMOTE_ADDR) is one of settings.TRUSTED_PROXIES (addresses or networks): from any
other peer they are removed before the rest of the app sees the request (a client rotating
X-Forwarded-For is still one client, and cannot claim HTTPS). The client is then the
right-most address in X-Forwarded-For that is not itself a trusted proxy.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_FORWARDED",
)


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies)


def is_trusted_proxy(address: str | None) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str | None:
    """The client's address: the peer's, unless the peer is a trusted proxy."""
    remote = request.META.get("REMOTE_ADDR")
    if not is_trusted_proxy(remote):
        return remote
    forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",")]
    for address in reversed([part for part in forwarded if part]):
        if not is_trusted_proxy(address):
            return address
    # Only proxies in the chain (or no header): the nearest address is all we know.
    return remote


class ForwardedHeadersMiddleware:
    """First in MIDDLEWARE: forwarded headers from a peer that is not a trusted proxy are
    dropped, so SECURE_PROXY_SSL_HEADER and the log-in limits never read a client's own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR")):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
