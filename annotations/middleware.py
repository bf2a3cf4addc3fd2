"""Answer a database that cannot save with a clear 503 instead of a server error page.

When PostgreSQL restarts, fails over, drops connections, runs out of disk or is read-only
(a standby, maintenance), the requests in flight fail with OperationalError,
InterfaceError, or InternalError "read-only transaction". Each write is one transaction,
so nothing was half-saved: the person is told exactly that, and to try again. The next
request opens a new connection (CONN_HEALTH_CHECKS), so the site recovers by itself.
"""

import logging

from django.db import InterfaceError, InternalError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
READ_ONLY_SQLSTATE = "25006"  # PostgreSQL: read_only_sql_transaction
MESSAGE = (
    "The database cannot save anything right now (it is unreachable, read-only or full), "
    "so nothing was saved. Wait a few seconds and try again; if this goes on, tell the "
    "site's administrator."
)


def database_unavailable(exception: BaseException) -> bool:
    if isinstance(exception, OperationalError | InterfaceError):
        return True
    cause = exception.__cause__
    return isinstance(exception, InternalError) and (
        getattr(cause, "sqlstate", None) == READ_ONLY_SQLSTATE
    )


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_unavailable(exception):
            return None
        logger.warning(
            "database unavailable during %s %s: %s", request.method, request.path, exception
        )
        if getattr(request, "htmx", False):
            # A fragment for htmx pages; their error handler shows the status to the editor.
            body = f'<p class="message error" role="alert">{MESSAGE}</p>'
        else:
            # No context processors: they would ask the database again.
            body = render_to_string("database_unavailable.html", {"message": MESSAGE})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
