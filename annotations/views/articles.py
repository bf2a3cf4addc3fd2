"""Editors add articles: paste one, or upload files in the formats import_articles reads.

The same parsing (importers.parse), storing (services.import_records) and queueing
(services.queue_extraction) as the command, so the rules and the messages are the same.
"""

from django.conf import settings
from django.db.models import Count, Q
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_safe

from .. import importers, services
from ..forms import AddArticlesForm
from ..middleware import bad_parameter_response
from ..models import Article, Quote
from ..parsing import BadParameter, parse_ids
from ..roles import editor_required

MAX_STATUS_IDS = 200
MAX_LISTED_SKIPPED = 100


def _pasted_record(data) -> importers.ArticleRecord:
    return importers.ArticleRecord(
        text=data["text"].replace("\r\n", "\n").strip("\n"),
        title=data["title"].strip(),
        outlet=data["outlet"].strip(),
        url=data["url"].strip(),
        published=data["published"],
    )


def _too_large_for_the_web(batches) -> str:
    """Why these files are too many rows to store within one web request, or ""."""
    articles = sum(len(records) for _, records in batches)
    quotes = sum(len(record.quotes) for _, records in batches for record in records)
    limit = settings.IMPORT_MAX_ROWS
    if articles + quotes <= limit:
        return ""
    return (
        f"these files hold {articles:,} articles and {quotes:,} quotes, more than the "
        f"{limit:,} rows one upload can store before the server's time limit; nothing was "
        "imported. Split them into smaller files, or import them with "
        "`python manage.py import_articles`."
    )


@editor_required
@require_http_methods(["GET", "POST"])
def articles_add(request):
    form = AddArticlesForm(request.POST or None, request.FILES or None)
    context = {"form": form, "errors": [], "imported": [], "skipped": []}
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        batches = []
        if data["files"]:
            for upload in data["files"]:
                try:
                    batches.append((upload.name, importers.parse(upload.name, upload.read())))
                except importers.ImportFileError as error:
                    context["errors"].append(str(error))
        else:
            batches.append(("pasted article", [_pasted_record(data)]))
        if too_large := _too_large_for_the_web(batches):
            context["errors"].append(too_large)
            batches = []
        for source, records in batches:
            try:
                result = services.import_records(source=source, records=records, user=request.user)
            except importers.ImportFileError as error:
                context["errors"].append(str(error))
                continue
            context["imported"] += result.imported
            context["skipped"] += [(record, existing) for record, existing in result.skipped]
        if context["imported"]:
            services.queue_extraction(articles=context["imported"])
            for article in context["imported"]:
                article.extraction_state = Article.Extraction.QUEUED
                article.n_candidates = None
        if context["errors"] and not context["imported"]:
            status = 400
        # A large file's rows are counted, and only the first ones listed (and polled).
        context["imported_count"] = len(context["imported"])
        context["imported"] = context["imported"][:MAX_STATUS_IDS]
        context["skipped_count"] = len(context["skipped"])
        context["skipped"] = context["skipped"][:MAX_LISTED_SKIPPED]
        if not context["errors"]:
            context["form"] = AddArticlesForm()  # start afresh after a clean import
    elif request.method == "POST":
        status = 400
    return render(request, "annotations/review/articles_add.html", context, status=status)


@editor_required
@require_safe
def articles_status(request):
    """The extraction state of some articles, polled by the Add articles page."""
    try:
        ids = parse_ids(request.GET.get("ids"), name="ids", limit=MAX_STATUS_IDS)
    except BadParameter as error:
        return bad_parameter_response(request, str(error))
    articles = list(
        Article.objects.filter(pk__in=ids)
        .annotate(n_candidates=Count("quotes", filter=Q(quotes__status=Quote.Status.CANDIDATE)))
        .order_by("pk")
    )
    running = any(
        a.extraction_state in (Article.Extraction.QUEUED, Article.Extraction.RUNNING)
        for a in articles
    )
    return render(
        request,
        "annotations/review/articles_add.html#status",
        {"imported": articles, "running": running, "ids": ",".join(str(a.pk) for a in articles)},
    )
