"""Pages that belong to nobody in particular: the home page and the health check."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..models import Article, Quote, Speaker
from ..roles import reader_required


@reader_required
@require_GET
def home(request):
    counts = {
        "articles": Article.objects.count(),
        "candidates": Quote.objects.candidates().count(),
        "reviewed": Quote.objects.reviewed().count(),
        "speakers": Speaker.objects.active().count(),
    }
    return render(request, "annotations/home.html", {"counts": counts})


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 when it does not; for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
