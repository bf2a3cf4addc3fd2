"""The article review page: text escaped, quotes highlighted in place from their offsets."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_article, make_quote, make_speaker

pytestmark = pytest.mark.django_db


def text_pieces(page: str) -> list[tuple[int, str]]:
    """(offset, raw HTML text) of each piece inside #article-text."""
    body = page.split('id="article-text"', 1)[1].split("</div>", 1)[0]
    return [
        (int(o), t)
        for o, t in re.findall(r'<span data-offset="(\d+)"[^>]*>(.*?)</span>', body, re.S)
    ]


def test_article_text_is_escaped_never_marked_safe(alice_client):
    article = make_article(text='He said "<script>alert(1)</script>" & left <b>bold</b>.')
    make_quote(article, "<script>alert(1)</script>")
    page = alice_client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>bold</b>" not in page


def test_the_pieces_carry_offsets_that_index_the_text(alice_client, article, bridge_quote):
    from html import unescape

    page = alice_client.get(article.get_absolute_url()).content.decode()
    pieces = text_pieces(page)
    assert "".join(unescape(t) for _, t in pieces) == article.text
    for offset, raw in pieces:
        text = unescape(raw)
        assert article.text[offset : offset + len(text)] == text


def test_each_quote_its_mention_and_cue_are_marked(alice_client, article, bridge_quote):
    page = alice_client.get(article.get_absolute_url()).content.decode()
    assert re.search(
        rf'data-quotes="{bridge_quote.pk}" data-owner="{bridge_quote.pk}" class="hl speaker-c\d+ '
        rf'outside mention pending">Mayor Ana Lopez<',
        page,
    )
    assert re.search(r'class="hl speaker-c\d+ outside cue pending">said<', page)


def test_overlapping_quotes_both_highlight_the_shared_words(alice_client, article):
    tom = make_speaker("Tom Reed")
    outer = make_quote(article, "the budget could not carry the cost", speaker=tom)
    inner = make_quote(article, "could not carry")
    page = alice_client.get(article.get_absolute_url()).content.decode()
    assert re.search(
        rf'data-quotes="{outer.pk} {inner.pk}" data-owner="{inner.pk}" class="[^"]*nested[^"]*">'
        r"could not carry<",
        page,
    )


def test_a_speakers_colour_comes_from_the_fixed_palette(alice_client, article, bridge_quote, ana):
    page = alice_client.get(article.get_absolute_url()).content.decode()
    assert f"speaker-c{ana.pk % 12}" in page


def test_an_anonymous_visitor_is_sent_to_log_in(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_without_a_role_cannot_read_the_page(client, mallory, article):
    client.force_login(mallory)
    assert client.get(article.get_absolute_url()).status_code == 403


def test_an_unknown_article_is_404(alice_client):
    assert alice_client.get(reverse("article_review", args=[987654])).status_code == 404
