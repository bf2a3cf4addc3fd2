"""The read-only JSON API (django-ninja): quotes, speakers and articles.

The same FilterSets as the pages validate the query string, so a filter means the same
thing everywhere; lists are paged by an opaque cursor. Readers (researchers, editors,
admins) authenticate with their browser session or ``Authorization: Bearer <token>``
(``python manage.py create_api_token USER``). Nothing here writes, except the time a
token was last used. OpenAPI at /api/openapi.json, interactive docs at /api/docs.
"""

import datetime
import functools
import inspect
import typing
from pathlib import Path
from typing import Literal

import ninja
import pydantic_core
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.static import serve
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import DocsBase
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import create_model

from . import aggregates, exports
from .filters import (
    MAX_PAGE_SIZE,
    ArticleFilter,
    BadParameter,
    Cursor,
    QuoteFilter,
    SpeakerFilter,
    TopSpeakerFilter,
    id_page,
    page_size,
    quote_page,
    with_review_counts,
)
from .models import ApiToken, Article, Quote, Speaker
from .permalinks import article_url, speaker_url
from .roles import is_reader, reader_required
from .voices import VoiceFilter, aggregate

NOT_A_READER = "This account has no role that may read the API (researcher, editor or admin)."


# Authentication ------------------------------------------------------------------------


class ReaderSession(APIKeyCookie):
    """The browser session of a reader. GET only, so no CSRF check is needed."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self):
        super().__init__(csrf=False)

    def authenticate(self, request, key):
        user = request.user
        if not user.is_authenticated:
            return None
        if not is_reader(user):
            raise HttpError(403, NOT_A_READER)
        return user


class ReaderToken(HttpBearer):
    """``Authorization: Bearer <token>``: an ApiToken of a reader (only hashes are stored)."""

    def authenticate(self, request, token):
        return reader_of_token(request, token)


def reader_of_token(request, token: str):
    """The reader whose ApiToken ``token`` is (and request.user set to them), or None."""
    found = (
        ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(token)).first()
    )
    if found is None:
        return None
    if not is_reader(found.user):
        raise HttpError(403, NOT_A_READER)
    # At most once a minute, so that reading stays (nearly) write-free.
    now = timezone.now()
    if not found.last_used_at or now - found.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    request.user = found.user
    return found.user


def docs_access(view):
    """The schema and docs for readers: a browser session (else the log-in page) or a
    token (``Authorization: Bearer``; a wrong one is a 401 in JSON, not a redirect)."""
    session_view = reader_required(view)

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return session_view(request, *args, **kwargs)
        try:
            user = reader_of_token(request, token.strip())
        except HttpError as error:
            return JsonResponse({"detail": str(error)}, status=error.status_code)
        if user is None:
            return JsonResponse({"detail": "This token is not valid."}, status=401)
        return view(request, *args, **kwargs)

    return require_GET(guarded)


# Interactive docs, served from ninja's bundled Swagger UI: no CDN, no inline script. ----

SWAGGER_FILES = {"swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-init.js"}
SWAGGER_DIR = Path(ninja.__file__).parent / "static" / "ninja"


class OfflineSwagger(DocsBase):
    def render_page(self, request, api, **kwargs):
        swagger_settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            # No deep links: Swagger UI puts them as links inside its summary buttons
            # (axe: nested-interactive, serious).
            "deepLinking": False,
        }
        # Rendered with json_script, so no value can close the <script> element.
        context = {"swagger_settings": swagger_settings, "api": api}
        return render(request, "annotations/research/api_docs.html", context)


@require_GET
def swagger_asset(request, name):
    """Swagger UI's files from the django-ninja package (it is not an installed app)."""
    if name not in SWAGGER_FILES:
        raise Http404("No such file.")
    response = serve(request, name, document_root=SWAGGER_DIR)
    response["Cache-Control"] = "max-age=86400"
    return response


api = NinjaAPI(
    title="newsquotes API",
    version="1",
    description=(
        "Read-only access to reviewed quotes, their speakers and articles, with the same "
        "filters as the research pages. Lists return `items` and `next_cursor`: pass "
        "`cursor=<next_cursor>` for the next page (no page numbers); the first page also "
        "carries `total`. Quote items are the export schema's records (the README's "
        "table: the same fields as the CSV and JSONL exports). By default only confirmed "
        "and corrected quotes count; `unreviewed_left_out` says how many candidates the "
        "filter leaves out, and `status=candidate` (with others) includes them. "
        "`/counts`, `/top-speakers` and `/statements` aggregate the same filters. A "
        "parameter an operation does not take is a 400 naming it. Authenticate with a "
        "browser session or `Authorization: Bearer <token>`."
    ),
    auth=[ReaderSession(), ReaderToken()],
    urls_namespace="api",
    docs=OfflineSwagger(),
    # Docs and schema are read with GET only, by readers (session or token).
    docs_decorator=docs_access,
)


class ErrorOut(Schema):
    detail: str


@api.exception_handler(ValidationError)
def _invalid_parameters(request, exc: ValidationError):
    parts = []
    for error in exc.errors:
        location = ".".join(str(part) for part in error.get("loc", ()) if part != "query")
        parts.append(f"{location or 'parameters'}: {error.get('msg', 'invalid')}")
    return api.create_response(request, {"detail": "; ".join(parts)}, status=400)


@api.exception_handler(BadParameter)
def _bad_parameter(request, exc: BadParameter):
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(
        request,
        {"detail": "Log in, or send Authorization: Bearer <token> (create_api_token)."},
        status=401,
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


# Schemas -------------------------------------------------------------------------------


class SpeakerRef(Schema):
    id: int
    name: str
    url: str = Field(description="Permalink of the speaker's page.")


def _record_schema():
    """QuoteOut: the export schema's columns (exports.COLUMNS), plus the search rank."""
    fields = {
        column.name: (column.type, Field(..., description=column.description))
        for column in exports.COLUMNS
    }
    fields["rank"] = (
        float | None,
        Field(None, description="Search relevance (higher is better) with `sort=relevance`."),
    )
    return create_model("QuoteOut", __base__=Schema, **fields)


if typing.TYPE_CHECKING:  # built at run time from the columns; a Schema to mypy
    QuoteOut = Schema
else:
    QuoteOut = _record_schema()


class QuotePage(Schema):
    items: list[QuoteOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")
    total: int | None = Field(
        description="Quotes matching the filters (first page only; null with a cursor)."
    )
    unreviewed_left_out: int | None = Field(
        description=(
            "Candidates (not yet reviewed) the same filters leave out (first page only; null "
            "with a cursor or when `status` includes candidates)."
        )
    )
    counts_exact: bool | None = Field(
        description=(
            "False when `total` or `unreviewed_left_out` is PostgreSQL's estimate, rounded "
            "(a count too costly to read row by row is estimated)."
        )
    )


class CountsOut(Schema):
    total: int = Field(description="Quotes matching the filters.")
    unreviewed_left_out: int | None = Field(
        description="Candidates the filters leave out (null when `status` includes them)."
    )
    counts_exact: bool | None = Field(
        description=(
            "False when `total` or `unreviewed_left_out` is PostgreSQL's estimate, rounded "
            "(a count too costly to read row by row is estimated)."
        )
    )
    by_status: dict[str, int] = Field(
        description="Quotes matching the filters but `status`, per status (all four)."
    )


class TopSpeakerOut(Schema):
    speaker: SpeakerRef
    count: int = Field(description="Quotes of this speaker under the filters.")
    share: float = Field(description="count / total (0 to 1).")


class TopSpeakersOut(Schema):
    items: list[TopSpeakerOut]
    total: int = Field(description="Quotes under the filters, attributed or not.")
    unreviewed_left_out: int | None
    counts_exact: bool | None = Field(
        description=(
            "False when `total` or `unreviewed_left_out` is PostgreSQL's estimate, rounded "
            "(a count too costly to read row by row is estimated)."
        )
    )


class StatementOut(Schema):
    first_quote: int = Field(description="Lowest quote id of the statement: its stable id.")
    speaker: SpeakerRef
    quote: str = Field(description="The words of the first quote.")
    fingerprint: str
    appearances: int = Field(description="Quotes with these words by this speaker.")
    articles: int = Field(description="Articles they appeared in.")
    outlets: list[str] = Field(description="Outlets that carried them, first seen first.")
    first_seen: datetime.date | None


class StatementPage(Schema):
    items: list[StatementOut]
    next_cursor: str | None
    statements: int | None = Field(description="Statements under the filters (first page).")
    appearances: int | None = Field(description="Their quotes (first page).")
    unreviewed_left_out: int | None
    counts_exact: bool | None = Field(
        description=(
            "False when `total` or `unreviewed_left_out` is PostgreSQL's estimate, rounded "
            "(a count too costly to read row by row is estimated)."
        )
    )


class SpeakerOut(Schema):
    id: int
    name: str
    url: str
    description: str
    external_id: str
    aliases: list[str]
    merged_into: int | None


class VoicesOut(Schema):
    filters: dict = Field(description="The filters as understood, with the statuses counted.")
    by: Literal["outlet", "month", "outlet,month"]
    total: dict = Field(
        description=(
            "quotes and people (distinct speakers) per gender, for person speakers; "
            "share_women_*; unknown_gender.{quotes,people}.{name_only,no_evidence}; "
            "types.<type>.{quotes,speakers}; total_quotes."
        )
    )
    groups: list[dict] = Field(description="The same counts per outlet, month, or both.")
    top: dict = Field(description="The most quoted women, men and organisations.")
    candidates: int = Field(description="Unreviewed candidates the filters match.")


class SpeakerDetailOut(SpeakerOut):
    quote_count: int = Field(description="Confirmed and corrected quotes.")


class SpeakerPage(Schema):
    items: list[SpeakerOut]
    next_cursor: str | None


class ArticleOut(Schema):
    id: int
    external_id: str
    title: str
    outlet: str
    published: datetime.date | None
    url: str
    source_url: str
    extraction_state: str
    candidate_count: int
    reviewed_count: int


class ArticleDetailOut(ArticleOut):
    text: str


class ArticlePage(Schema):
    items: list[ArticleOut]
    next_cursor: str | None


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if path else ""


def _speaker_ref(request, speaker: Speaker) -> dict:
    return {
        "id": speaker.pk,
        "name": speaker.name,
        "url": _absolute(request, speaker_url(speaker.pk)),
    }


def _speaker_out(request, speaker: Speaker) -> dict:
    return {
        "id": speaker.pk,
        "name": speaker.name,
        "url": _absolute(request, speaker_url(speaker.pk)),
        "description": speaker.description,
        "external_id": speaker.external_id,
        "aliases": [alias.name for alias in speaker.aliases.all()],
        "merged_into": speaker.merged_into_id,
    }


def _article_out(request, article: Article) -> dict:
    return {
        "id": article.pk,
        "external_id": article.external_id,
        "title": article.title,
        "outlet": article.outlet,
        "published": article.published,
        "url": _absolute(request, article_url(article.pk)),
        "source_url": article.url,
        "extraction_state": article.extraction_state,
        "candidate_count": article.candidate_count,
        "reviewed_count": article.reviewed_count,
    }


# Operations ----------------------------------------------------------------------------

Status = Literal["candidate", "confirmed", "corrected", "rejected"]
Kind = Literal["direct", "indirect", "mixed"]


class TopSpeakerParams(Schema):
    """The filters of top speakers (and every quote filter but speaker, article, q)."""

    outlet: str | None = Field(
        None, max_length=200, description="Outlet name; case and spacing do not matter."
    )
    date_from: datetime.date | None = Field(None, description="Published on or after (YYYY-MM-DD).")
    date_to: datetime.date | None = Field(None, description="Published on or before (YYYY-MM-DD).")
    status: list[Status] | None = Field(
        None,
        description=(
            "Repeat for several. Default: confirmed and corrected (reviewed); add `candidate` "
            "for quotes no editor has checked yet."
        ),
    )
    kind: list[Kind] | None = Field(None, description="Repeat for several. Default: every kind.")


class QuoteParams(TopSpeakerParams):
    speaker: int | None = Field(None, description="Speaker id (see /api/speakers).")
    article: int | None = Field(None, ge=1, description="Article id (see /api/articles).")
    q: str | None = Field(
        None,
        max_length=500,
        description=(
            'Words in the quote, stemmed ("bridges" finds "bridge"): "a phrase" in that '
            "order, `or` between two terms for either, `-word` to leave a word out."
        ),
    )


class QuoteListParams(QuoteParams):
    sort: Literal["date", "relevance"] | None = Field(
        None,
        description=(
            "`date` (newest first, default) or `relevance` (with `q`; ranks the 1,000 most "
            "recently added matches)."
        ),
    )


class ArticleParams(Schema):
    q: str | None = Field(None, max_length=200, description="Part of the title, outlet or URL.")
    outlet: str | None = Field(
        None, max_length=200, description="Outlet name; case and spacing do not matter."
    )
    date_from: datetime.date | None = Field(None, description="Published on or after (YYYY-MM-DD).")
    date_to: datetime.date | None = Field(None, description="Published on or before (YYYY-MM-DD).")
    extraction: Literal["not_started", "queued", "running", "done", "failed"] | None = Field(
        None, description="Where the article's quote extraction is."
    )
    review: Literal["awaiting", "reviewed", "no_quotes"] | None = Field(
        None,
        description=(
            "`awaiting`: has candidates to review; `reviewed`: every quote reviewed; "
            "`no_quotes`: none found."
        ),
    )


Limit = Query(
    None, ge=1, le=MAX_PAGE_SIZE, description=f"Page size, 1 to {MAX_PAGE_SIZE} (default 50)."
)
CursorParam = Query(None, description="`next_cursor` of the page before.", max_length=500)
Repeated = Query(
    None,
    description="`true` (default): statements carried more than once; `false`: every one.",
)


def _parameter_names(view) -> set[str]:
    """The query parameters ``view`` declares: its own, and the fields of its Schemas."""
    names = set()
    for name, parameter in inspect.signature(view).parameters.items():
        if name == "request":
            continue
        annotation = parameter.annotation
        if typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        if inspect.isclass(annotation) and issubclass(annotation, Schema):
            names |= set(annotation.model_fields)
        else:
            names.add(name)
    return names


def documented_parameters_only(view):
    """Answer 400 naming a query parameter the operation does not take (``?statuz=``),
    rather than ignore it and answer for a filter the caller did not mean."""
    allowed = _parameter_names(view)

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        unknown = sorted(set(request.GET) - allowed)
        if unknown:
            raise BadParameter(
                "; ".join(f"{name}: not a parameter of this operation" for name in unknown)
                + f" (it takes: {', '.join(sorted(allowed))})."
            )
        return view(request, *args, **kwargs)

    return checked


def _counts(filterset, quotes, total: int | None = None) -> dict:
    """``total``, ``unreviewed_left_out`` and ``counts_exact`` of the filtered quotes
    (``total``: their number, when already counted)."""
    counted = aggregates.coverage(filterset, quotes, base_queryset=Quote.objects.all(), total=total)
    return {
        "total": counted.total,
        "unreviewed_left_out": counted.unreviewed_left_out,
        "counts_exact": counted.total_exact and counted.left_out_exact,
    }


def _first_page_counts(filterset, quotes, request, total: int | None = None) -> dict:
    if request.GET.get("cursor"):
        return {"total": None, "unreviewed_left_out": None, "counts_exact": None}
    return _counts(filterset, quotes, total)


@api.get("/quotes", response={200: QuotePage, **ERRORS}, tags=["quotes"])
@documented_parameters_only
def list_quotes(
    request: HttpRequest,
    filters: Query[QuoteListParams],
    cursor: str | None = CursorParam,
    limit: int | None = Limit,
):
    """Quotes matching every filter given, newest article first: the export schema's
    records (the fields of the CSV and JSONL exports)."""
    filterset = QuoteFilter(request.GET, queryset=Quote.objects.all())
    quotes = filterset.filtered()
    sort_order = filterset.sort_order
    page = quote_page(
        quotes,
        sort=sort_order,
        cursor=Cursor.decode(request.GET.get("cursor"), sort=sort_order),
        limit=page_size(request.GET.get("limit")),
        terms=filterset.terms,
    )
    base_url = request.build_absolute_uri("/")[:-1]
    records = exports.records_by_id([quote.pk for quote in page.items], base_url)
    items = [
        {**records[quote.pk], "rank": getattr(quote, "rank", None) if filterset.terms else None}
        for quote in page.items
    ]
    return {
        "items": items,
        "next_cursor": page.next_cursor.encode() if page.next_cursor else None,
        **_first_page_counts(filterset, quotes, request, page.total),
    }


@api.get("/quotes/{quote_id}", response={200: QuoteOut, **ERRORS}, tags=["quotes"])
@documented_parameters_only
def get_quote(request: HttpRequest, quote_id: int):
    """One quote by id, whatever its status."""
    found = exports.records_by_id([quote_id], request.build_absolute_uri("/")[:-1])
    if quote_id not in found:
        raise Http404(f"There is no quote with id {quote_id}.")
    return {**found[quote_id], "rank": None}


@api.get("/counts", response={200: CountsOut, **ERRORS}, tags=["aggregates"])
@documented_parameters_only
def count_quotes(request: HttpRequest, filters: Query[QuoteParams]):
    """How many quotes the filters select, per status, and the candidates they leave out."""
    filterset = QuoteFilter(request.GET, queryset=Quote.objects.all())
    quotes = filterset.filtered()
    counts = _counts(filterset, quotes)
    by_status, exact = {}, counts["counts_exact"]
    for status in Quote.Status.values:
        one_status = request.GET.copy()
        one_status.setlist("status", [status])
        per_status = QuoteFilter(one_status, queryset=Quote.objects.all()).filtered()
        tallied = aggregates.tally(per_status)
        by_status[status] = tallied.value
        exact = exact and tallied.exact
    return {**counts, "counts_exact": exact, "by_status": by_status}


@api.get("/top-speakers", response={200: TopSpeakersOut, **ERRORS}, tags=["aggregates"])
@documented_parameters_only
def top_speakers(request: HttpRequest, filters: Query[TopSpeakerParams]):
    """The 50 most quoted speakers under the filters (as on the Top speakers page)."""
    filterset = TopSpeakerFilter(request.GET, queryset=Quote.objects.all())
    quotes = filterset.filtered()
    counts = _counts(filterset, quotes)
    rows = aggregates.top_speakers(
        quotes, total=counts["total"], counts=aggregates.summary_speaker_counts(filterset)
    )
    return {
        "items": [
            {
                "speaker": _speaker_ref(request, row["speaker"]),
                "count": row["count"],
                "share": row["share"],
            }
            for row in rows
        ],
        **counts,
    }


@api.get("/statements", response={200: StatementPage, **ERRORS}, tags=["aggregates"])
@documented_parameters_only
def list_statements(
    request: HttpRequest,
    filters: Query[QuoteParams],
    repeated: bool | None = Repeated,
    cursor: str | None = CursorParam,
    limit: int | None = Limit,
):
    """Statements (one speaker's same words, counted once), most repeated first, as on
    the Statements page."""
    filterset = QuoteFilter(request.GET, queryset=Quote.objects.all())
    quotes = filterset.filtered()
    cursor_value = Cursor.decode(request.GET.get("cursor"), sort="statements")
    rows, totals, next_cursor = aggregates.statement_page(
        filterset,
        quotes,
        repeated_only=repeated is not False,
        cursor=cursor_value,
        limit=page_size(request.GET.get("limit")),
    )
    described = aggregates.describe_statements(rows, quotes)
    counts = _first_page_counts(filterset, quotes, request)
    return {
        "items": [
            {
                "first_quote": row["first_quote"],
                "speaker": _speaker_ref(request, row["quote"].speaker),
                "quote": row["quote"].text,
                "fingerprint": row["fingerprint"],
                "appearances": row["appearances"],
                "articles": row["articles"],
                "outlets": row["outlets"],
                "first_seen": row["first_seen"],
            }
            for row in described
        ],
        "next_cursor": next_cursor.encode() if next_cursor else None,
        "statements": totals["statements"] if totals else None,
        "appearances": totals["appearances"] if totals else None,
        "unreviewed_left_out": counts["unreviewed_left_out"],
        "counts_exact": counts["counts_exact"],
    }


@api.get("/speakers", response={200: SpeakerPage, **ERRORS}, tags=["speakers"])
@documented_parameters_only
def list_speakers(
    request: HttpRequest,
    q: str | None = Query(None, max_length=200, description="Part of a name or alias."),
    cursor: str | None = CursorParam,
    limit: int | None = Limit,
):
    """Speakers (newest first), optionally those whose name or alias contains `q`."""
    speakers = SpeakerFilter(request.GET, queryset=Speaker.objects.all()).filtered()
    page = id_page(
        speakers.prefetch_related("aliases"),
        cursor=Cursor.decode(request.GET.get("cursor"), sort="id"),
        limit=page_size(request.GET.get("limit")),
    )
    return {
        "items": [_speaker_out(request, speaker) for speaker in page.items],
        "next_cursor": page.next_cursor.encode() if page.next_cursor else None,
    }


@api.get("/speakers/{speaker_id}", response={200: SpeakerDetailOut, **ERRORS}, tags=["speakers"])
@documented_parameters_only
def get_speaker(request: HttpRequest, speaker_id: int):
    """One speaker by id, with how many reviewed quotes they have."""
    speaker = Speaker.objects.prefetch_related("aliases").filter(pk=speaker_id).first()
    if speaker is None:
        raise Http404(f"There is no speaker with id {speaker_id}.")
    return {
        **_speaker_out(request, speaker),
        "quote_count": Quote.objects.reviewed().by_speaker(speaker).count(),
    }


@api.get("/articles", response={200: ArticlePage, **ERRORS}, tags=["articles"])
@documented_parameters_only
def list_articles(
    request: HttpRequest,
    filters: Query[ArticleParams],
    cursor: str | None = CursorParam,
    limit: int | None = Limit,
):
    """Articles, newest imported first, with how many of their quotes await review."""
    articles = ArticleFilter(request.GET, queryset=Article.objects.all()).filtered()
    page = id_page(
        articles.defer("text"),
        cursor=Cursor.decode(request.GET.get("cursor"), sort="id"),
        limit=page_size(request.GET.get("limit")),
    )
    counted = with_review_counts(
        Article.objects.filter(pk__in=[a.pk for a in page.items]).defer("text")
    ).in_bulk()
    return {
        "items": [_article_out(request, counted[article.pk]) for article in page.items],
        "next_cursor": page.next_cursor.encode() if page.next_cursor else None,
    }


@api.get("/articles/{article_id}", response={200: ArticleDetailOut, **ERRORS}, tags=["articles"])
@documented_parameters_only
def get_article(request: HttpRequest, article_id: int):
    """One article with its full text (quote offsets index it)."""
    article = with_review_counts(Article.objects.filter(pk=article_id)).first()
    if article is None:
        raise Http404(f"There is no article with id {article_id}.")
    return {**_article_out(request, article), "text": article.text}


@api.get("/voices", response={200: VoicesOut, **ERRORS}, tags=["voices"])
def voices(
    request: HttpRequest,
    by: Literal["outlet", "month", "outlet,month"] | None = Query(
        None, description="Group per outlet, per month, or both (default)."
    ),
    outlet: str | None = Query(None, max_length=200, description="Outlet, exactly."),
    date_from: datetime.date | None = Query(None, description="Published on or after."),  # noqa: B008
    date_to: datetime.date | None = Query(None, description="Published on or before."),  # noqa: B008
    kind: list[Literal["direct", "indirect", "mixed"]] | None = Query(  # noqa: B008
        None, description="Only quotes of these kinds; repeat for several. Default: every kind."
    ),
    candidates: bool | None = Query(
        None, description="Count unreviewed candidates too (default: confirmed and corrected)."
    ),
):
    """Who is quoted: quotes and distinct speakers per gender and per type, per group."""
    criteria = VoiceFilter(request.GET, queryset=None).criteria()
    grouping = criteria.by or "outlet,month"
    result = aggregate(criteria, groupings=[grouping])
    groups = result["groups"][grouping]
    for group in groups:
        group.pop("month_start", None)
    # Serialised as it is, not validated against VoicesOut first (which still describes it,
    # and tests/research/test_api.py checks answers against): per outlet and month there are
    # thousands of groups, and validating them took longer than counting them.
    body = pydantic_core.to_json({**result, "by": grouping, "groups": groups})
    return HttpResponse(body, content_type=api.get_content_type())
