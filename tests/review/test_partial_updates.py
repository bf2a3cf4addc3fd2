"""An action on one quote answers htmx with only the rows it changes, not the whole list."""

import re

import pytest
from django.urls import reverse

from annotations.models import Quote
from tests.factories import make_article, make_quote, make_speaker

from .conftest import htmx

pytestmark = pytest.mark.django_db

TEXT = '"One," said Ana. "Two," said Tom. "Three," said Ana. "Four," said Tom.'


@pytest.fixture
def rows():
    """Four candidates, Ana and Tom taking turns: each row offers the previous speaker."""
    article = make_article(text=TEXT)
    ana, tom = make_speaker("Ana"), make_speaker("Tom")
    return [
        make_quote(article, f'"{word},"', speaker=speaker)
        for word, speaker in [("One", ana), ("Two", tom), ("Three", ana), ("Four", tom)]
    ]


def rows_sent(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li id="quote-(\d+)"', response.content.decode())]


def post(client, name, quote, **data):
    return client.post(reverse(name, args=[quote.pk]), {"version": quote.version, **data}, **htmx())


def test_confirming_a_quote_sends_its_row_and_the_next_row_that_offers_its_speaker(
    alice_client, rows
):
    response = post(alice_client, "quote_confirm", rows[0])

    assert response.status_code == 200
    assert rows_sent(response) == [rows[0].pk, rows[1].pk]
    assert 'id="quote-list"' not in response.content.decode()
    rows[0].refresh_from_db()
    assert rows[0].status == Quote.Status.CONFIRMED


def test_rejecting_a_quote_resends_the_rows_whose_previous_speaker_offer_changes(
    alice_client, rows
):
    response = post(alice_client, "quote_reject", rows[1])

    # Quote 3 (Ana) no longer follows Tom but Ana herself: its "previous speaker" offer goes.
    assert rows_sent(response) == [rows[1].pk, rows[2].pk]
    third_row = response.content.decode().split(f'<li id="quote-{rows[2].pk}"')[1]
    third_row = third_row.split("</li>")[0]
    assert "act-previous" not in third_row


def test_a_span_change_that_moves_a_quote_in_the_order_resends_the_whole_list(alice_client, rows):
    start = TEXT.index("said Tom")
    response = post(alice_client, "quote_span", rows[0], start=start, end=start + len("said Tom"))

    assert response.status_code == 200
    assert '<ol id="quote-list" hx-swap-oob="innerHTML">' in response.content.decode()
    assert rows_sent(response) == [rows[1].pk, rows[0].pk, rows[2].pk, rows[3].pk]


def test_undoing_a_confirm_sends_only_the_rows_it_changes(alice_client, rows):
    post(alice_client, "quote_confirm", rows[2])

    response = alice_client.post(reverse("article_undo", args=[rows[2].article_id]), **htmx())

    assert response.status_code == 200
    assert rows_sent(response) == [rows[2].pk, rows[3].pk]
    rows[2].refresh_from_db()
    assert rows[2].status == Quote.Status.CANDIDATE


def test_confirming_the_remaining_candidates_sends_only_their_rows(alice_client, rows):
    post(alice_client, "quote_confirm", rows[0])
    post(alice_client, "quote_reject", rows[2])

    response = alice_client.post(
        reverse("article_confirm_remaining", args=[rows[0].article_id]),
        {"expected": 2},
        **htmx(),
    )

    assert response.status_code == 200
    assert 'id="quote-list"' not in response.content.decode()
    assert rows_sent(response) == [rows[1].pk, rows[3].pk]
    statuses = dict(Quote.objects.values_list("pk", "status"))
    assert [statuses[q.pk] for q in rows] == ["confirmed", "confirmed", "rejected", "confirmed"]
    # The rows sent are the confirmed ones, with no "Confirm all" left on the page.
    assert response.content.decode().count("badge-confirmed") == 2
    assert "confirm-remaining-form" not in response.content.decode()
