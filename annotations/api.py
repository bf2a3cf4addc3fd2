"""The read-only JSON API (django-ninja): quotes, speakers and articles.

The same FilterSets as the pages validate the query string, so a filter means the same
thing everywhere; lists are paged by an opaque cursor. Readers (researchers, editors,
admins) authenticate with their browser session or ``Authorization: Bearer <token>``
(``python manage.py create_api_token USER``). Nothing here writes, except the time a
token was last used. OpenAPI at /api/openapi.json, interactive docs at /api/docs.
"""

import datetime
from pathlib import Path
from typing import Literal

import ninja
from django.conf import settings
from django.http import Http404, HttpRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.static import serve
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import DocsBase
from ninja.security import APIKeyCookie, HttpBearer

from .filters import (
    MAX_PAGE_SIZE,
    ArticleFilter,
    BadParameter,
    Cursor,
    QuoteFilter,
    SpeakerFilter,
    id_page,
    page_size,
    quote_page,
    with_review_counts,
)
from .models import ApiToken, Article, Quote, Speaker
from .roles import is_reader, reader_required
from .views.research import article_url, quote_url, speaker_url
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
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(token))
            .first()
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


# Interactive docs, served from ninja's bundled Swagger UI: no CDN, no inline script. ----

SWAGGER_FILES = {"swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-init.js"}
SWAGGER_DIR = Path(ninja.__file__).parent / "static" / "ninja"


class OfflineSwagger(DocsBase):
    def render_page(self, request, api, **kwargs):
        swagger_settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
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
        "`cursor=<next_cursor>` for the next page (no page numbers, no totals). By default "
        "only confirmed and corrected quotes are listed; ask for `status=candidate` to see "
        "others. Authenticate with a browser session or `Authorization: Bearer <token>`."
    ),
    auth=[ReaderSession(), ReaderToken()],
    urls_namespace="api",
    docs=OfflineSwagger(),
    # Docs and schema are read with GET only, by readers.
    docs_decorator=lambda view: reader_required(require_GET(view)),
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


class ArticleRef(Schema):
    id: int
    title: str
    outlet: str
    published: datetime.date | None
    url: str = Field(description="Permalink of the article page in this app.")
    source_url: str = Field(description="Where the article was published.")


class QuoteOut(Schema):
    id: int
    url: str = Field(description="Permalink: the article page, scrolled to this quote.")
    text: str
    start: int = Field(description="Offset of the quote in the article text (code points).")
    end: int
    kind: Literal["direct", "indirect", "mixed"]
    status: Literal["candidate", "confirmed", "corrected", "rejected"]
    speaker: SpeakerRef | None
    speaker_mention: str = Field(description="The speaker as written at the quote.")
    speaker_type: Literal["person", "organisation", "group", "unknown"] = Field(
        "unknown", description="The speaker's type (their profile); unknown with no speaker."
    )
    speaker_gender: Literal["female", "male", "nonbinary", "unknown"] = Field(
        "unknown", description="The speaker's gender (their profile); unknown with no speaker."
    )
    verb: str
    confidence: float | None
    fingerprint: str = Field(description="Groups repeats of one statement by one speaker.")
    article: ArticleRef
    rank: float | None = Field(None, description="Search relevance, when `q` is given.")


class QuotePage(Schema):
    items: list[QuoteOut]
    next_cursor: str | None


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


def _quote_out(request, quote: Quote) -> dict:
    article = quote.article
    speaker = quote.speaker
    return {
        "id": quote.pk,
        "url": _absolute(request, quote_url(article.pk, quote.pk)),
        "text": quote.text,
        "start": quote.start,
        "end": quote.end,
        "kind": quote.kind,
        "status": quote.status,
        "speaker": {
            "id": speaker.pk,
            "name": speaker.name,
            "url": _absolute(request, speaker_url(speaker.pk)),
        }
        if speaker
        else None,
        "speaker_mention": quote.speaker_text,
        "speaker_type": speaker.speaker_type if speaker else "unknown",
        "speaker_gender": speaker.gender if speaker else "unknown",
        "verb": quote.cue_text,
        "confidence": quote.confidence,
        "fingerprint": quote.fingerprint,
        "article": {
            "id": article.pk,
            "title": article.title,
            "outlet": article.outlet,
            "published": article.published,
            "url": _absolute(request, article_url(article.pk)),
            "source_url": article.url,
        },
        "rank": getattr(quote, "rank", None),
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

Limit = Query(
    None, ge=1, le=MAX_PAGE_SIZE, description=f"Page size, 1 to {MAX_PAGE_SIZE} (default 50)."
)
CursorParam = Query(None, description="`next_cursor` of the page before.", max_length=500)


@api.get("/quotes", response={200: QuotePage, **ERRORS}, tags=["quotes"])
def list_quotes(
    request: HttpRequest,
    speaker: int | None = Query(None, description="Speaker id."),
    article: int | None = Query(None, ge=1, description="Article id."),
    outlet: str | None = Query(None, max_length=200, description="Outlet, exactly."),
    date_from: datetime.date | None = Query(None, description="Published on or after."),  # noqa: B008
    date_to: datetime.date | None = Query(None, description="Published on or before."),  # noqa: B008
    status: list[Literal["candidate", "confirmed", "corrected", "rejected"]] | None = Query(  # noqa: B008
        None, description="Default: confirmed and corrected."
    ),
    kind: list[Literal["direct", "indirect", "mixed"]] | None = Query(None),  # noqa: B008
    q: str | None = Query(
        None,
        max_length=500,
        description='Words in the quote; "a phrase", `or`, and `-word` work as on the web.',
    ),
    sort: Literal["date", "relevance"] | None = Query(
        None,
        description=(
            "`date` (newest first, default) or `relevance` (with `q`; ranks the 1,000 most "
            "recently added matches)."
        ),
    ),
    cursor: str | None = CursorParam,
    limit: int | None = Limit,
):
    """Quotes matching every filter given, newest article first."""
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
    return {
        "items": [_quote_out(request, quote) for quote in page.items],
        "next_cursor": page.next_cursor.encode() if page.next_cursor else None,
    }


@api.get("/quotes/{quote_id}", response={200: QuoteOut, **ERRORS}, tags=["quotes"])
def get_quote(request: HttpRequest, quote_id: int):
    """One quote by id, whatever its status."""
    quote = Quote.objects.select_related("article", "speaker").filter(pk=quote_id).first()
    if quote is None:
        raise Http404(f"There is no quote with id {quote_id}.")
    return _quote_out(request, quote)


@api.get("/speakers", response={200: SpeakerPage, **ERRORS}, tags=["speakers"])
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
def get_speaker(request: HttpRequest, speaker_id: int):
    speaker = Speaker.objects.prefetch_related("aliases").filter(pk=speaker_id).first()
    if speaker is None:
        raise Http404(f"There is no speaker with id {speaker_id}.")
    return {
        **_speaker_out(request, speaker),
        "quote_count": Quote.objects.reviewed().by_speaker(speaker).count(),
    }


@api.get("/articles", response={200: ArticlePage, **ERRORS}, tags=["articles"])
def list_articles(
    request: HttpRequest,
    q: str | None = Query(None, max_length=200, description="Part of the title, outlet or URL."),
    outlet: str | None = Query(None, max_length=200),
    date_from: datetime.date | None = Query(None),  # noqa: B008
    date_to: datetime.date | None = Query(None),  # noqa: B008
    extraction: Literal["not_started", "queued", "running", "done", "failed"] | None = Query(None),
    review: Literal["awaiting", "reviewed", "no_quotes"] | None = Query(None),
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
    kind: list[Literal["direct", "indirect", "mixed"]] | None = Query(None),  # noqa: B008
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
    return {**result, "by": grouping, "groups": groups}
