"""End to end: a researcher filters quotes by speaker and outlet in Chromium, then exports."""

import csv
import datetime
import re

import pytest
from playwright.sync_api import expect

from annotations.models import Quote, SpeakerAlias
from tests.browser.conftest import NARROW, login, screenshot
from tests.factories import make_article, make_quote, make_speaker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Invented articles: two outlets carry the mayor; the treasurer speaks in one.
MAYOR = '"The ferry will run every twenty minutes," said Mayor Ines Alvarez.'
TREASURER = '"Fares stay the same this year," said treasurer Mark Osei. Alvarez agreed.'


@pytest.fixture
def newsroom(db):
    ines, osei = make_speaker("Ines Alvarez"), make_speaker("Mark Osei")
    SpeakerAlias.objects.create(speaker=ines, name="Mayor Alvarez")
    quotes = []
    for day, outlet in [(3, "Harbour Gazette"), (4, "Valley Post")]:
        article = make_article(
            text=MAYOR + f" (Edition {day}.)",
            outlet=outlet,
            title=f"Ferry plan, {outlet}",
            published=datetime.date(2024, 5, day),
        )
        quotes.append(
            make_quote(
                article, MAYOR.split(" said")[0], speaker=ines, status=Quote.Status.CONFIRMED
            )
        )
    article = make_article(
        text=TREASURER, outlet="Valley Post", title="Fares", published=datetime.date(2024, 5, 5)
    )
    make_quote(article, TREASURER.split(" said")[0], speaker=osei, status=Quote.Status.CONFIRMED)
    return ines, quotes


def test_researcher_filters_by_speaker_then_outlet_and_exports(page, rachel, newsroom):
    ines, (gazette_quote, post_quote) = newsroom
    login(page, rachel, next_url="/quotes/")
    expect(page.locator(".quote-item")).to_have_count(3)

    # Autocomplete by alias, then pick the speaker.
    page.fill("#speaker_q", "mayor alv")
    page.locator("#speaker-suggestions a", has_text="Ines Alvarez").click()
    page.wait_for_url(f"**/quotes/?*speaker={ines.pk}*")
    expect(page.locator(".quote-item")).to_have_count(2)
    expect(page.locator(".chip")).to_contain_text("Ines Alvarez")

    # The outlet filter updates the results in place and the address, for bookmarking.
    page.fill("#id_outlet", "Valley Post")
    page.locator("#id_outlet").dispatch_event("change")
    expect(page.locator(".quote-item")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/quotes/\?.*outlet=Valley(\+|%20)Post"))
    assert f"speaker={ines.pk}" in page.url
    expect(page.locator(f"#q{post_quote.pk}")).to_be_visible()
    screenshot(page, "research_flow_filtered")
    screenshot(page, "research_flow_filtered_narrow", narrow=True)

    # The export link carries the same filter.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    with open(download_info.value.path(), encoding="utf-8", newline="") as exported:
        rows = list(csv.DictReader(exported))
    assert [int(row["quote_id"]) for row in rows] == [post_quote.pk]
    assert rows[0]["speaker_name"] == "Ines Alvarez"
    assert rows[0]["outlet"] == "Valley Post"

    # Reloading the bookmarked address shows the same view.
    page.reload()
    expect(page.locator(".quote-item")).to_have_count(1)
    assert page.console_errors == []


def test_a_bad_date_in_the_address_shows_a_message_not_an_error_page(page, rachel, newsroom):
    login(page, rachel, next_url="/quotes/")

    page.goto("/quotes/?date_from=2024-02-30")

    expect(page.get_by_role("alert")).to_contain_text("date_from: Enter a date as YYYY-MM-DD.")


RESEARCH_PAGES = ["/quotes/", "/speakers/", "/statements/", "/research/articles/", "/voices/"]


@pytest.mark.parametrize("path", RESEARCH_PAGES)
def test_on_a_phone_the_filters_start_folded_and_open_on_a_tap(page, rachel, newsroom, path):
    login(page, rachel, next_url=path)
    page.set_viewport_size(NARROW)
    page.reload()  # research.js folds them as the page loads on a narrow screen
    panel = page.locator("details.filter-panel").first
    expect(panel).not_to_have_attribute("open", re.compile(".*"))
    expect(page.locator("#filters")).to_be_hidden()
    panel.locator("summary").click()
    expect(page.locator("#filters")).to_be_visible()


@pytest.mark.parametrize("path", RESEARCH_PAGES)
def test_on_a_wide_screen_the_filters_stay_open_beside_the_results(page, rachel, newsroom, path):
    login(page, rachel, next_url=path)
    expect(page.locator("#filters")).to_be_visible()
    expect(page.locator("details.filter-panel > summary").first).to_be_hidden()
