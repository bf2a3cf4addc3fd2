"""axe-core on every research page and the API docs, at desktop and phone width: no
serious or critical violation. axe-core's script comes with axe-playwright-python (a dev
dependency), so the test needs no network. Each page is also saved as a screenshot
(/tmp/research-pages/) for a person to look at."""

import datetime
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import DESKTOP, NARROW, login
from tests.factories import make_article, make_quote, make_speaker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/research-pages")
TEXT = '"The street bridge will reopen in May," said Mayor Ines Alvarez. Critics disagreed.'


@pytest.fixture
def newsroom(db):
    ines = make_speaker("Ines Alvarez")
    for day, (outlet, status) in enumerate(
        [
            ("Harbour Gazette", "confirmed"),
            ("Valley Post", "confirmed"),
            ("Valley Post", "candidate"),
        ],
        1,
    ):
        article = make_article(
            text=TEXT + f" (Edition {day}.)",
            outlet=outlet,
            title=f"Bridge plan, {outlet}",
            published=datetime.date(2024, 5, day),
        )
        make_quote(
            article,
            '"The street bridge will reopen in May,"',
            speaker=ines,
            status=status,
            fingerprint="same-words",
        )
    return ines


def _pages(speaker):
    return {
        "quotes": "/quotes/?q=bridges",
        "top-speakers": "/speakers/",
        "speaker": f"/speakers/{speaker.pk}/",
        "statements": "/statements/",
        "articles": "/research/articles/",
        "api-docs": "/api/docs",
    }


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {node['target'][0]}: "
        + node.get("failureSummary", "").replace("\n", " ")[:300]
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("width", ["desktop", "narrow"])
@pytest.mark.parametrize(
    "name", ["quotes", "top-speakers", "speaker", "statements", "articles", "api-docs"]
)
def test_research_pages_have_no_serious_accessibility_violation(
    page, rachel, newsroom, name, width
):
    login(page, rachel, next_url="/quotes/")
    page.set_viewport_size(DESKTOP if width == "desktop" else NARROW)
    page.goto(_pages(newsroom)[name])
    if name == "api-docs":
        page.wait_for_selector(".opblock-tag", timeout=10_000)  # Swagger UI has drawn
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)

    violations = serious_violations(page)
    (SHOTS / f"{name}-{width}.txt").write_text("\n".join(violations))
    assert violations == []
