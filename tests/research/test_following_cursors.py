"""Every paginated list accepts every cursor it hands out: follow each "More" link (and
the API's next_cursor) to the end, and see each item once."""

import html
import re
import secrets

import pytest

from annotations.models import ApiToken

pytestmark = pytest.mark.django_db

MORE_LINK = re.compile(r'<li class="more"><a class="button" href="([^"]+)"')
LISTS = {
    # name: (path, query of the first page with one item a page)
    "quotes by date": ("/quotes/", "limit=1"),
    "quotes by relevance": ("/quotes/", "limit=1&q=bridge&sort=relevance"),
    "quotes of every status": ("/quotes/", "limit=1&status=candidate&status=rejected"),
    "statements, repeated or not": ("/statements/", "repeated=0&limit=1"),
    "articles": ("/research/articles/", "limit=1"),
    "a speaker's quotes": (None, "limit=1"),
}


def follow(client, path, query, *, htmx: bool) -> tuple[int, list[str]]:
    """(number of pages, the body of each page) following the More link to the end."""
    url: str | None = f"{path}?{query}"
    bodies: list[str] = []
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    while url and len(bodies) < 20:
        first = not bodies
        response = client.get(url, **({} if first else headers))
        assert response.status_code == 200, (url, response.content[:300])
        body = response.content.decode()
        bodies.append(body)
        found = MORE_LINK.search(body)
        url = path + html.unescape(found.group(1)) if found else None
    return len(bodies), bodies


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("name", LISTS)
def test_each_more_link_of_a_list_is_accepted_by_that_list(rachel_client, corpus, name, htmx):
    path, query = LISTS[name]
    path = path or f"/speakers/{corpus.lopez.pk}/"
    pages, bodies = follow(rachel_client, path, query, htmx=htmx)
    assert pages >= 2, f"{name}: expected more than one page with one item a page"
    assert "not a cursor" not in "".join(bodies)


@pytest.mark.parametrize("path", ["/api/quotes", "/api/speakers", "/api/articles"])
def test_each_next_cursor_of_the_api_is_accepted_and_pages_through_once(
    client, rachel, corpus, path
):
    key = secrets.token_urlsafe(16)
    ApiToken.objects.create(user=rachel, key_hash=ApiToken.hash_key(key))
    seen, cursor = [], None
    for _ in range(20):
        query = "limit=1" + (f"&cursor={cursor}" if cursor else "")
        response = client.get(f"{path}?{query}", HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.status_code == 200, response.content[:300]
        data = response.json()
        # quote items are the export schema's records (quote_id); the others have id
        seen += [item.get("quote_id", item.get("id")) for item in data["items"]]
        cursor = data["next_cursor"]
        if not cursor:
            break
    assert len(seen) >= 2
    assert len(seen) == len(set(seen)), "an item came twice"
