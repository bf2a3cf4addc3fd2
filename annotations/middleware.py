"""Answer a lost database with a clear 503 instead of a server error page.

When PostgreSQL restarts, fails over or drops connections, the requests in flight fail
with OperationalError or InterfaceError. Each write is one transaction, so nothing was
half-saved: the person is told exactly that, and to try again. The next request opens a
new connection (CONN_HEALTH_CHECKS), so the site recovers by itself.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
MESSAGE = (
    "The database is not answering right now, so nothing was saved. "
    "Wait a few seconds and try again."
)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
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
