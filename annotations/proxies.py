"""The client's address when requests come through reverse proxies (for log-in rate limits).

Behind a proxy, REMOTE_ADDR is the proxy's address, so django-axes would count every
person's failed log-ins as one client's. Each trusted proxy appends the address it saw to
X-Forwarded-For; with TRUSTED_PROXY_COUNT proxies in front of gunicorn, the client is the
address that many places from the right. Anything further left was sent by the client and
is not trusted.
"""

from django.conf import settings


def client_ip(request) -> str | None:
    count = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR")
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        # Not through the expected chain of proxies: the nearest address is all we know.
        return remote
    return forwarded[-count]
