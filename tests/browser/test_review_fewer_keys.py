"""Issue 12, fewer keys per candidate, in Chromium: the clause steps of a span, the
caret's one-key marks to a sentence's or clause's end, the add form's speaker offered from
the quote before, and A for the candidates left."""

import pytest
from playwright.sync_api import expect

from annotations.models import Quote
from tests.browser import test_review_flow
from tests.browser.test_review_flow import (
    TEXT,
    _refreshed,
    add_marked_by_first_offer,
    open_review,
    wait_status,
)

ferry = test_review_flow.ferry  # the invented ferry article and its four candidates

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OSEI_SENTENCE = (
    "Councillor Mark Osei said the plan would cost less than the old one, and that fares "
    "would stay the same for another year"
)


def test_the_end_moves_by_a_clause_with_parentheses(page, alice, ferry):
    article, quotes, _ = ferry
    open_review(page, alice, article)
    page.keyboard.press("j")  # "the plan would cost less than the old one"
    page.keyboard.press(")")
    wait_status(page, "Span changed")
    # To the sentence's end, its full stop left out.
    assert _refreshed(quotes["cost"]).text == OSEI_SENTENCE.removeprefix(
        "Councillor Mark Osei said "
    )
    page.keyboard.press("(")
    expect(page.locator(".quote-row.current .quote-text")).to_have_text(
        "the plan would cost less than the old one"
    )
    assert _refreshed(quotes["cost"]).text == "the plan would cost less than the old one"


def test_the_start_moves_by_a_clause_with_angle_brackets(page, alice, ferry):
    article, quotes, _ = ferry
    open_review(page, alice, article)
    page.keyboard.press("j")
    page.keyboard.press("<")  # back to the start of the clause: the line's start
    wait_status(page, "Span changed")
    assert _refreshed(quotes["cost"]).text == (
        "Councillor Mark Osei said the plan would cost less than the old one"
    )
    page.keyboard.press(")")
    page.keyboard.press(">")  # queued behind the first: on to the next clause's start
    expect(page.locator(".quote-row.current .quote-text")).to_have_text(
        "and that fares would stay the same for another year"
    )
    assert _refreshed(quotes["cost"]).start == TEXT.index("and that fares")


def test_a_comma_marks_from_the_caret_to_the_end_of_the_clause(page, alice, ferry):
    article, _, _ = ferry
    open_review(page, alice, article)  # the first quote is current
    page.keyboard.press("a")  # the caret at the next sentence: "Councillor Mark Osei..."
    page.keyboard.press(",")
    expect(page.locator("#selection-text")).to_have_text(
        "Councillor Mark Osei said the plan would cost less than the old one"
    )


def test_a_full_stop_marks_a_sentence_and_the_add_form_offers_the_speaker_before(
    page, alice, ferry
):
    """After "listened" (Osei's), the next sentence is marked with "." and added with Enter:
    Osei is offered first although Ines has more quotes in the article."""
    article, quotes, speakers = ferry
    open_review(page, alice, article)
    page.keyboard.press("j")
    page.keyboard.press("j")  # "listened", by Osei
    page.keyboard.press("a")  # the caret at '"They wanted earlier sailings...'
    page.keyboard.press(".")
    expected = '"They wanted earlier sailings, and they will get them."'
    expect(page.locator("#selection-text")).to_have_text(expected)
    added = add_marked_by_first_offer(page, article)
    assert (added.text, added.speaker) == (expected, speakers["osei"])


def test_capital_a_confirms_all_the_candidates_left(page, alice, ferry):
    article, quotes, _ = ferry
    Quote.objects.filter(pk=quotes["noise"].pk).update(status=Quote.Status.REJECTED)
    open_review(page, alice, article)
    expect(page.locator("#confirm-remaining-form button")).to_contain_text("3 remaining")
    page.keyboard.press("A")
    wait_status(page, "Confirmed 3 remaining")
    assert set(article.quotes.values_list("status", flat=True)) == {"confirmed", "rejected"}
    expect(page.locator("#article-done")).to_contain_text("Article done")
    # The answer carries the confirmed rows only; the list shows them swapped in place.
    expect(page.locator(".quote-row.status-candidate")).to_have_count(0)
    expect(page.locator(".quote-row.status-confirmed")).to_have_count(3)
    expect(page.locator(".quote-row.status-rejected")).to_have_count(1)
    expect(page.locator("#article-text .hl.pending")).to_have_count(0)


def test_an_added_row_is_put_in_its_place_and_undo_takes_it_out_with_numbers_in_order(
    page, alice, ferry
):
    """Add and undo answer with the rows they change only: the list numbers its rows again."""
    article, quotes, speakers = ferry
    open_review(page, alice, article)
    page.keyboard.press("j")  # "cost"
    page.keyboard.press("a")  # the caret at the "listened" line
    page.keyboard.press(".")
    added = add_marked_by_first_offer(page, article)
    # It starts where "listened" does and ends after it ('..." Osei added'): after it.
    assert added.start == quotes["listened"].start and added.end > quotes["listened"].end
    order = [quotes[k].pk for k in ("timetable", "cost", "listened")]
    order += [added.pk, quotes["noise"].pk]
    rows = page.locator("#quote-list .quote-row")
    expect(rows).to_have_count(5)
    assert [int(r.get_attribute("data-quote")) for r in rows.all()] == order
    labels = page.locator("#quote-list .quote-row-title .visually-hidden").all_text_contents()
    assert labels == [f"Quote {n}," for n in range(1, 6)]
    expect(page.locator(f"#quote-{quotes['noise'].pk} .act-confirm")).to_have_attribute(
        "aria-label", "Confirm quote 5"
    )
    page.keyboard.press("u")
    wait_status(page, "the quote you added is removed")
    expect(rows).to_have_count(4)
    labels = page.locator("#quote-list .quote-row-title .visually-hidden").all_text_contents()
    assert labels == [f"Quote {n}," for n in range(1, 5)]
    expect(page.locator(f"#quote-{quotes['noise'].pk} .act-confirm")).to_have_attribute(
        "aria-label", "Confirm quote 4"
    )
