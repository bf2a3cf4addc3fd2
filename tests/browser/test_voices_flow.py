"""End to end: a researcher reads the Voices dashboard in Chromium, narrows it, follows a
number to the quotes behind it, and a speaker's page shows the profile."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from annotations.models import Quote
from tests.browser.conftest import login, screenshot
from tests.factories import make_article, make_quote, make_speaker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def voices_corpus(db):
    """Invented quotes: in the Harbour Gazette two women and a man, in the Valley Post one man
    and a transit authority; one candidate not yet reviewed."""
    people = {
        "Ines Alvarez": ("person", "female", "pronoun"),
        "Ruth Mensah": ("person", "female", "title"),
        "Mark Osei": ("person", "male", "name"),
        "Harbour Transit": ("organisation", "unknown", "none"),
    }
    speakers = {
        name: make_speaker(name, speaker_type=t, gender=g, gender_source=s)
        for name, (t, g, s) in people.items()
    }
    speakers["Mark Osei"].role = "treasurer"
    speakers["Mark Osei"].save()
    rows = [
        ("Harbour Gazette", 3, "Ines Alvarez", "confirmed"),
        ("Harbour Gazette", 3, "Ruth Mensah", "confirmed"),
        ("Harbour Gazette", 4, "Mark Osei", "confirmed"),
        ("Valley Post", 5, "Mark Osei", "corrected"),
        ("Valley Post", 6, "Harbour Transit", "confirmed"),
        ("Valley Post", 6, "Ines Alvarez", "candidate"),
    ]
    for k, (outlet, month, name, status) in enumerate(rows):
        article = make_article(
            text=f'"The ferry will run every twenty minutes," said {name}. (Edition {k}.)',
            outlet=outlet,
            published=datetime.date(2024, month, 2),
        )
        make_quote(article, start=0, end=43, speaker=speakers[name], status=status)
    return speakers


def test_researcher_reads_the_voices_dashboard_and_follows_a_number(page, rachel, voices_corpus):
    login(page, rachel, next_url="/voices/")
    expect(page.locator("h1")).to_have_text("Voices: who is quoted")
    women = page.locator(".stats div", has_text="Women among people quoted")
    expect(women.locator("dd")).to_have_text("66.7%")  # two women, one man
    expect(page.locator(".voices-scope")).to_contain_text("1 unreviewed candidate not counted")
    expect(page.locator("svg[role=img] title").first).to_contain_text("per outlet")
    screenshot(page, "voices/dashboard-fixture-1280")
    screenshot(page, "voices/dashboard-fixture-390", narrow=True)

    # The candidates box is counted and, once ticked, the count includes them.
    page.check("#id_candidates")
    expect(page.locator(".voices-scope")).to_contain_text("including")
    page.uncheck("#id_candidates")
    expect(page.locator(".voices-scope")).to_contain_text("not counted")

    # Narrow to one outlet: the Valley Post quoted one man and an organisation.
    page.fill("#id_outlet", "Valley Post")
    page.locator("#id_outlet").dispatch_event("change")
    expect(women.locator("dd")).to_have_text("0.0%")
    page.wait_for_url(re.compile(r"/voices/\?.*outlet=Valley(\+|%20)Post"))

    # Every number links to its quotes: the men of the Valley Post.
    men = page.locator(".stats div").filter(has=page.locator("dt", has_text=re.compile("^Men$")))
    men.locator("a").click()
    page.wait_for_url(re.compile(r"/quotes/\?.*speaker_gender=male"))
    expect(page.locator(".quote-item")).to_have_count(1)
    expect(page.locator(".quote-item")).to_contain_text("Mark Osei")

    # The speaker's page: a real heading and the profile with its evidence.
    page.locator(".quote-item a.quote-speaker").first.click()
    expect(page.locator("h1")).to_contain_text("Mark Osei")
    expect(page.locator("h1")).to_contain_text("treasurer")
    expect(page.locator(".profile")).to_contain_text("first-name statistics")
    screenshot(page, "voices/speaker-fixture-1280")
    screenshot(page, "voices/speaker-fixture-390", narrow=True)
    assert Quote.objects.count() == 6  # reading changed nothing


def test_the_candidates_box_keeps_its_size_beside_its_wrapping_label(page, rachel, voices_corpus):
    # At 1280 the filter column is narrow enough for the label to wrap; the box stretched
    # to share the line with it when fields' inputs took the whole width.
    login(page, rachel, next_url="/voices/")
    box = page.locator("#id_candidates").bounding_box()
    label = page.locator("label", has=page.locator("#id_candidates")).bounding_box()

    assert box is not None and label is not None
    assert box["width"] < 30
    assert box["x"] - label["x"] < 5  # at the label's start, not in the middle of it
