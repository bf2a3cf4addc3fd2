"""gunicorn's settings for newsquotes, read from the environment like everything else.

    gunicorn -c newsquotes/gunicorn.conf.py

BIND (default 127.0.0.1:8000; a list separated by commas), WEB_CONCURRENCY (worker
processes, default 2 x cores + 1), GUNICORN_THREADS (threads a worker, default 1),
GUNICORN_TIMEOUT (seconds before a stuck worker is replaced, default 30),
FORWARDED_ALLOW_IPS (proxies whose X-Forwarded-* headers are trusted, default TRUSTED_PROXIES,
else 127.0.0.1).
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name}={value!r} is not a whole number") from None


wsgi_app = "newsquotes.wsgi:application"
bind = [address.strip() for address in os.environ.get("BIND", "127.0.0.1:8000").split(",")]
workers = _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Recycle workers now and then so that a slow leak never grows into an outage.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# The same proxies the app trusts (settings.TRUSTED_PROXIES), unless told otherwise.
forwarded_allow_ips = (
    os.environ.get("FORWARDED_ALLOW_IPS") or os.environ.get("TRUSTED_PROXIES") or "127.0.0.1"
)
# Logs to standard output and error, for systemd's journal or the container runtime.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# A heartbeat file in memory, not on a disk that may be slow or full.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
# gunicorn's run-time control socket is one fixed path per user by default, which two
# servers on a machine (tests, a load test) would fight over; give it a path to enable it.
if control := os.environ.get("GUNICORN_CONTROL_SOCKET", ""):
    control_socket = control
else:
    control_socket_disable = True


# No "Server: gunicorn" header: it tells a prober what to try, and gunicorn has no option
# to leave it out, so its default response headers are filtered here, once, at start-up.
def _without_server_header(default_headers):
    def headers(response):
        return [line for line in default_headers(response) if not line.startswith("Server:")]

    return headers


from gunicorn.http import wsgi as _gunicorn_wsgi  # noqa: E402

if not getattr(_gunicorn_wsgi.Response, "_newsquotes_no_server", False):
    _gunicorn_wsgi.Response.default_headers = _without_server_header(
        _gunicorn_wsgi.Response.default_headers
    )
    _gunicorn_wsgi.Response._newsquotes_no_server = True
