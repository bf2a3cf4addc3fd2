"""Issue 12 in Chromium: refusals with DEBUG on, the selection bar, keys pressed while a
request is in flight, and every decision made without the mouse."""

import re
import time

import pytest
from playwright.sync_api import expect

from annotations.models import Quote, Speaker
from tests.browser import test_review_flow
from tests.browser.test_review_flow import (
    TEXT,
    _refreshed,
    current_row,
    open_review,
    select_text,
    wait_status,
)
from tests.factories import make_article, make_quote

ferry = test_review_flow.ferry  # the invented ferry article and its four candidates

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def slow_actions(page, seconds=0.4):
    """Hold every action's request a while, as a loaded server would."""

    def delayed(route):
        time.sleep(seconds)
        route.continue_()

    page.route("**/quotes/*/*/", delayed)


# Bug 1: a 400 in DEBUG -----------------------------------------------------------------


@pytest.fixture
def debug_on(settings):
    # As under `make run`: django-htmx then loads its debug error handler.
    settings.DEBUG = True


def test_with_debug_on_a_refusal_lands_in_the_status_area_and_the_page_stays(
    debug_on, page, alice, ferry
):
    article, quotes, _ = ferry
    open_review(page, alice, article)
    assert page.locator("script[src*='django-htmx.js']").count() == 1  # the handler is there
    page.keyboard.press("u")
    wait_status(page, "Nothing of yours to undo")
    expect(page.locator("#quote-list .quote-row")).to_have_count(4)
    page.keyboard.press("c")  # and the page still works
    wait_status(page, "Confirmed")


def test_with_debug_on_enter_before_the_suggestions_waits_for_them(debug_on, page, alice, ferry):
    article, quotes, _ = ferry
    open_review(page, alice, article)
    page.keyboard.press("j")
    page.keyboard.press("s")
    page.wait_for_selector(f"#speaker-name-{quotes['cost'].pk}:focus")
    page.keyboard.type("Dana Whitlock")
    page.keyboard.press("Enter")  # before the 200 ms debounce has even asked
    wait_status(page, "Speaker set")
    assert _refreshed(quotes["cost"]).speaker.name == "Dana Whitlock"
    expect(page.locator("#quote-list .quote-row")).to_have_count(4)


# Bug 2: the selection bar --------------------------------------------------------------


def test_the_selection_bar_goes_once_used_and_cannot_move_the_next_quote(page, alice, ferry):
    article, quotes, _ = ferry
    open_review(page, alice, article)
    page.keyboard.press("j")
    fragment = "the plan would cost less than the old one, and that fares would stay the same"
    select_text(page, article, fragment)
    page.click("#selection-span")
    wait_status(page, "Span changed")
    expect(page.locator("#selection-bar")).to_be_hidden()
    page.keyboard.press("c")
    wait_status(page, "Confirmed")
    expect(page.locator("#selection-bar")).to_be_hidden()
    listened = _refreshed(quotes["listened"])
    assert listened.text.startswith('"We listened')


def test_the_selection_bar_goes_after_add_as_new_quote(page, alice, ferry):
    article, _, _ = ferry
    open_review(page, alice, article)
    select_text(page, article, "the first changes arrive in March")
    page.click("#selection-add")
    expect(page.locator("#selection-bar")).to_be_hidden()
    expect(page.locator("#add-quote-preview")).to_have_text("the first changes arrive in March")


def test_the_selection_bar_covers_none_of_the_text(page, alice, db):
    # A text longer than the window: a bar stuck to the window's bottom sat on its lines.
    text = "\n".join(
        f"Paragraph {n}: the harbour committee met again and talked about the ferries."
        for n in range(40)
    )
    article = make_article(title="A long article", text=text)
    make_quote(article, "the harbour committee met again", confidence=0.5)
    page.set_viewport_size({"width": 1280, "height": 600})
    open_review(page, alice, article)
    select_text(page, article, "Paragraph 0")
    bar = page.locator("#selection-bar").bounding_box()
    covered = page.evaluate(
        """(bar) => [...document.querySelectorAll('#article-text [data-offset]')].some((s) =>
            [...s.getClientRects()].some((r) => r.bottom > bar.y && r.top < bar.y + bar.height
              && r.right > bar.x && r.left < bar.x + bar.width))""",
        bar,
    )
    assert not covered


# Bug 3: fast keys ----------------------------------------------------------------------


def test_three_cs_pressed_at_once_confirm_three_quotes(page, alice, ferry):
    article, quotes, _ = ferry
    open_review(page, alice, article)
    slow_actions(page)
    page.keyboard.press("c")
    page.keyboard.press("c")
    page.keyboard.press("c")
    expect(page.locator("#quote-list .status-confirmed")).to_have_count(3)
    statuses = [_refreshed(quotes[k]).status for k in ("timetable", "cost", "listened")]
    assert statuses == [Quote.Status.CONFIRMED] * 3
    assert _refreshed(quotes["noise"]).status == Quote.Status.CANDIDATE


def test_three_end_steps_pressed_at_once_move_the_end_three_words(page, alice, ferry):
    article, quotes, _ = ferry
    open_review(page, alice, article)
    page.keyboard.press("j")
    slow_actions(page)
    for _ in range(3):
        page.keyboard.press("}")
    expect(page.locator(f"#quote-{quotes['cost'].pk} .quote-text")).to_have_text(
        re.compile("and that fares$")
    )
    # One step: ", and" (a comma brings its word along), then "that", then "fares".
    assert (
        _refreshed(quotes["cost"]).text
        == "the plan would cost less than the old one, and that fares"
    )


# Keyboard only -------------------------------------------------------------------------


def test_tab_does_not_change_the_current_quote(page, alice, ferry):
    article, quotes, _ = ferry
    open_review(page, alice, article)
    first = quotes["timetable"].pk
    for _ in range(12):
        page.keyboard.press("Tab")
    expect(current_row(page)).to_have_attribute("data-quote", str(first))


def test_confirming_a_quote_with_no_speaker_warns_first(page, alice, ferry):
    article, quotes, _ = ferry
    open_review(page, alice, article)
    for _ in range(3):
        page.keyboard.press("j")
    expect(current_row(page)).to_have_attribute("data-quote", str(quotes["noise"].pk))
    page.keyboard.press("c")
    wait_status(page, "has no speaker")
    assert _refreshed(quotes["noise"]).status == Quote.Status.CANDIDATE
    page.keyboard.press("c")
    wait_status(page, "Confirmed")
    assert _refreshed(quotes["noise"]).status == Quote.Status.CONFIRMED


def test_an_alternative_speaker_is_picked_with_its_number(page, alice, ferry):
    article, quotes, speakers = ferry
    Quote.objects.filter(pk=quotes["cost"].pk).update(alternatives=["Nobody Known", "Mark Osei"])
    open_review(page, alice, article)
    page.keyboard.press("j")
    expect(current_row(page).locator(".act-offer")).to_have_count(1)  # unknown names skipped
    page.keyboard.press("1")
    wait_status(page, "Speaker set")
    assert _refreshed(quotes["cost"]).speaker == speakers["osei"]


def test_s_offers_the_alternatives_before_anything_is_typed(page, alice, ferry):
    article, quotes, speakers = ferry
    Quote.objects.filter(pk=quotes["cost"].pk).update(alternatives=["Mark Osei"])
    open_review(page, alice, article)
    page.keyboard.press("j")
    page.keyboard.press("s")
    page.wait_for_selector(f"#suggest-{quotes['cost'].pk} .suggestion[aria-selected=true]")
    page.keyboard.press("Enter")
    wait_status(page, "Speaker set")
    assert _refreshed(quotes["cost"]).speaker == speakers["osei"]


def test_shift_enter_creates_a_new_speaker_even_when_a_name_matches(page, alice, ferry):
    article, quotes, speakers = ferry
    open_review(page, alice, article)
    page.keyboard.press("j")
    page.keyboard.press("s")
    page.keyboard.type("Osei")
    page.wait_for_selector(f"#suggest-{quotes['cost'].pk} .suggestion-new")
    page.keyboard.press("Shift+Enter")
    wait_status(page, "Speaker set")
    quote = _refreshed(quotes["cost"])
    assert quote.speaker != speakers["osei"] and quote.speaker.name == "Osei"


def test_a_missed_quote_is_added_from_the_keyboard(page, alice, ferry):
    """a puts the caret at the sentence after the current quote; Space marks the start,
    the arrows move the end, Space marks it, a adds it."""
    article, quotes, speakers = ferry
    open_review(page, alice, article)
    page.keyboard.press("j")  # the "cost" quote, in Osei's sentence
    page.keyboard.press("a")
    # The caret is at the next sentence, the "listened" quote's line.
    page.keyboard.press("ArrowDown")  # "They wanted earlier sailings..."
    page.keyboard.press("ArrowDown")  # "Commuters at the terminal..."
    page.keyboard.press("ArrowDown")  # "The harbour master said..."
    page.keyboard.press("Space")  # start marked; the end moves past "The"
    for _ in range(2):
        page.keyboard.press("ArrowRight")  # past "harbour", "master"
    page.keyboard.press("Space")
    expect(page.locator("#selection-text")).to_have_text("The harbour master")
    page.keyboard.press("a")
    expect(page.locator("#speaker-name-add")).to_be_focused()
    page.keyboard.type("Ines")
    page.wait_for_selector("#suggest-add .suggestion[aria-selected=true]")
    page.keyboard.press("Enter")
    wait_status(page, "Added")
    added = Quote.objects.get(article=article, origin=Quote.Origin.HUMAN)
    assert (added.text, added.speaker) == ("The harbour master", speakers["ines"])


def test_a_speaker_mention_is_set_and_cleared_from_the_keyboard(page, alice, ferry):
    article, quotes, _ = ferry
    open_review(page, alice, article)
    page.keyboard.press("j")  # "cost": no mention yet
    page.keyboard.press("t")  # caret at the quote's start: "the plan..."
    for _ in range(3):
        page.keyboard.press("ArrowLeft")  # back over "said", "Osei", "Mark"
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")  # "Mark" marked (Space took one word)
    page.keyboard.press("Space")
    expect(page.locator("#selection-text")).to_have_text("Mark Osei")
    page.keyboard.press("m")
    wait_status(page, "Speaker mention set")
    quote = _refreshed(quotes["cost"])
    assert (quote.speaker_text, quote.speaker_start) == ("Mark Osei", TEXT.index("Mark Osei"))
    expect(current_row(page).locator(".quote-cue")).to_contain_text("Mark Osei")
    page.keyboard.press("M")
    expect(current_row(page).locator(".quote-cue")).to_contain_text("no mention")
    assert _refreshed(quotes["cost"]).speaker_start is None


def test_claim_and_release_have_keys(page, alice, ferry):
    article, _, _ = ferry
    open_review(page, alice, article)
    page.keyboard.press("C")
    page.wait_for_selector("#release-form")
    article.refresh_from_db()
    assert article.claimed_by == alice
    page.keyboard.press("R")
    page.wait_for_url("**/review/")
    article.refresh_from_db()
    assert article.claimed_by is None


def test_the_last_decision_shows_the_article_done(page, alice, ferry):
    article, quotes, _ = ferry
    Quote.objects.filter(pk__in=[quotes["cost"].pk, quotes["listened"].pk]).update(
        status=Quote.Status.CONFIRMED
    )
    Quote.objects.filter(pk=quotes["noise"].pk).update(status=Quote.Status.REJECTED)
    open_review(page, alice, article)
    expect(page.locator("#article-done")).to_have_count(0)
    page.keyboard.press("c")
    expect(page.locator("#article-done")).to_contain_text("Article done")


def test_the_page_opens_at_the_top(page, alice, ferry):
    article, _, _ = ferry
    open_review(page, alice, article)
    assert page.evaluate("window.scrollY") == 0
    expect(page.locator(".review-title h1")).to_be_in_viewport()


def test_no_action_fetches_the_closed_edit_panel(page, alice, ferry):
    article, _, _ = ferry
    fetched = []
    page.on("request", lambda r: fetched.append(r.url) if "/edit/" in r.url else None)
    open_review(page, alice, article)
    page.keyboard.press("j")
    page.keyboard.press("c")
    wait_status(page, "Confirmed")
    assert fetched == []
    assert Speaker.objects.count() == 2
