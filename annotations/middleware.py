"""Answer a database that cannot save with a clear 503 instead of a server error page.

When PostgreSQL restarts, fails over, drops connections, runs out of disk or is read-only
(a standby, maintenance), the requests in flight fail with OperationalError,
InterfaceError, or InternalError "read-only transaction". Each write is one transaction,
so nothing was half-saved: the person is told that nothing was saved when no write had
gone through yet, and otherwise that it may have been and to reload. The next
request opens a new connection (CONN_HEALTH_CHECKS), so the site recovers by itself.
"""

import logging

from django.db import InterfaceError, InternalError, OperationalError, connection
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.html import format_html

from .parsing import nul_parameter

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
READ_ONLY_SQLSTATE = "25006"  # PostgreSQL: read_only_sql_transaction
MESSAGE = (
    "The database cannot save anything right now (it is unreachable, read-only or full), "
    "so nothing was saved. Wait a few seconds and try again; if this goes on, tell the "
    "site's administrator."
)
# When a write had already gone through before the failure (the reply was being made when
# the database went away), it may well be saved: the person must not be told otherwise.
MAYBE_SAVED_MESSAGE = (
    "The database stopped answering while this page was being made, after your change was "
    "sent to it, so it may have been saved. Wait a few seconds and reload the page to see; "
    "if this goes on, tell the site's administrator."
)
WRITES = ("INSERT", "UPDATE", "DELETE", "MERGE")


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
        writes = {"done": False}
        request._database_writes = writes

        def note_writes(execute, sql, params, many, context):
            result = execute(sql, params, many, context)
            if not writes["done"] and sql.lstrip()[:6].upper().startswith(WRITES):
                writes["done"] = True  # a write the database accepted (maybe committed)
            return result

        with connection.execute_wrapper(note_writes):
            return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_unavailable(exception):
            return None
        wrote = getattr(request, "_database_writes", {}).get("done", False)
        message = MAYBE_SAVED_MESSAGE if wrote else MESSAGE
        logger.warning(
            "database unavailable during %s %s: %s", request.method, request.path, exception
        )
        if getattr(request, "htmx", False):
            # A fragment for htmx pages; their error handler shows the status to the editor.
            body = f'<p class="message error" role="alert">{message}</p>'
        else:
            # No context processors: they would ask the database again.
            body = render_to_string("database_unavailable.html", {"message": message})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


class RefuseNulCharactersMiddleware:
    """Refuse, in one place, a NUL character in any query or form parameter (400).

    No text here can hold one (PostgreSQL refuses NUL in text), so a NUL reaching a query
    would be a 500 on whichever page forgot to check. It runs as the view is chosen, after
    the CSRF check (a forged request is a 403 first), which has already read the form.
    Query strings and urlencoded bodies (htmx, plain forms) are checked; multipart bodies
    are upload forms, whose fields Django's forms check (and whose files the importers do).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        name = nul_parameter(request.GET)
        # Multipart bodies are upload forms, whose fields all go through Django forms: they
        # refuse NUL themselves, next to the field, keeping what the person typed.
        if name is None and request.content_type == "application/x-www-form-urlencoded":
            try:
                name = nul_parameter(request.POST)
            except Exception:  # an unreadable body is the view's (and Django's) to answer
                name = None
        if name is None:
            return None
        return bad_parameter_response(
            request,
            f"The parameter {name!r} holds a NUL character (\\0), which no text here can "
            "hold: remove it and try again.",
        )


API_PREFIX = "/api/"


def bad_parameter_response(request, message: str) -> HttpResponse:
    """A 400 saying which parameter is wrong: JSON for the API (its documented error
    body), else an escaped HTML message that htmx and browsers show as it is."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": message}, status=400)
    return HttpResponseBadRequest(
        format_html('<p class="message error" role="alert">{}</p>', message)
    )


class PrivateResponsesMiddleware:
    """``Cache-Control: private, no-store`` on what a logged-in person (or an API token)
    is answered, unless the view set its own: their pages must not stay in a shared cache
    or on the disk of a shared computer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        personal = (user is not None and user.is_authenticated) or request.path.startswith(
            API_PREFIX
        )
        if personal and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
