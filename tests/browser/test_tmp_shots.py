import pytest
from annotations.models import Quote
from tests.browser import test_review_flow
from tests.browser.test_review_flow import open_review, wait_status, current_row
from playwright.sync_api import expect

ferry = test_review_flow.ferry
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    page.screenshot(path=f"/tmp/review/{name}-1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"/tmp/review/{name}-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_whole_article_keyboard_only(page, alice, ferry):
    article, quotes, speakers = ferry
    Quote.objects.filter(pk=quotes["cost"].pk).update(alternatives=["Mark Osei", "Ines Alvarez"])
    open_review(page, alice, article)
    shot(page, "01-open")
    page.keyboard.press("C")  # claim
    page.wait_for_selector("#release-form")
    page.keyboard.press("c")  # timetable right
    wait_status(page, "Confirmed")
    shot(page, "02-cost-current")
    page.keyboard.press("1")  # cost: Osei is alternative 1
    wait_status(page, "Speaker set")
    page.keyboard.press("c")  # listened right
    wait_status(page, "Confirmed")
    page.keyboard.press("x")  # noise
    wait_status(page, "Rejected")
    page.keyboard.press("a")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    shot(page, "03-marked")
    page.keyboard.press("a")
    page.keyboard.type("Ines")
    page.wait_for_selector("#suggest-add .suggestion[aria-selected=true]")
    shot(page, "04-add-speaker")
    page.keyboard.press("Enter")
    wait_status(page, "Added")
    expect(page.locator("#article-done")).to_be_visible()
    shot(page, "05-done")
    page.keyboard.press("?")
    shot(page, "06-help")
    page.keyboard.press("Escape")
    page.goto("/review/")
    shot(page, "07-queue")
    assert page.console_errors == []
