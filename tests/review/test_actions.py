"""Each quote action, over htmx and as a plain POST, with its bad inputs refused."""

import pytest
from django.urls import reverse

from annotations.models import Quote, Speaker

from .conftest import htmx

pytestmark = pytest.mark.django_db


def post(client, name, pk, data, hx=True):
    return client.post(reverse(name, args=[pk]), data, **(htmx() if hx else {}))


# Confirm ---------------------------------------------------------------------------------


def test_confirm_over_htmx_marks_the_quote_confirmed_and_answers_with_a_fragment(
    alice_client, alice, bridge_quote
):
    response = post(alice_client, "quote_confirm", bridge_quote.pk, {"version": 1})
    assert response.status_code == 200
    bridge_quote.refresh_from_db()
    assert (bridge_quote.status, bridge_quote.version, bridge_quote.updated_by) == (
        Quote.Status.CONFIRMED,
        2,
        alice,
    )
    body = response.content.decode()
    assert "<html" not in body  # a fragment, not a page
    assert 'hx-swap-oob="innerHTML"' in body  # the list and the text are swapped in place
    assert "Confirmed" in body


def test_confirm_as_a_plain_post_redirects_back_to_the_quote(alice_client, article, bridge_quote):
    response = post(alice_client, "quote_confirm", bridge_quote.pk, {"version": 1}, hx=False)
    assert response.status_code == 303
    assert response["Location"] == f"{article.get_absolute_url()}#quote-{bridge_quote.pk}"
    bridge_quote.refresh_from_db()
    assert bridge_quote.status == Quote.Status.CONFIRMED


def test_confirming_a_corrected_quote_keeps_it_corrected(alice_client, bridge_quote):
    Quote.objects.filter(pk=bridge_quote.pk).update(status=Quote.Status.CORRECTED)
    post(alice_client, "quote_confirm", bridge_quote.pk, {"version": 1})
    bridge_quote.refresh_from_db()
    assert bridge_quote.status == Quote.Status.CORRECTED


def test_a_missing_version_is_refused_with_a_message(alice_client, bridge_quote):
    response = post(alice_client, "quote_confirm", bridge_quote.pk, {})
    assert response.status_code == 400
    assert "did not say which version" in response.content.decode()
    bridge_quote.refresh_from_db()
    assert bridge_quote.status == Quote.Status.CANDIDATE


def test_a_non_numeric_version_is_refused(alice_client, bridge_quote):
    response = post(alice_client, "quote_confirm", bridge_quote.pk, {"version": "two"})
    assert response.status_code == 400
    assert "whole number" in response.content.decode()
    bridge_quote.refresh_from_db()
    assert bridge_quote.version == 1


def test_an_unknown_quote_is_404(alice_client):
    assert post(alice_client, "quote_confirm", 999999, {"version": 1}).status_code == 404


def test_actions_refuse_get(alice_client, bridge_quote):
    response = alice_client.get(reverse("quote_confirm", args=[bridge_quote.pk]))
    assert response.status_code == 405


# Reject ----------------------------------------------------------------------------------


def test_reject_marks_the_quote_rejected(alice_client, bridge_quote):
    response = post(alice_client, "quote_reject", bridge_quote.pk, {"version": 1})
    assert response.status_code == 200
    bridge_quote.refresh_from_db()
    assert bridge_quote.status == Quote.Status.REJECTED


def test_a_rejected_quote_is_no_longer_highlighted_in_the_text(alice_client, article, bridge_quote):
    post(alice_client, "quote_reject", bridge_quote.pk, {"version": 1})
    page = alice_client.get(article.get_absolute_url()).content.decode()
    assert f'data-quotes="{bridge_quote.pk}"' not in page
    assert f'id="quote-{bridge_quote.pk}"' in page  # still listed, so it can be undone


# Kind ------------------------------------------------------------------------------------


def test_changing_the_kind_marks_the_quote_corrected(alice_client, budget_quote):
    response = post(alice_client, "quote_kind", budget_quote.pk, {"version": 1, "kind": "mixed"})
    assert response.status_code == 200
    budget_quote.refresh_from_db()
    assert (budget_quote.kind, budget_quote.status) == ("mixed", Quote.Status.CORRECTED)


def test_an_unknown_kind_is_refused(alice_client, budget_quote):
    response = post(alice_client, "quote_kind", budget_quote.pk, {"version": 1, "kind": "sung"})
    assert response.status_code == 400
    assert "&#x27;sung&#x27; is not a kind of quote" in response.content.decode()
    budget_quote.refresh_from_db()
    assert (budget_quote.kind, budget_quote.version) == ("indirect", 1)


# Speaker ---------------------------------------------------------------------------------


def test_choosing_a_speaker_by_id_reattributes_the_quote(alice_client, budget_quote, tom):
    response = post(
        alice_client, "quote_speaker", budget_quote.pk, {"version": 1, "speaker": tom.pk}
    )
    assert response.status_code == 200
    budget_quote.refresh_from_db()
    assert (budget_quote.speaker, budget_quote.status) == (tom, Quote.Status.CORRECTED)


def test_a_speaker_can_be_named_by_an_alias(alice_client, budget_quote, tom):
    tom.aliases.create(name="the treasurer")
    post(
        alice_client,
        "quote_speaker",
        budget_quote.pk,
        {"version": 1, "speaker_name": "The Treasurer"},
    )
    budget_quote.refresh_from_db()
    assert budget_quote.speaker == tom


def test_a_new_speaker_is_created_inline(alice_client, budget_quote):
    response = post(
        alice_client,
        "quote_speaker",
        budget_quote.pk,
        {"version": 1, "speaker_name": "  Tomas   Reed ", "create": "1"},
    )
    assert response.status_code == 200
    budget_quote.refresh_from_db()
    assert budget_quote.speaker.name == "Tomas Reed"
    assert Speaker.objects.filter(name="Tomas Reed").count() == 1


def test_creating_a_speaker_that_exists_reuses_it(alice_client, budget_quote, tom):
    post(
        alice_client,
        "quote_speaker",
        budget_quote.pk,
        {"version": 1, "speaker_name": "tom reed", "create": "1"},
    )
    budget_quote.refresh_from_db()
    assert budget_quote.speaker == tom
    assert Speaker.objects.filter(normalized_name="tom reed").count() == 1


def test_an_unknown_speaker_id_is_refused(alice_client, budget_quote, ana):
    response = post(
        alice_client, "quote_speaker", budget_quote.pk, {"version": 1, "speaker": 987654}
    )
    assert response.status_code == 400
    assert "There is no speaker with id 987654" in response.content.decode()
    budget_quote.refresh_from_db()
    assert (budget_quote.speaker, budget_quote.version) == (ana, 1)


def test_an_unknown_speaker_name_without_create_is_refused(alice_client, budget_quote, ana):
    response = post(
        alice_client, "quote_speaker", budget_quote.pk, {"version": 1, "speaker_name": "Nobody"}
    )
    assert response.status_code == 400
    assert "No speaker is called &#x27;Nobody&#x27;" in response.content.decode()
    assert not Speaker.objects.filter(name="Nobody").exists()
    budget_quote.refresh_from_db()
    assert budget_quote.speaker == ana


def test_a_speaker_change_moves_a_mention_that_named_someone_else_to_the_new_speakers_name(
    alice_client, article, bridge_quote, tom
):
    post(alice_client, "quote_speaker", bridge_quote.pk, {"version": 1, "speaker": tom.pk})
    bridge_quote.refresh_from_db()
    # "Mayor Ana Lopez" named Ana; the text names Tom Reed on the next line.
    tom_at = article.text.index("Tom Reed")
    assert (bridge_quote.speaker_start, bridge_quote.speaker_text) == (tom_at, "Tom Reed")


def test_a_speaker_change_clears_a_mention_when_the_text_never_names_the_new_speaker(
    alice_client, bridge_quote
):
    nobody = Speaker.objects.create(name="Priya Natarajan")
    post(alice_client, "quote_speaker", bridge_quote.pk, {"version": 1, "speaker": nobody.pk})
    bridge_quote.refresh_from_db()
    assert (bridge_quote.speaker_start, bridge_quote.speaker_text) == (None, "")


def test_same_speaker_as_previous_is_offered_with_the_previous_quotes_speaker(
    alice_client, article, bridge_quote, tom
):
    later = article.text.index("According")
    from tests.factories import make_quote

    third = make_quote(article, start=later, end=later + 25, speaker=tom)
    page = alice_client.get(article.get_absolute_url()).content.decode()
    row = page.split(f'id="quote-{third.pk}"')[1].split("</li>")[0]
    assert "Previous speaker: Ana Lopez" in row


def test_a_merged_speaker_resolves_to_the_one_it_became(alice_client, budget_quote, tom):
    from tests.factories import make_speaker

    old = make_speaker("T. Reed", merged_into=tom)
    post(alice_client, "quote_speaker", budget_quote.pk, {"version": 1, "speaker": old.pk})
    budget_quote.refresh_from_db()
    assert budget_quote.speaker == tom


# Span ------------------------------------------------------------------------------------


def test_setting_a_span_stores_the_exact_article_text(alice_client, article, budget_quote):
    start = article.text.index("the budget")
    end = article.text.index(".", start) + 1  # through "the cost."
    response = post(
        alice_client, "quote_span", budget_quote.pk, {"version": 1, "start": start, "end": end}
    )
    assert response.status_code == 200
    budget_quote.refresh_from_db()
    assert (budget_quote.start, budget_quote.end) == (start, end)
    assert budget_quote.text == article.text[start:end] == "the budget could not carry the cost."
    assert budget_quote.status == Quote.Status.CORRECTED


@pytest.mark.parametrize(
    "start,end",
    [(-1, 5), (10, 10), (20, 10), (0, 10_000), ("a", 5)],
    ids=["negative", "empty", "reversed", "past-the-end", "not-a-number"],
)
def test_a_span_outside_the_text_is_refused(alice_client, budget_quote, start, end):
    before = (budget_quote.start, budget_quote.end, budget_quote.text)
    response = post(
        alice_client, "quote_span", budget_quote.pk, {"version": 1, "start": start, "end": end}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "span" in body or "number" in body
    budget_quote.refresh_from_db()
    assert (budget_quote.start, budget_quote.end, budget_quote.text) == before
    assert budget_quote.version == 1


def test_a_span_past_the_end_says_how_long_the_text_is(alice_client, article, budget_quote):
    response = post(
        alice_client, "quote_span", budget_quote.pk, {"version": 1, "start": 0, "end": 10_000}
    )
    assert f"which has {len(article.text)} characters" in response.content.decode()


def test_growing_the_end_by_a_word_takes_the_next_word(alice_client, article, budget_quote):
    post(alice_client, "quote_span", budget_quote.pk, {"version": 1, "adjust": "grow_end"})
    budget_quote.refresh_from_db()
    assert budget_quote.text == "the budget could not carry the cost."


def test_shrinking_the_start_by_a_word_drops_the_first_word(alice_client, budget_quote):
    post(alice_client, "quote_span", budget_quote.pk, {"version": 1, "adjust": "shrink_start"})
    budget_quote.refresh_from_db()
    assert budget_quote.text == "budget could not carry the cost"


def test_growing_the_start_by_a_word_takes_the_previous_word(alice_client, budget_quote):
    post(alice_client, "quote_span", budget_quote.pk, {"version": 1, "adjust": "grow_start"})
    budget_quote.refresh_from_db()
    assert budget_quote.text == "said the budget could not carry the cost"


def test_shrinking_the_end_by_a_word_drops_the_last_word(alice_client, budget_quote):
    post(alice_client, "quote_span", budget_quote.pk, {"version": 1, "adjust": "shrink_end"})
    budget_quote.refresh_from_db()
    assert budget_quote.text == "the budget could not carry the"


def test_an_unknown_adjustment_is_refused(alice_client, budget_quote):
    response = post(
        alice_client, "quote_span", budget_quote.pk, {"version": 1, "adjust": "explode"}
    )
    assert response.status_code == 400
    budget_quote.refresh_from_db()
    assert budget_quote.version == 1


def test_a_span_equal_to_another_quotes_span_is_refused(alice_client, bridge_quote, budget_quote):
    Quote.objects.filter(pk=budget_quote.pk).update(
        speaker_start=bridge_quote.speaker_start, speaker_end=bridge_quote.speaker_end
    )
    response = post(
        alice_client,
        "quote_span",
        budget_quote.pk,
        {"version": 1, "start": bridge_quote.start, "end": bridge_quote.end},
    )
    assert response.status_code == 400
    assert "already has exactly this span" in response.content.decode()
    budget_quote.refresh_from_db()
    assert budget_quote.text == "the budget could not carry the cost"


# Add a missed quote ----------------------------------------------------------------------


def test_adding_a_missed_quote_stores_a_confirmed_human_quote(alice_client, alice, article, tom):
    fragment = "the old piers are sound"
    start = article.text.index(fragment)
    response = post(
        alice_client,
        "quote_add",
        article.pk,
        {"start": start, "end": start + len(fragment), "speaker": tom.pk},
    )
    assert response.status_code == 200
    quote = Quote.objects.get(article=article, start=start)
    assert (quote.text, quote.speaker, quote.status, quote.origin, quote.created_by) == (
        fragment,
        tom,
        Quote.Status.CONFIRMED,
        Quote.Origin.HUMAN,
        alice,
    )
    assert quote.kind == Quote.Kind.INDIRECT  # no quotation marks in it
    assert quote.fingerprint


def test_adding_a_quote_outside_the_text_is_refused(alice_client, article):
    response = post(alice_client, "quote_add", article.pk, {"start": 5, "end": 100_000})
    assert response.status_code == 400
    assert "is not inside the article text" in response.content.decode()
    assert not Quote.objects.filter(article=article).exists()


def test_adding_a_quote_over_blank_space_is_refused(alice_client, article):
    newline = article.text.index("\n")
    response = post(alice_client, "quote_add", article.pk, {"start": newline, "end": newline + 1})
    assert response.status_code == 400
    assert not Quote.objects.filter(article=article).exists()


def test_adding_a_quote_twice_is_refused_the_second_time(alice_client, article):
    data = {"start": 0, "end": 20}
    assert post(alice_client, "quote_add", article.pk, data).status_code == 200
    response = post(alice_client, "quote_add", article.pk, data)
    assert response.status_code == 400
    assert Quote.objects.filter(article=article).count() == 1


def test_adding_a_quote_as_a_plain_post_redirects_to_it(alice_client, article):
    response = post(alice_client, "quote_add", article.pk, {"start": 0, "end": 20}, hx=False)
    quote = Quote.objects.get(article=article)
    assert response.status_code == 303
    assert response["Location"].endswith(f"#quote-{quote.pk}")


# Confirm all remaining -------------------------------------------------------------------


def test_confirm_remaining_confirms_every_candidate(
    alice_client, article, bridge_quote, budget_quote
):
    Quote.objects.filter(pk=bridge_quote.pk).update(status=Quote.Status.REJECTED)
    response = post(alice_client, "article_confirm_remaining", article.pk, {"expected": 1})
    assert response.status_code == 200
    bridge_quote.refresh_from_db()
    budget_quote.refresh_from_db()
    assert (bridge_quote.status, budget_quote.status) == (
        Quote.Status.REJECTED,
        Quote.Status.CONFIRMED,
    )


def test_confirm_remaining_with_a_stale_count_changes_nothing(
    alice_client, article, bridge_quote, budget_quote
):
    response = post(alice_client, "article_confirm_remaining", article.pk, {"expected": 1})
    assert response.status_code == 409
    assert "2 candidates are left in this article, not 1" in response.content.decode()
    assert Quote.objects.filter(article=article, status=Quote.Status.CANDIDATE).count() == 2


def test_the_page_shows_how_many_remain_to_confirm(
    alice_client, article, bridge_quote, budget_quote
):
    page = alice_client.get(article.get_absolute_url()).content.decode()
    assert "Confirm all 2 remaining" in page
    assert 'name="expected" value="2"' in page


# History and suggestions -----------------------------------------------------------------


def test_the_history_shows_who_changed_what_before_and_after(alice_client, budget_quote, tom):
    post(alice_client, "quote_speaker", budget_quote.pk, {"version": 1, "speaker": tom.pk})
    response = alice_client.get(reverse("quote_history", args=[budget_quote.pk]), **htmx())
    body = response.content.decode()
    assert "alice" in body and "speaker" in body
    assert "Ana Lopez" in body and "→ Tom Reed" in body


def test_speaker_suggestions_match_names_and_aliases(alice_client, ana, tom):
    tom.aliases.create(name="the treasurer")
    body = alice_client.get(reverse("speaker_suggest"), {"speaker_name": "treas"}).content.decode()
    assert f'data-speaker-id="{tom.pk}"' in body
    assert f'data-speaker-id="{ana.pk}"' not in body
    assert "Create new speaker" in body


def test_speaker_suggestions_escape_names(alice_client):
    Speaker.objects.create(name="<b>Bold</b> Person")
    body = alice_client.get(reverse("speaker_suggest"), {"speaker_name": "bold"}).content.decode()
    assert "<b>Bold</b>" not in body
    assert "&lt;b&gt;Bold&lt;/b&gt;" in body


def test_a_new_speaker_is_not_kept_when_the_change_is_refused(alice_client, bob, budget_quote):
    from annotations import services

    services.quote_reject(quote=budget_quote, editor=bob, version=1)
    response = post(
        alice_client,
        "quote_speaker",
        budget_quote.pk,
        {"version": 1, "speaker_name": "Brand New Person", "create": "1"},
    )
    assert response.status_code == 409
    assert not Speaker.objects.filter(name="Brand New Person").exists()


def test_a_new_speaker_is_not_kept_when_the_added_quote_is_refused(alice_client, article):
    response = post(
        alice_client,
        "quote_add",
        article.pk,
        {"start": 0, "end": 99_999, "speaker_name": "Brand New Person", "create": "1"},
    )
    assert response.status_code == 400
    assert not Speaker.objects.filter(name="Brand New Person").exists()


@pytest.mark.parametrize(
    "name,data,field,expected",
    [
        ("quote_confirm", {}, "status", Quote.Status.CONFIRMED),
        ("quote_reject", {}, "status", Quote.Status.REJECTED),
        ("quote_kind", {"kind": "mixed"}, "kind", "mixed"),
        ("quote_span", {"adjust": "shrink_end"}, "text", "the budget could not carry the"),
        ("quote_speaker", {"speaker_name": "Tom Reed"}, "speaker_id", "tom"),
    ],
)
def test_every_quote_action_works_as_a_plain_post(
    alice_client, article, budget_quote, tom, name, data, field, expected
):
    response = post(alice_client, name, budget_quote.pk, {"version": 1, **data}, hx=False)
    assert response.status_code == 303
    assert response["Location"] == f"{article.get_absolute_url()}#quote-{budget_quote.pk}"
    budget_quote.refresh_from_db()
    assert getattr(budget_quote, field) == (tom.pk if expected == "tom" else expected)


def test_a_refused_plain_post_shows_the_page_with_the_message(alice_client, budget_quote):
    response = post(
        alice_client,
        "quote_span",
        budget_quote.pk,
        {"version": 1, "start": 0, "end": 99_999},
        hx=False,
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "<html" in body and "is not inside the article text" in body
