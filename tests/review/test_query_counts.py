"""The review page and every action cost a fixed number of SQL queries, however many quotes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.models import Quote
from tests.factories import make_article, make_quote, make_speaker

from .conftest import htmx

pytestmark = pytest.mark.django_db

# The ceilings are what the pages need today (session, user, roles, article, quotes with
# speakers; an action adds its few writes and the article's queue counts); the point is
# that they do not grow.
PAGE_QUERIES = 6  # the sixth: speakers the engine offers as alternatives
ACTION_QUERIES = 17  # a speaker change: also whether the former speaker was inferred from it
UNDO_QUERIES = 19  # finds the action, checks nobody changed the quote since, then writes


def article_with_quotes(n: int):
    speakers = [make_speaker(f"Speaker {i}") for i in range(5)]
    text = "".join(
        f'"Statement number {i} is made here," said Speaker {i % 5}.\n' for i in range(n)
    )
    article = make_article(text=text)
    quotes = [
        make_quote(
            article,
            f'"Statement number {i} is made here,"',
            speaker=speakers[i % 5],
            confidence=0.5,
        )
        for i in range(n)
    ]
    return article, quotes, speakers


def count(client, method, url, data=None, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {}, **extra)
    assert response.status_code in (200, 303), response.content[:500]
    return len(queries)


def test_the_review_page_costs_the_same_queries_for_10_and_100_quotes(alice_client):
    small, _, _ = article_with_quotes(10)
    large, _, _ = article_with_quotes(100)
    url_small, url_large = small.get_absolute_url(), large.get_absolute_url()
    count(alice_client, "get", url_small)  # warm the session and caches alike
    assert count(alice_client, "get", url_small) == count(alice_client, "get", url_large)


def test_the_review_page_stays_under_its_query_ceiling(alice_client, django_assert_max_num_queries):
    article, _, _ = article_with_quotes(100)
    with django_assert_max_num_queries(PAGE_QUERIES):
        alice_client.get(article.get_absolute_url())


ACTIONS = {
    "confirm": lambda q, s: ("quote_confirm", q.pk, {"version": q.version}),
    "reject": lambda q, s: ("quote_reject", q.pk, {"version": q.version}),
    "kind": lambda q, s: ("quote_kind", q.pk, {"version": q.version, "kind": "mixed"}),
    "speaker": lambda q, s: ("quote_speaker", q.pk, {"version": q.version, "speaker": s.pk}),
    "span": lambda q, s: ("quote_span", q.pk, {"version": q.version, "adjust": "grow_end"}),
    "add": lambda q, s: ("quote_add", q.article_id, {"start": q.end + 2, "end": q.end + 6}),
    "confirm_remaining": lambda q, s: (
        "article_confirm_remaining",
        q.article_id,
        {"expected": Quote.objects.filter(article_id=q.article_id).candidates().count()},
    ),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_action_costs_the_same_queries_for_10_and_100_quotes(
    alice_client, action, django_assert_max_num_queries
):
    counts = []
    for n in (10, 100):
        article, quotes, speakers = article_with_quotes(n)
        alice_client.get(article.get_absolute_url())
        name, pk, data = ACTIONS[action](quotes[3], speakers[4])
        with django_assert_max_num_queries(ACTION_QUERIES):
            counts.append(count(alice_client, "post", reverse(name, args=[pk]), data, **htmx()))
    assert counts[0] == counts[1]


def test_undo_costs_the_same_queries_for_10_and_100_quotes(alice_client):
    counts = []
    for n in (10, 100):
        article, quotes, _ = article_with_quotes(n)
        alice_client.post(reverse("quote_reject", args=[quotes[3].pk]), {"version": 1}, **htmx())
        counts.append(
            count(alice_client, "post", reverse("article_undo", args=[article.pk]), **htmx())
        )
    assert counts[0] == counts[1]
    assert counts[0] <= UNDO_QUERIES
