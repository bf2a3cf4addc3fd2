"""Pages that belong to nobody in particular: the home page and the health check."""

import os
import shutil
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ..models import Article, Quote, Speaker
from ..roles import reader_required


@reader_required
@require_safe
def home(request):
    counts = {
        "articles": Article.objects.count(),
        "candidates": Quote.objects.candidates().count(),
        "reviewed": Quote.objects.reviewed().count(),
        "speakers": Speaker.objects.active().count(),
    }
    return render(request, "annotations/home.html", {"counts": counts})


@never_cache
@require_safe
def healthz(request):
    """200 when the database answers and can save, 503 when it cannot; for load balancers.

    "unreachable": no answer; "read-only": a PostgreSQL standby or read-only session, or a
    SQLite file (or its directory, which holds the WAL) that cannot be written; "full": the
    disk of the SQLite file has less than HEALTHZ_MIN_FREE_BYTES left.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
            problem = _cannot_save(cursor)
    except DatabaseError:
        problem = "unreachable"
    if problem:
        return JsonResponse({"status": "error", "database": problem}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _cannot_save(cursor) -> str:
    if connection.vendor == "postgresql":
        cursor.execute("SHOW transaction_read_only")
        return "read-only" if cursor.fetchone()[0] == "on" else ""
    if connection.vendor != "sqlite":
        return ""
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        return ""
    path = Path(name)
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        return "read-only"
    if shutil.disk_usage(path.parent).free < settings.HEALTHZ_MIN_FREE_BYTES:
        return "full"
    return ""
