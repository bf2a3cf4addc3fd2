"""Every change to a quote or a speaker is kept: who made it, when, and what it was before."""

from datetime import timedelta

import pytest
from django.utils import timezone

from annotations.models import Quote
from tests.factories import make_article, make_quote, make_speaker

pytestmark = pytest.mark.django_db


def save_as(user, obj):
    """Save the way a request does: simple_history's middleware names the user."""
    obj._history_user = user
    obj.save()


@pytest.fixture
def quote():
    article = make_article()
    return make_quote(article, '"We will rebuild the bridge by spring,"', confidence=0.4)


def test_quote_creation_is_recorded(quote):
    record = quote.history.get()

    assert record.history_type == "+"
    assert record.status == Quote.Status.CANDIDATE


def test_quote_change_records_who_made_it(quote, alice):
    quote.status = Quote.Status.CONFIRMED
    save_as(alice, quote)

    assert quote.history.latest().history_user == alice


def test_quote_change_records_when(quote, alice):
    quote.status = Quote.Status.CONFIRMED
    save_as(alice, quote)

    recorded = quote.history.latest().history_date
    assert timezone.now() - recorded < timedelta(minutes=1)


def test_quote_change_keeps_the_value_before_and_after(quote, alice):
    speaker = make_speaker("Ana Lopez")
    quote.status, quote.speaker = Quote.Status.CORRECTED, speaker
    save_as(alice, quote)

    latest = quote.history.latest()
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(latest.prev_record).changes}
    assert changes == {
        "status": (Quote.Status.CANDIDATE, Quote.Status.CORRECTED),
        "speaker": (None, speaker.pk),
    }


def test_two_editors_changes_are_kept_in_order(quote, alice, bob):
    quote.status = Quote.Status.CONFIRMED
    save_as(alice, quote)
    quote.status = Quote.Status.REJECTED
    save_as(bob, quote)

    history = quote.history.order_by("history_date", "history_id")
    assert [(h.history_user, h.status) for h in history] == [
        (None, Quote.Status.CANDIDATE),
        (alice, Quote.Status.CONFIRMED),
        (bob, Quote.Status.REJECTED),
    ]


def test_deleted_quote_stays_in_its_history(quote, alice):
    quote_id = quote.pk
    quote._history_user = alice
    quote.delete()

    record = Quote.history.filter(id=quote_id).latest()
    assert (record.history_type, record.history_user, record.text) == (
        "-",
        alice,
        '"We will rebuild the bridge by spring,"',
    )


def test_speaker_rename_records_who_and_the_old_name(bob):
    speaker = make_speaker("Ana Lopes")
    speaker.name = "Ana Lopez"
    save_as(bob, speaker)

    latest = speaker.history.latest()
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(latest.prev_record).changes}
    assert latest.history_user == bob
    assert changes["name"] == ("Ana Lopes", "Ana Lopez")


def test_speaker_merge_into_another_is_recorded(alice):
    kept, duplicate = make_speaker("Grace Okafor"), make_speaker("Mayor Okafor")
    duplicate.merged_into = kept
    save_as(alice, duplicate)

    latest = duplicate.history.latest()
    assert (latest.history_user, latest.merged_into_id, latest.prev_record.merged_into_id) == (
        alice,
        kept.pk,
        None,
    )
