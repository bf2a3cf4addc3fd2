"""Security, in a real browser: hostile article text stays text, and the CSP blocks nothing
of ours. (Owned by the security tests, tests/security/; it lives here to share this folder's
session-wide Chromium: Playwright's sync API allows one per process.)"""

import pytest

from tests.browser.conftest import login
from tests.factories import make_article, make_quote, make_speaker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOAD = "<img src=x onerror=alert(1)>"


def _watch(page):
    """Dialogs opened, and CSP violations reported, while the page is used."""
    seen = {"dialogs": [], "csp": []}

    def on_dialog(dialog):
        seen["dialogs"].append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on(
        "console",
        lambda m: (
            seen["csp"].append(f"{page.url}: {m.text} {m.location}")
            if "Content Security Policy" in m.text
            else None
        ),
    )
    return seen


def test_an_article_holding_an_img_onerror_shows_it_as_text_and_runs_nothing(page, alice):
    speaker = make_speaker(PAYLOAD)
    article = make_article(text=f'"{PAYLOAD}," said the hacker.', title=PAYLOAD, outlet=PAYLOAD)
    make_quote(article, f'"{PAYLOAD},"', speaker=speaker, kind="direct")
    seen = _watch(page)
    login(page, alice, next_url=f"/articles/{article.pk}/")
    page.wait_for_load_state("networkidle")

    assert page.inner_text("#article-text") == article.text
    assert page.locator("h1").inner_text() == PAYLOAD
    assert page.locator("#article-text img, #quote-list img, h1 img").count() == 0
    for path in ("/quotes/?status=candidate", f"/speakers/{speaker.pk}/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert PAYLOAD in page.inner_text("main")
        assert page.locator("main img").count() == 0
    assert seen["dialogs"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/review/",
        "/articles/add/",
        "/quotes/",
        "/speakers/",
        "/statements/",
        "/api/docs",
        "/admin/",
        "/admin/annotations/quote/",
        "/admin/annotations/speaker/add/",
    ],
)
def test_our_own_pages_break_no_rule_of_the_csp(page, admin_user, path):
    """htmx, Swagger UI and our scripts and styles all load from 'self', inline nothing."""
    seen = _watch(page)
    login(page, admin_user, next_url=path)
    page.wait_for_load_state("networkidle")
    assert seen["csp"] == []
    assert page.console_errors == []


def test_the_article_page_breaks_no_rule_of_the_csp(page, alice):
    article = make_article()
    make_quote(article, "We will rebuild the bridge by spring", speaker=make_speaker())
    seen = _watch(page)
    login(page, alice, next_url=f"/articles/{article.pk}/")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("j")
    page.keyboard.press("c")  # confirm over htmx: the swapped-in fragment must pass too
    page.wait_for_selector("#review-status .message")
    assert seen["csp"] == []
    assert page.console_errors == []


def test_a_javascript_source_url_runs_nothing_when_clicked(page, alice):
    """Files can carry any url; the CSP stops a javascript: one (no 'unsafe-inline')."""
    article = make_article(url="javascript:alert(document.domain)")
    seen = _watch(page)
    login(page, alice, next_url=f"/articles/{article.pk}/")
    link = page.locator("a", has_text="source")
    if link.count():  # (better still, the page would not link a javascript: url at all)
        link.first.click()
        page.wait_for_timeout(300)
        assert any("script-src" in violation for violation in seen["csp"])
    assert seen["dialogs"] == []
