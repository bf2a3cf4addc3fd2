"""A small newsroom for the research tests: two outlets, three dates, two speakers.

Texts are the project's own writing. ``corpus`` returns the objects by name, so a test
can say which quotes it expects without relying on ids.
"""

import datetime
from types import SimpleNamespace

import pytest

from annotations.models import Quote, SpeakerAlias, quote_fingerprint
from tests.factories import make_article, make_quote, make_speaker

BRIDGE = (
    '"We will rebuild the bridge by spring," said Mayor Ana Lopez. '
    "Tom Reed said the budget was tight."
)
BUDGET = (
    "Tom Reed said the budget could not carry the cost. "
    '"We will rebuild the bridge by spring," Lopez said.'
)
SCHOOL = '"The school opens in September," said Ana Lopez. Critics said the roof still leaks.'
UNDATED = 'A letter arrived. "Nobody asked the tenants," wrote Tom Reed in an undated note.'


def quote(article, fragment, **kwargs):
    kwargs.setdefault("status", Quote.Status.CONFIRMED)
    kwargs.setdefault("fingerprint", quote_fingerprint(fragment))
    return make_quote(article, fragment, **kwargs)


@pytest.fixture
def corpus(db):
    lopez = make_speaker("Ana Lopez", description="Mayor", external_id="Q1001")
    SpeakerAlias.objects.create(speaker=lopez, name="Mayor Lopez")
    reed = make_speaker("Tom Reed")
    bridge = make_article(
        text=BRIDGE,
        outlet="Harbour Gazette",
        published=datetime.date(2024, 3, 5),
        title="Bridge to be rebuilt",
        url="https://gazette.example/bridge",
    )
    budget = make_article(
        text=BUDGET,
        outlet="Valley Post",
        published=datetime.date(2024, 3, 9),
        title="Budget worries",
        url="https://post.example/budget",
    )
    school = make_article(
        text=SCHOOL,
        outlet="Harbour Gazette",
        published=datetime.date(2024, 9, 1),
        title="School opens",
        url="https://gazette.example/school",
    )
    undated = make_article(text=UNDATED, outlet="Valley Post", published=None, title="A letter")
    return SimpleNamespace(
        lopez=lopez,
        reed=reed,
        bridge=bridge,
        budget=budget,
        school=school,
        undated=undated,
        bridge_lopez=quote(
            bridge, '"We will rebuild the bridge by spring,"', speaker=lopez, kind="direct"
        ),
        bridge_reed=quote(bridge, "the budget was tight", speaker=reed, kind="indirect"),
        budget_reed=quote(
            budget,
            "the budget could not carry the cost",
            speaker=reed,
            kind="indirect",
            status=Quote.Status.CORRECTED,
        ),
        budget_lopez=quote(
            budget, '"We will rebuild the bridge by spring,"', speaker=lopez, kind="direct"
        ),
        school_lopez=quote(
            school,
            '"The school opens in September,"',
            speaker=lopez,
            kind="direct",
            status=Quote.Status.CANDIDATE,
        ),
        school_critics=quote(
            school,
            "the roof still leaks",
            speaker=None,
            kind="indirect",
            status=Quote.Status.REJECTED,
        ),
        undated_reed=quote(undated, '"Nobody asked the tenants,"', speaker=reed, kind="direct"),
    )


def listed_ids(response) -> list[int]:
    """Quote ids in the order a quote-list page shows them."""
    return [quote.pk for quote in response.context["page"].items]
