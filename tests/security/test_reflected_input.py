"""What a visitor puts in a URL comes back as text: filters, searches, cursors, next.

Property test: every page that echoes its query string gets hostile values in every
parameter it reads; the answer is a 200 or a 400 (never a 500) and has no markup that the
page does not have with plain values.
"""

from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from .test_untrusted_text import (
    EXAMPLES,
    HOSTILE,
    assert_no_markup_added,
    hostile_line,
    parse,
    rolled_back,
    text_of,
    vocabulary,
)

pytestmark = pytest.mark.django_db

DATES = ("date_from", "date_to", "published_from", "published_to")
PAGES = {
    # path: the parameters it reads (and echoes)
    "/quotes/": ["q", "outlet", "date_from", "date_to", "speaker", "cursor", "limit", "sort"],
    "/statements/": ["q", "outlet", "date_from", "speaker", "cursor", "repeated"],
    "/speakers/": ["q", "outlet", "date_from", "date_to"],
    "/research/articles/": ["q", "outlet", "date_from", "extraction", "review", "cursor"],
    "/speakers/autocomplete/": ["speaker_q", "q", "outlet"],
    "/speakers/suggest/": ["q", "speaker_name"],
    "/review/": ["outlet", "state", "published_from", "page", "mine"],
    "/articles/status/": ["ids"],
    "/accounts/login/": ["next"],
}
_baselines: dict[str, dict] = {}


def _get(client, path, params):
    response = client.get(f"{path}?{urlencode(params)}")
    assert response.status_code in (200, 400), (params, response.status_code)
    return parse(response) if response.status_code == 200 else _parse_400(response)


def _parse_400(response):
    response.status_code = 200  # parse() insists on a page; a 400 page is a page too
    return parse(response)


def _baseline(client, path) -> dict:
    """The page's markup with plain values, a valid number and plainly wrong values.

    The number matters where words are refused: /articles/status/ answers "plain words"
    with a 400, while a blank or "1" (valid ids) gets its status table.
    """
    if path not in _baselines:
        names = PAGES[path]
        union: dict = {"tags": set(), "attributes": set(), "scripts": None}
        for value in ("plain words", "not-a-date", "1"):
            found = vocabulary(_get(client, path, dict.fromkeys(names, value)))
            union["tags"] |= found["tags"]
            union["attributes"] |= found["attributes"]
            union["scripts"] = found["scripts"]
        _baselines[path] = union
    return _baselines[path]


hostile_value = st.one_of(st.sampled_from(HOSTILE), hostile_line)


@pytest.mark.parametrize("path", PAGES)
@EXAMPLES
@given(values=st.lists(hostile_value, min_size=9, max_size=9))
def test_hostile_query_values_come_back_as_text(admin_user, path, values):
    client = Client()
    client.force_login(admin_user)
    with rolled_back():
        expected = _baseline(client, path)
        tree = _get(client, path, dict(zip(PAGES[path], values, strict=False)))
    assert_no_markup_added(tree, expected)


@EXAMPLES
@given(q=hostile_value)
def test_the_search_box_shows_what_was_searched_exactly(rachel_client, q):
    with rolled_back():
        tree = _get(rachel_client, "/quotes/", {"q": q})
    assert tree.xpath("//input[@id='id_q']/@value") == [q]


@EXAMPLES
@given(target=hostile_value)
def test_the_log_in_page_keeps_next_as_a_value_only(target):
    with rolled_back():
        tree = _get(Client(), "/accounts/login/", {"next": target})
    # Django keeps a next that stays on this site, and drops any other.
    assert tree.xpath("//input[@name='next']/@value") in ([target], [""])
    assert text_of(tree, "//h1") == ["Log in"]
