"""The 503 says "nothing was saved" only when that is known: a failure after the write
went through (while the reply was being made) says it may be saved, and to reload."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

from annotations.models import Quote
from tests.factories import make_article, make_quote

pytestmark = pytest.mark.django_db


@pytest.fixture
def quote():
    article = make_article()
    return make_quote(article, '"We will rebuild the bridge by spring,"')


def test_a_failure_after_the_confirm_was_written_says_to_reload_not_that_nothing_was_saved(
    alice_client, quote
):
    with mock.patch(
        "annotations.views.review_actions._respond", side_effect=OperationalError("server closed")
    ):
        response = alice_client.post(
            reverse("quote_confirm", args=[quote.pk]), {"version": 1}, HTTP_HX_REQUEST="true"
        )

    assert response.status_code == 503
    body = response.content.decode()
    assert "nothing was saved" not in body
    assert "may have been saved" in body and "reload the page" in body
    quote.refresh_from_db()
    assert quote.status == Quote.Status.CONFIRMED  # it was saved indeed


def test_a_failure_before_any_write_says_nothing_was_saved(alice_client, quote):
    with mock.patch(
        "annotations.services.quote_confirm", side_effect=OperationalError("server closed")
    ):
        response = alice_client.post(
            reverse("quote_confirm", args=[quote.pk]), {"version": 1}, HTTP_HX_REQUEST="true"
        )

    assert response.status_code == 503
    assert "nothing was saved" in response.content.decode()
    quote.refresh_from_db()
    assert quote.status == Quote.Status.CANDIDATE
