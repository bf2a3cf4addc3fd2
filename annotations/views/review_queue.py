"""The review queue and claims: which article an editor takes next, and giving it back."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from .. import services
from ..forms import ConfirmRemainingForm, QueueFilterForm
from ..middleware import bad_parameter_response
from ..models import Article, Quote
from ..parsing import BadParameter, parse_id
from ..roles import editor_required, is_admin
from .review_article import _load_article


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@editor_required
@require_POST
def article_claim(request, pk):
    article = _load_article(pk)
    try:
        services.article_claim(article=article, editor=request.user)
    except services.ClaimConflict as conflict:
        messages.error(request, str(conflict))
        return redirect(_safe_next(request, reverse("review_queue")), permanent=False)
    messages.success(request, f"You are reviewing “{article}”.")
    return HttpResponseRedirect(_safe_next(request, article.get_absolute_url()), status=303)


@editor_required
@require_POST
def article_release(request, pk):
    article = _load_article(pk)
    try:
        services.article_release(article=article, editor=request.user, force=is_admin(request.user))
    except services.ClaimConflict as conflict:
        messages.error(request, str(conflict))
    else:
        messages.success(request, f"“{article}” is back in the queue.")
    return HttpResponseRedirect(_safe_next(request, reverse("review_queue")), status=303)


def _queue(request, form: QueueFilterForm):
    """The queue's articles in order, from the counts kept on each article (an index scan,
    whatever the number of quotes)."""
    data = form.cleaned_data if form.is_valid() else {}
    articles = Article.objects.select_related("claimed_by")
    if data.get("state"):
        articles = articles.filter(extraction_state=data["state"]).in_review_order()
    else:
        articles = articles.in_review_queue()
    if data.get("outlet"):
        articles = articles.filter(outlet=data["outlet"])
    articles = articles.published_between(data.get("published_from"), data.get("published_to"))
    if data.get("mine"):
        articles = articles.filter(claimed_by=request.user)
    return articles


def _with_counts(articles: list[Article]) -> list[Article]:
    """The shown articles' candidates left, quotes and lowest candidate confidence,
    counted from their quotes (one query for the page)."""
    counts = {
        row["article"]: row
        for row in Quote.objects.filter(article__in=articles)
        .order_by()
        .values("article")
        .annotate(
            candidates=Count("pk", filter=Q(status=Quote.Status.CANDIDATE)),
            total=Count("pk"),
            lowest=Min("confidence", filter=Q(status=Quote.Status.CANDIDATE)),
        )
    }
    for article in articles:
        row = counts.get(article.pk, {})
        article.candidates = row.get("candidates", 0)
        article.total = row.get("total", 0)
        article.lowest = row.get("lowest")
    return articles


def queue_progress() -> dict:
    """Candidates left and quotes reviewed in the whole database, summed from the counts
    kept on each article (the article_review_progress index alone, not a million quotes)."""
    progress = Article.objects.aggregate(
        total=Coalesce(Sum("review_quotes"), 0),
        left=Coalesce(Sum("review_candidates"), 0),
        articles=Count("review_candidates", filter=Q(review_candidates__gt=0)),
    )
    return {**progress, "reviewed": progress["total"] - progress["left"]}


class _PageOfArticles(Paginator):
    """Pages of the queue counted and cut on article ids alone (an index-only scan), the
    page's 25 articles then read in full: OFFSET over whole rows took 400 ms at page 200."""

    def __init__(self, object_list, per_page, *, count: int | None = None):
        super().__init__(object_list, per_page)
        if count is not None:
            self.count = count  # known already (the unfiltered queue): not counted twice

    def page(self, number):
        page = super().page(number)
        ids = list(page.object_list)
        found = Article.objects.select_related("claimed_by").in_bulk(ids)
        page.object_list = _with_counts([found[pk] for pk in ids if pk in found])
        return page


@editor_required
@require_safe
@vary_on_headers("HX-Request")  # the same URL answers a fragment to htmx: keep caches apart
def review_queue(request):
    """Articles with candidates awaiting review, the most doubtful first."""
    form = QueueFilterForm(request.GET or None, outlets=Article.objects.outlets())
    ids = _queue(request, form).values_list("pk", flat=True)
    progress = queue_progress()
    unfiltered = not (form.is_valid() and any(form.cleaned_data.values()))
    page = _PageOfArticles(ids, 25, count=progress["articles"] if unfiltered else None).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "left": progress,
        "query": query.urlencode(),
        "now": timezone.now(),
    }
    template = "annotations/review/queue.html"
    # Filters and pages swap only the results; a back-button restore needs the whole page.
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        template += "#results"
    return render(request, template, context)


@editor_required
@require_POST
def article_next(request):
    """Claim and open the next article nobody else is reviewing (skipping the current one).

    With ``confirm_remaining`` (the review page's N), the candidates left in the current
    article are confirmed first, if there are still ``expected`` of them; if not, nothing
    is confirmed and the editor is back on that article, told why.
    """
    try:
        after = parse_id(request.POST.get("after"), name="after")
    except BadParameter as error:
        return bad_parameter_response(request, str(error))
    if request.POST.get("confirm_remaining"):
        if not after:
            return bad_parameter_response(request, "after: which article to confirm the rest of")
        current = _load_article(after)
        form = ConfirmRemainingForm(request.POST)
        if not form.is_valid():
            return bad_parameter_response(request, "expected: how many candidates you saw")
        try:
            confirmed = services.article_confirm_remaining(
                article=current, editor=request.user, expected=form.cleaned_data["expected"]
            )
        except services.ReviewError as error:
            messages.error(request, str(error))
            return redirect(current.get_absolute_url())
        messages.success(request, f"Confirmed {len(confirmed)} remaining quote(s) of “{current}”.")
    candidates = _queue(request, QueueFilterForm({}, outlets=[])).claimable_by(request.user)
    if after:
        candidates = candidates.exclude(pk=after)
    for article in candidates[:10]:
        try:
            services.article_claim(article=article, editor=request.user)
        except services.ClaimConflict:
            continue  # taken a moment ago by someone else
        previous = Article.objects.filter(pk=after).first() if after else None
        if previous is not None and previous.claimed_by_id == request.user.pk:
            services.article_release(article=previous, editor=request.user)
        return HttpResponseRedirect(article.get_absolute_url(), status=303)
    messages.success(request, "Nothing left to review. Well done.")
    return HttpResponseRedirect(reverse("review_queue"), status=303)
