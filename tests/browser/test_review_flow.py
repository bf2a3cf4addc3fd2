"""End to end: an editor reviews an article in Chromium, mostly from the keyboard."""

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Quote
from tests.browser.conftest import login, screenshot
from tests.factories import make_article, make_quote, make_speaker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# An invented article (not from any outlet) with reported and direct speech.
TEXT = (
    "Harbour council approves ferry timetable\n"
    '"The new timetable puts a boat on the water every twenty minutes," said harbour master '
    "Ines Alvarez on Tuesday.\n"
    "Councillor Mark Osei said the plan would cost less than the old one, and that fares would "
    "stay the same for another year.\n"
    '"We listened to the people who ride these boats every day," Osei added. "They wanted '
    'earlier sailings, and they will get them."\n'
    "Commuters at the terminal were cautiously pleased. The harbour master said the first "
    "changes arrive in March."
)


@pytest.fixture
def ferry(db):
    article = make_article(title="Ferry timetable approved", outlet="Harbour Gazette", text=TEXT)
    ines, osei = make_speaker("Ines Alvarez"), make_speaker("Mark Osei")
    mention = TEXT.index("Ines Alvarez")
    quotes = {
        "timetable": make_quote(
            article,
            '"The new timetable puts a boat on the water every twenty minutes,"',
            speaker=ines,
            speaker_start=mention,
            speaker_end=mention + len("Ines Alvarez"),
            speaker_text="Ines Alvarez",
            cue_start=TEXT.index("said harbour"),
            cue_end=TEXT.index("said harbour") + 4,
            cue_text="said",
            confidence=0.93,
        ),
        "cost": make_quote(
            article,
            "the plan would cost less than the old one",
            speaker=ines,  # wrong: Osei said it
            kind="indirect",
            confidence=0.41,
        ),
        "listened": make_quote(
            article,
            '"We listened to the people who ride these boats every day,"',
            speaker=osei,
            confidence=0.88,
        ),
        "noise": make_quote(article, "Commuters at the terminal", speaker=None, confidence=0.12),
    }
    return article, quotes, {"ines": ines, "osei": osei}


def _refreshed(quote):
    quote.refresh_from_db()
    return quote


def open_review(page, editor, article):
    login(page, editor, next_url=article.get_absolute_url())
    page.wait_for_selector(".quote-row.current")
    # Only the review page's own console counts here (the log-in page is not under test).
    page.console_errors.clear()


def current_row(page):
    return page.locator(".quote-row.current")


def wait_status(page, text):
    page.wait_for_selector(f"#review-status .message:has-text('{text}')")


def add_marked_by_first_offer(page, article) -> Quote:
    """a adds the marked text as a new quote and Enter takes the add form's first offer
    of a speaker; returns the quote added."""
    page.keyboard.press("a")
    expect(page.locator("#speaker-name-add")).to_be_focused()
    page.wait_for_selector("#suggest-add .suggestion[aria-selected=true]")
    page.keyboard.press("Enter")
    wait_status(page, "Added")
    return Quote.objects.get(article=article, origin=Quote.Origin.HUMAN)


def select_text(page, article, fragment):
    """Select ``fragment`` in the article text with a DOM Range, as a mouse drag would."""
    start = article.text.index(fragment)
    page.evaluate(
        """([start, end]) => {
        const spans = [...document.querySelectorAll('#article-text [data-offset]')];
        const locate = (offset) => {
          const span = spans.filter(s => Number(s.dataset.offset) <= offset).pop();
          return [span.firstChild, offset - Number(span.dataset.offset)];
        };
        const range = document.createRange();
        range.setStart(...locate(start));
        range.setEnd(...locate(end));
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        const text = document.getElementById('article-text');
        text.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""",
        [start, start + len(fragment)],
    )
    page.wait_for_selector("#selection-bar:not([hidden])")


def test_editor_logs_in_and_confirms_the_first_candidate_with_c(page, alice, ferry):
    article, quotes, _ = ferry
    open_review(page, alice, article)
    expect(current_row(page)).to_have_attribute("data-quote", str(quotes["timetable"].pk))
    page.keyboard.press("c")
    wait_status(page, "Confirmed")
    assert _refreshed(quotes["timetable"]).status == Quote.Status.CONFIRMED
    assert _refreshed(quotes["timetable"]).updated_by == alice
    # The flow moves on to the next candidate, and the page never reloaded.
    expect(current_row(page)).to_have_attribute("data-quote", str(quotes["cost"].pk))
    assert page.console_errors == []


def test_editor_rejects_a_quote_with_x_after_moving_with_j_and_k(page, alice, ferry):
    article, quotes, _ = ferry
    open_review(page, alice, article)
    for key in ["j", "j", "j", "k", "j"]:
        page.keyboard.press(key)
    expect(current_row(page)).to_have_attribute("data-quote", str(quotes["noise"].pk))
    page.keyboard.press("x")
    wait_status(page, "Rejected")
    assert _refreshed(quotes["noise"]).status == Quote.Status.REJECTED
    expect(page.locator(f"#quote-{quotes['noise'].pk}.status-rejected")).to_have_count(1)


def test_editor_changes_the_speaker_with_s_and_the_autocomplete(page, alice, ferry):
    article, quotes, speakers = ferry
    open_review(page, alice, article)
    page.keyboard.press("j")
    expect(current_row(page)).to_have_attribute("data-quote", str(quotes["cost"].pk))
    page.keyboard.press("s")
    page.keyboard.type("osei")
    page.wait_for_selector(f"#suggest-{quotes['cost'].pk} .suggestion[data-speaker-id]")
    page.keyboard.press("Enter")
    wait_status(page, "Speaker set")
    quote = _refreshed(quotes["cost"])
    assert quote.speaker == speakers["osei"]
    assert quote.status == Quote.Status.CORRECTED


def test_speaker_keys_typed_while_the_edit_panel_settles_reach_the_autocomplete(page, alice, ferry):
    # htmx wires up swapped-in content when it settles; a long settle makes the window in
    # which the panel is present but not yet live wide enough to hit every time.
    article, quotes, _ = ferry
    open_review(page, alice, article)
    page.evaluate("htmx.config.defaultSettleDelay = 1500")
    page.keyboard.press("j")
    page.keyboard.press("s")
    page.keyboard.type("osei")
    page.wait_for_selector(f"#suggest-{quotes['cost'].pk} .suggestion[data-speaker-id]")
    expect(page.locator(f"#speaker-name-{quotes['cost'].pk}")).to_have_value("osei")


def test_editor_creates_a_new_speaker_inline(page, alice, ferry):
    article, quotes, _ = ferry
    open_review(page, alice, article)
    page.click(f"#quote-{quotes['noise'].pk} .quote-text")
    page.keyboard.press("s")
    page.keyboard.type("Dana Whitlock")
    page.wait_for_selector(f"#suggest-{quotes['noise'].pk} .suggestion-new")
    page.click(f"#suggest-{quotes['noise'].pk} .suggestion-new")
    wait_status(page, "Speaker set")
    assert _refreshed(quotes["noise"]).speaker.name == "Dana Whitlock"


def test_editor_adjusts_a_span_by_selecting_text(page, alice, ferry):
    article, quotes, _ = ferry
    open_review(page, alice, article)
    page.keyboard.press("j")
    fragment = "the plan would cost less than the old one, and that fares would stay the same"
    select_text(page, article, fragment)
    page.click("#selection-span")
    wait_status(page, "Span changed")
    quote = _refreshed(quotes["cost"])
    assert quote.text == fragment
    assert article.text[quote.start : quote.end] == fragment


def test_editor_grows_a_span_by_a_word_from_the_keyboard(page, alice, ferry):
    article, quotes, _ = ferry
    open_review(page, alice, article)
    page.keyboard.press("j")
    page.keyboard.press("}")
    wait_status(page, "Span changed")
    assert _refreshed(quotes["cost"]).text == "the plan would cost less than the old one, and"


def test_editor_adds_a_missed_quote_by_selecting_it(page, alice, ferry):
    article, _, speakers = ferry
    open_review(page, alice, article)
    missed = "the first changes arrive in March"
    select_text(page, article, missed)
    page.click("#selection-add")
    expect(page.locator("#speaker-name-add")).to_be_focused()
    page.keyboard.type("Ines")
    page.wait_for_selector("#suggest-add .suggestion[data-speaker-id]")
    page.keyboard.press("Enter")
    wait_status(page, "Added")
    added = Quote.objects.get(article=article, text=missed)
    assert (added.speaker, added.status, added.origin) == (
        speakers["ines"],
        Quote.Status.CONFIRMED,
        Quote.Origin.HUMAN,
    )
    expect(page.locator(f"#quote-{added.pk}")).to_have_count(1)


def test_editor_undoes_the_last_action_with_u(page, alice, ferry):
    article, quotes, _ = ferry
    open_review(page, alice, article)
    page.keyboard.press("x")
    wait_status(page, "Rejected")
    assert _refreshed(quotes["timetable"]).status == Quote.Status.REJECTED
    page.keyboard.press("u")
    wait_status(page, "Undone")
    assert _refreshed(quotes["timetable"]).status == Quote.Status.CANDIDATE


def test_question_mark_opens_the_keyboard_help_and_escape_closes_it(page, alice, ferry):
    article, _, _ = ferry
    open_review(page, alice, article)
    page.keyboard.press("?")
    expect(page.locator("#help-dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#help-dialog")).to_be_hidden()


def test_n_opens_the_next_article_in_the_queue(page, alice, ferry):
    article, _, _ = ferry
    other = make_article(title="Library hours extended")
    make_quote(other, other.text[:20], confidence=0.3)
    open_review(page, alice, article)
    page.keyboard.press("n")
    page.wait_for_url(f"**{other.get_absolute_url()}")
    other.refresh_from_db()
    assert other.claimed_by == alice


def test_pages_at_desktop_and_narrow_widths(page, alice, ferry):
    """Not an assertion of looks: it saves the screenshots a person checks."""
    article, quotes, _ = ferry
    open_review(page, alice, article)
    page.keyboard.press("j")
    page.hover(f"#article-text [data-quotes~='{quotes['listened'].pk}']")
    screenshot(page, "review-article-desktop")
    screenshot(page, "review-article-narrow", narrow=True)
    page.keyboard.press("?")
    screenshot(page, "review-help-desktop")
    page.keyboard.press("Escape")
    page.keyboard.press("s")
    page.keyboard.type("i")
    page.wait_for_selector(".suggestion")
    screenshot(page, "review-speaker-edit-desktop")
    page.keyboard.press("Escape")
    select_text(page, article, "the first changes arrive in March")
    page.click("#selection-add")
    screenshot(page, "review-selection-add-desktop")
    page.goto("/review/")
    screenshot(page, "review-queue-desktop")
    screenshot(page, "review-queue-narrow", narrow=True)
    page.goto("/articles/add/")
    screenshot(page, "review-add-desktop")
    screenshot(page, "review-add-narrow", narrow=True)
    assert page.console_errors == []


def test_the_address_follows_the_current_quote_and_a_reload_returns_to_it(page, alice, ferry):
    article, quotes, _ = ferry
    open_review(page, alice, article)
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page).to_have_url(
        re.compile(re.escape(f"{article.get_absolute_url()}#quote-{quotes['listened'].pk}") + "$")
    )
    page.reload()
    expect(current_row(page)).to_have_attribute("data-quote", str(quotes["listened"].pk))


def test_a_researcher_sees_the_article_without_edit_controls(page, rachel, ferry):
    article, quotes, _ = ferry
    login(page, rachel, next_url=article.get_absolute_url())
    expect(page.locator(".quote-row")).to_have_count(4)
    expect(page.locator(".act-confirm")).to_have_count(0)
    page.keyboard.press("c")  # nothing to press for a researcher
    assert _refreshed(quotes["timetable"]).status == Quote.Status.CANDIDATE
    screenshot(page, "review-article-researcher-desktop")


def test_a_conflict_is_shown_with_the_other_editors_change(page, alice, bob, ferry):
    from annotations import services

    article, quotes, speakers = ferry
    open_review(page, alice, article)
    page.keyboard.press("j")  # the "cost" quote
    services.quote_set_speaker(
        quote=quotes["cost"], editor=bob, version=1, speaker=speakers["osei"]
    )
    page.keyboard.press("c")
    page.wait_for_selector("#review-status .conflict")
    expect(page.locator("#review-status .conflict")).to_contain_text("bob changed this quote")
    screenshot(page, "review-conflict-desktop")
    page.click("#review-status .conflict button")
    wait_status(page, "Confirmed")
    quote = _refreshed(quotes["cost"])
    assert (quote.speaker, quote.status) == (speakers["osei"], Quote.Status.CORRECTED)


def test_merge_suggestions_page_accept_and_undo(page, alice, ferry):
    from annotations.models import SpeakerMerge, SpeakerMergeSuggestion

    _, _, speakers = ferry
    short = make_speaker("Osei")
    low, high = sorted([speakers["osei"], short], key=lambda s: s.pk)
    SpeakerMergeSuggestion.objects.create(speaker=low, other=high, score=90, reason="surname")
    login(page, alice, next_url="/speakers/merges/")
    page.console_errors.clear()
    screenshot(page, "review-merges-desktop")
    screenshot(page, "review-merges-narrow", narrow=True)
    page.click("text=Same person: merge")
    page.wait_for_selector(".merge-item.decided")
    assert SpeakerMerge.objects.filter(undone_at__isnull=True).count() == 1
    page.click(".merge-item.decided button")
    page.wait_for_selector(".merge-item.decided:has-text('separate again')")
    assert SpeakerMerge.objects.filter(undone_at__isnull=True).count() == 0
    assert page.console_errors == []


def test_queue_filters_are_in_the_address_and_the_back_button_undoes_them(page, alice, ferry):
    other = make_article(title="Library hours extended", outlet="Town Crier")
    make_quote(other, other.text[:20], confidence=0.3)
    login(page, alice, next_url="/review/")
    expect(page.locator(".queue-table tbody tr")).to_have_count(2)
    page.select_option("#id_outlet", "Town Crier")
    expect(page).to_have_url(re.compile(r"outlet=Town(%20|\+)Crier"))
    expect(page.locator(".queue-table tbody tr")).to_have_count(1)
    page.reload()  # the filtered address is bookmarkable: it loads as a whole page
    expect(page.locator(".queue-table tbody tr")).to_have_count(1)
    page.go_back()
    expect(page).to_have_url(re.compile(r"/review/$"))
    expect(page.locator(".queue-table tbody tr")).to_have_count(2)


def test_an_editor_pastes_an_article_and_sees_its_extraction_queued(page, alice, db):
    from annotations.models import Article

    login(page, alice, next_url="/articles/add/")
    page.console_errors.clear()
    page.fill("#id_text", '"The pier reopens in May," said the harbour master, Ines Alvarez.')
    page.fill("#id_title", "Pier reopens")
    page.fill("#id_outlet", "Harbour Gazette")
    page.click("button:has-text('Import')")
    expect(page.locator("#extraction-status")).to_contain_text("queued")
    article = Article.objects.get(title="Pier reopens")
    expect(
        page.locator(f"#extraction-status a[href='{article.get_absolute_url()}']")
    ).to_have_count(1)
    screenshot(page, "review-add-result-desktop")
    # Pasting it again is refused, with a link to the article already stored.
    page.fill("#id_text", '"The pier reopens in May," said the harbour master, Ines Alvarez.')
    page.click("button:has-text('Import')")
    expect(page.locator(".import-result")).to_contain_text("Already imported")
    assert Article.objects.filter(title="Pier reopens").count() == 1
    assert page.console_errors == []
