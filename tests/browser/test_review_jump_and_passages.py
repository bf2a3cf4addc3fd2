"""Issue 12, fewer keys per candidate, in Chromium: g and a card's number go straight to
that card (the right cards skipped are left for A), and Tab in the text caret marks the
next quoted passage or reported clause that no quote covers (a missed quote in one key)."""

import pytest
from playwright.sync_api import expect

from annotations.models import Quote
from tests.browser import test_review_flow
from tests.browser.test_review_flow import (
    add_marked_by_first_offer,
    current_row,
    open_review,
    wait_status,
)
from tests.factories import make_article, make_quote, make_speaker
from tests.review.test_uncovered_passages import TOLLS

ferry = test_review_flow.ferry  # the invented ferry article and its four candidates

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_g_and_a_number_go_to_that_card_without_deciding_the_ones_between(page, alice, ferry):
    article, quotes, _ = ferry
    open_review(page, alice, article)
    expect(current_row(page)).to_have_attribute("data-quote", str(quotes["timetable"].pk))
    expect(page.locator(f"#quote-{quotes['listened'].pk} .quote-number")).to_have_text("3")
    page.keyboard.press("g")
    page.keyboard.press("3")  # not the third alternative speaker: the third card
    expect(current_row(page)).to_have_attribute("data-quote", str(quotes["listened"].pk))
    page.keyboard.press("x")
    wait_status(page, "Rejected")
    # The cards gone past are still candidates, for A; the speakers are untouched.
    assert set(
        Quote.objects.filter(pk__in=[quotes["timetable"].pk, quotes["cost"].pk]).values_list(
            "status", flat=True
        )
    ) == {"candidate"}


@pytest.fixture
def twelve(db):
    """An invented article with twelve quotes: card numbers of two digits."""
    text = " ".join(f'"Line {i} of the rota is fixed," said Ann Rowe.' for i in range(1, 13))
    article = make_article(title="Rota", outlet="Invented Weekly", text=text)
    ann = make_speaker("Ann Rowe")
    quotes = [
        make_quote(article, f'"Line {i} of the rota is fixed,"', speaker=ann) for i in range(1, 13)
    ]
    return article, quotes


def test_g_takes_two_digits_and_enter_ends_a_number_that_could_go_on(page, alice, twelve):
    article, quotes = twelve
    open_review(page, alice, article)
    for keys, number in (
        (["g", "7"], 7),
        (["g", "1", "2"], 12),
        (["g", "1"], 1),
        (["g", "1", "1"], 11),
    ):
        for key in keys:
            page.keyboard.press(key)
        if keys == ["g", "1"]:
            # "1" could be the start of 10, 11 or 12: nothing moves until Enter.
            expect(page.locator("#review-status")).to_contain_text("Go to quote 1")
            expect(current_row(page)).to_have_attribute("data-quote", str(quotes[11].pk))
            page.keyboard.press("Enter")
        expect(current_row(page)).to_have_attribute("data-quote", str(quotes[number - 1].pk))
    assert not Quote.objects.exclude(
        status=Quote.Status.CANDIDATE
    ).exists()  # Enter went no further


def test_tab_in_the_caret_marks_the_next_uncovered_passage_and_a_adds_it(page, alice, ferry):
    article, quotes, speakers = ferry
    open_review(page, alice, article)
    page.keyboard.press("t")  # the caret at the first quote: Tab from there
    page.keyboard.press("Tab")
    they_wanted = '"They wanted earlier sailings, and they will get them."'
    expect(page.locator("#selection-text")).to_have_text(they_wanted)
    page.keyboard.press("Tab")  # what follows "said" in the last line
    expect(page.locator("#selection-text")).to_have_text("the first changes arrive in March")
    page.keyboard.press("Tab")  # round to the first: '"..." said harbour master Ines' is none
    expect(page.locator("#selection-text")).to_have_text(they_wanted)
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#selection-text")).to_have_text("the first changes arrive in March")
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#selection-text")).to_have_text(they_wanted)
    added = add_marked_by_first_offer(page, article)
    assert (added.text, added.speaker) == (they_wanted, speakers["osei"])
    # Added, it is covered: Tab now marks the other one only.
    page.keyboard.press("t")
    page.keyboard.press("Tab")
    expect(page.locator("#selection-text")).to_have_text("the first changes arrive in March")
    page.keyboard.press("Tab")
    expect(page.locator("#selection-text")).to_have_text("the first changes arrive in March")


def test_tab_passes_over_a_verb_that_reports_speech_only_with_that(page, alice):
    """ "continued" is a reporting verb only with "that" after it (the engine's rule):
    'Story continued below' is no passage, 'The mayor continued that ...' is one."""
    text = (
        '"The bridge opens in May," said Ann Rowe.\n'
        "Story continued below the fold.\n"
        "The mayor continued that the tolls would stay low."
    )
    article = make_article(title="Bridge", outlet="Invented Weekly", text=text)
    make_quote(article, '"The bridge opens in May,"', speaker=make_speaker("Ann Rowe"))
    open_review(page, alice, article)
    page.keyboard.press("a")  # the first passage after the first line's sentence
    expect(page.locator("#selection-text")).to_have_text("that the tolls would stay low")


def test_a_marks_the_next_uncovered_passage_at_once_and_a_again_adds_it(page, alice, ferry):
    """a alone marks the first passage no quote covers after the current card (what Tab
    marked): a, a, Enter add the usual missed quote. Tab still goes on to the next one."""
    article, quotes, speakers = ferry
    open_review(page, alice, article)
    page.keyboard.press("j")
    page.keyboard.press("j")  # "listened", by Osei
    page.keyboard.press("a")
    they_wanted = '"They wanted earlier sailings, and they will get them."'
    expect(page.locator("#selection-text")).to_have_text(they_wanted)
    page.keyboard.press("Tab")
    expect(page.locator("#selection-text")).to_have_text("the first changes arrive in March")
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#selection-text")).to_have_text(they_wanted)
    added = add_marked_by_first_offer(page, article)
    assert (added.text, added.speaker) == (they_wanted, speakers["osei"])


def test_a_caret_key_drops_the_passage_a_marked_and_moves_from_where_a_put_the_caret(
    page, alice, ferry
):
    article, quotes, _ = ferry
    open_review(page, alice, article)
    page.keyboard.press("j")
    page.keyboard.press("j")  # "listened"
    page.keyboard.press("a")  # marks '"They wanted ...'; the caret is at its start
    expect(page.locator("#selection-text")).to_have_text(
        '"They wanted earlier sailings, and they will get them."'
    )
    page.keyboard.press("ArrowDown")  # the next sentence: "Commuters at the terminal ..."
    page.keyboard.press(".")
    expect(page.locator("#selection-text")).to_have_text(
        "Commuters at the terminal were cautiously pleased"
    )
    page.keyboard.press("Escape")
    expect(page.locator("#selection-bar")).to_be_hidden()


def test_p_adds_the_marked_passage_by_the_speaker_of_the_quote_before_it(page, alice, ferry):
    """a marks the missed quote, p adds it by the add form's first offer (Osei, whose quote
    comes just before it, though Ines has more quotes): two keys for the usual one."""
    article, quotes, speakers = ferry
    open_review(page, alice, article)
    page.keyboard.press("j")
    page.keyboard.press("j")  # "listened", by Osei
    page.keyboard.press("a")
    expect(page.locator("#selection-add-previous")).to_be_visible()
    page.keyboard.press("p")
    wait_status(page, "Added")
    added = Quote.objects.get(article=article, origin=Quote.Origin.HUMAN)
    assert added.text == '"They wanted earlier sailings, and they will get them."'
    assert added.speaker == speakers["osei"]
    # The card the editor was on is untouched: p did not give it the previous speaker.
    assert Quote.objects.get(pk=quotes["listened"].pk).speaker == speakers["osei"]
    assert Quote.objects.get(pk=quotes["listened"].pk).status == Quote.Status.CANDIDATE


def test_the_key_acting_on_a_card_ends_a_number_that_could_go_on(page, alice, twelve):
    article, quotes = twelve
    open_review(page, alice, article)
    for key in ("g", "1", "2"):
        page.keyboard.press(key)
    expect(current_row(page)).to_have_attribute("data-quote", str(quotes[11].pk))
    # "1" could start 10, 11 or 12. Shift, held to type "}", does not end it; "}" does,
    # and moves card 1's end, not the current card's.
    for key in ("g", "1", "Shift+}"):
        page.keyboard.press(key)
    expect(current_row(page)).to_have_attribute("data-quote", str(quotes[0].pk))
    expect(current_row(page).locator(".quote-text")).not_to_have_text(quotes[0].text)
    assert Quote.objects.get(pk=quotes[0].pk).end > quotes[0].end
    assert Quote.objects.get(pk=quotes[11].pk).end == quotes[11].end
    # x ends it too, and rejects card 1 where the current card is the second.
    page.keyboard.press("j")
    expect(current_row(page)).to_have_attribute("data-quote", str(quotes[1].pk))
    for key in ("g", "1", "x"):
        page.keyboard.press(key)
    wait_status(page, "Rejected")
    assert Quote.objects.get(pk=quotes[0].pk).status == Quote.Status.REJECTED
    assert Quote.objects.get(pk=quotes[1].pk).status == Quote.Status.CANDIDATE


def test_capital_n_confirms_the_candidates_left_and_opens_the_next_article(page, alice, ferry):
    article, quotes, _ = ferry
    other = make_article(title="Library hours extended")
    make_quote(other, other.text[:20], confidence=0.3)
    open_review(page, alice, article)
    page.keyboard.press("x")  # the first card is wrong; the rest are right
    wait_status(page, "Rejected")
    page.keyboard.press("N")
    page.wait_for_url(f"**{other.get_absolute_url()}")
    expect(page.locator(".messages")).to_contain_text("Confirmed 3 remaining quote(s)")
    statuses = dict(Quote.objects.filter(article=article).values_list("pk", "status"))
    assert statuses.pop(quotes["timetable"].pk) == Quote.Status.REJECTED
    assert set(statuses.values()) == {Quote.Status.CONFIRMED}
    assert Quote.objects.get(article=other).status == Quote.Status.CANDIDATE


def test_a_and_tab_mark_the_rest_of_a_sentence_beside_a_short_reporting_clause(page, alice):
    """Speech reported with no quotation marks: '..., argued Ann Rowe.' and 'According to
    the county, ...' leave the rest of their sentence as passages, in text order with the
    others (tests/review/test_uncovered_passages.py has the same text and list for the
    scripted editor's rule)."""
    article = make_article(title="Tolls", outlet="Invented Weekly", text=TOLLS)
    ann = make_speaker("Ann Rowe")
    make_quote(article, "Tolls on the new bridge will stay at two dollars for cars", speaker=ann)
    open_review(page, alice, article)
    page.keyboard.press("a")  # the caret at the second line: its passage first
    for expected in (
        "That is cheaper than the ferry it replaces",
        "Ann Rowe",
        "the tolls will pay for the bridge in twelve years",
        "five buses, and the route opens in May",  # "In addition" is none
        "That is cheaper than the ferry it replaces",  # round to the first
    ):
        expect(page.locator("#selection-text")).to_have_text(expected)
        page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#selection-text")).to_have_text(
        "That is cheaper than the ferry it replaces"
    )
    page.keyboard.press("p")  # by the speaker of the quote before it
    wait_status(page, "Added")
    added = Quote.objects.get(article=article, origin=Quote.Origin.HUMAN)
    assert (added.text, added.speaker) == ("That is cheaper than the ferry it replaces", ann)
