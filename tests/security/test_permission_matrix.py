"""Every URL × GET/POST × persona, with the answer each must get.

The table below has one entry per URL pattern of the project (the Django admin by its root
only). A URL added without an entry fails ``test_every_url_is_in_the_matrix``, so nobody can
add a page without deciding who may open it.

Gates (who gets through; everyone else gets the gate's refusal):

* public: everyone gets the same answer;
* reader: researchers, editors and admins; anonymous → the log-in page, no role → 403;
* editor: editors and admins; anonymous → the log-in page, researcher or no role → 403;
* api: readers; anonymous → 401, no role → 403 (JSON, never a log-in redirect);
* staff: the Django admin's own gate, admins only; everyone else → the admin log-in.

POSTs go through a client that enforces CSRF and carries a valid token, so a 403 is the
role check and not the CSRF check (tests/security/test_csrf.py checks the token itself).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote as urlquote

import pytest
from django.urls import URLResolver, get_resolver
from lxml import html

from .conftest import PERSONAS, client_for, snapshot, with_csrf_cookie

pytestmark = pytest.mark.django_db

LOGIN = "login"  # expected: 302 to /accounts/login/?next=<path>
ADMIN_LOGIN = "admin_login"  # expected: 302 to /admin/login/?next=<path>

GATES: dict[str, dict[str, int | str]] = {
    # gate: {persona: refusal} for the personas the gate turns away
    "public": {},
    "reader": {"anonymous": LOGIN, "mallory": 403},
    "editor": {"anonymous": LOGIN, "mallory": 403, "rachel": 403},
    "api": {"anonymous": 401, "mallory": 403},
    "staff": dict.fromkeys(("anonymous", "mallory", "rachel", "alice"), ADMIN_LOGIN),
}


@dataclass(frozen=True)
class Rule:
    gate: str
    ok: int  # the answer for a persona the gate lets through


@dataclass(frozen=True)
class Endpoint:
    path: Callable
    get: Rule
    post: Rule
    data: Callable = field(default=lambda s: {})


def _quote_path(action):
    return lambda s: f"/quotes/{s.quote.pk}/{action}/"


def _article_path(action=""):
    return lambda s: f"/articles/{s.article.pk}/{action}"


def _version(s):
    return {"version": s.quote.version}


def _a_word_outside(quote):
    """The first word of the article that is not in the quote: a mention to set."""
    import re

    text = quote.article.text
    word = next(
        m for m in re.finditer(r"\w+", text) if m.end() <= quote.start or m.start() >= quote.end
    )
    return {"start": word.start(), "end": word.end()}


# route (as Django prints the pattern) → how to call it and who may.
# 405: the method is refused once the gate is passed (views check the role first, so a
# refused method tells a stranger nothing either).
MATRIX = {
    # Log-in and log-out: anyone.
    "accounts/login/": Endpoint(
        lambda s: "/accounts/login/", Rule("public", 200), Rule("public", 200)
    ),
    "accounts/logout/": Endpoint(
        lambda s: "/accounts/logout/", Rule("public", 405), Rule("public", 302)
    ),
    "healthz": Endpoint(lambda s: "/healthz", Rule("public", 200), Rule("public", 405)),
    # The Django admin (all its URLs sit behind its root's gate).
    "admin/": Endpoint(lambda s: "/admin/", Rule("staff", 200), Rule("staff", 200)),
    # The API and its docs.
    "api/docs/assets/<str:name>": Endpoint(
        lambda s: "/api/docs/assets/swagger-ui.css", Rule("public", 200), Rule("public", 405)
    ),
    # The schema and its docs are read-only to everyone: a POST is refused by method.
    "api/openapi.json": Endpoint(
        lambda s: "/api/openapi.json", Rule("reader", 200), Rule("public", 405)
    ),
    "api/docs": Endpoint(lambda s: "/api/docs", Rule("reader", 200), Rule("public", 405)),
    "api/": Endpoint(lambda s: "/api/", Rule("public", 404), Rule("public", 404)),
    "api/quotes": Endpoint(
        lambda s: "/api/quotes?status=candidate", Rule("api", 200), Rule("public", 405)
    ),
    "api/quotes/<quote_id>": Endpoint(
        lambda s: f"/api/quotes/{s.quote.pk}", Rule("api", 200), Rule("public", 405)
    ),
    "api/speakers": Endpoint(lambda s: "/api/speakers", Rule("api", 200), Rule("public", 405)),
    "api/speakers/<speaker_id>": Endpoint(
        lambda s: f"/api/speakers/{s.speaker.pk}", Rule("api", 200), Rule("public", 405)
    ),
    "api/articles": Endpoint(lambda s: "/api/articles", Rule("api", 200), Rule("public", 405)),
    "api/counts": Endpoint(lambda s: "/api/counts", Rule("api", 200), Rule("public", 405)),
    "api/top-speakers": Endpoint(
        lambda s: "/api/top-speakers", Rule("api", 200), Rule("public", 405)
    ),
    "api/statements": Endpoint(lambda s: "/api/statements", Rule("api", 200), Rule("public", 405)),
    "api/voices": Endpoint(lambda s: "/api/voices", Rule("api", 200), Rule("public", 405)),
    "api/articles/<article_id>": Endpoint(
        lambda s: f"/api/articles/{s.article.pk}", Rule("api", 200), Rule("public", 405)
    ),
    # Home and the research pages: readers.
    "": Endpoint(lambda s: "/", Rule("reader", 200), Rule("reader", 405)),
    "quotes/": Endpoint(
        lambda s: "/quotes/?status=candidate", Rule("reader", 200), Rule("reader", 405)
    ),
    "quotes/export.<str:fmt>": Endpoint(
        lambda s: "/quotes/export.csv?status=candidate", Rule("reader", 200), Rule("reader", 405)
    ),
    "speakers/": Endpoint(lambda s: "/speakers/", Rule("reader", 200), Rule("reader", 405)),
    "speakers/autocomplete/": Endpoint(
        lambda s: "/speakers/autocomplete/?speaker_q=Lop",
        Rule("reader", 200),
        Rule("reader", 405),
    ),
    "speakers/<int:pk>/": Endpoint(
        lambda s: f"/speakers/{s.speaker.pk}/", Rule("reader", 200), Rule("reader", 405)
    ),
    "statements/": Endpoint(lambda s: "/statements/", Rule("reader", 200), Rule("reader", 405)),
    "voices/": Endpoint(lambda s: "/voices/", Rule("reader", 200), Rule("public", 405)),
    "voices/export.csv": Endpoint(
        lambda s: "/voices/export.csv", Rule("reader", 200), Rule("public", 405)
    ),
    # Readers see a speaker's profile; only editors change it (an empty form is a 400).
    "speakers/<int:pk>/profile/": Endpoint(
        lambda s: f"/speakers/{s.speaker.pk}/profile/", Rule("reader", 200), Rule("editor", 400)
    ),
    "research/articles/": Endpoint(
        lambda s: "/research/articles/", Rule("reader", 200), Rule("reader", 405)
    ),
    "articles/<int:pk>/": Endpoint(_article_path(), Rule("reader", 200), Rule("reader", 405)),
    "quotes/<int:pk>/history/": Endpoint(
        _quote_path("history"), Rule("reader", 200), Rule("reader", 405)
    ),
    # Editors' pages and every write.
    "review/": Endpoint(lambda s: "/review/", Rule("editor", 200), Rule("editor", 405)),
    "review/next/": Endpoint(lambda s: "/review/next/", Rule("editor", 405), Rule("editor", 303)),
    "speakers/suggest/": Endpoint(
        lambda s: "/speakers/suggest/?q=Ana", Rule("editor", 200), Rule("editor", 405)
    ),
    "articles/add/": Endpoint(
        lambda s: "/articles/add/",
        Rule("editor", 200),
        Rule("editor", 200),
        data=lambda s: {"text": "A new article, pasted by hand.", "title": "Pasted"},
    ),
    "articles/status/": Endpoint(
        lambda s: f"/articles/status/?ids={s.article.pk}", Rule("editor", 200), Rule("editor", 405)
    ),
    "articles/<int:pk>/claim/": Endpoint(
        _article_path("claim/"), Rule("editor", 405), Rule("editor", 303)
    ),
    "articles/<int:pk>/release/": Endpoint(
        _article_path("release/"), Rule("editor", 405), Rule("editor", 303)
    ),
    "articles/<int:pk>/undo/": Endpoint(
        # Nothing to undo yet: the editor is told so (400), and nothing changes.
        _article_path("undo/"),
        Rule("editor", 405),
        Rule("editor", 400),
    ),
    "articles/<int:pk>/confirm-remaining/": Endpoint(
        _article_path("confirm-remaining/"),
        Rule("editor", 405),
        Rule("editor", 303),
        data=lambda s: {"expected": 1},
    ),
    "articles/<int:pk>/quotes/add/": Endpoint(
        _article_path("quotes/add/"),
        Rule("editor", 405),
        Rule("editor", 303),
        data=lambda s: {"start": 0, "end": 5, "kind": "direct"},
    ),
    "quotes/<int:pk>/confirm/": Endpoint(
        _quote_path("confirm"), Rule("editor", 405), Rule("editor", 303), data=_version
    ),
    "quotes/<int:pk>/reject/": Endpoint(
        _quote_path("reject"), Rule("editor", 405), Rule("editor", 303), data=_version
    ),
    "quotes/<int:pk>/kind/": Endpoint(
        _quote_path("kind"),
        Rule("editor", 405),
        Rule("editor", 303),
        data=lambda s: {**_version(s), "kind": "mixed"},
    ),
    "quotes/<int:pk>/speaker/": Endpoint(
        _quote_path("speaker"),
        Rule("editor", 405),
        Rule("editor", 303),
        data=lambda s: {**_version(s), "speaker_name": "Tom Reed", "create": "on"},
    ),
    "quotes/<int:pk>/edit/": Endpoint(
        _quote_path("edit"), Rule("editor", 200), Rule("editor", 405)
    ),
    "speakers/merges/": Endpoint(
        lambda s: "/speakers/merges/", Rule("editor", 200), Rule("editor", 405)
    ),
    "speakers/merges/<int:pk>/accept/": Endpoint(
        lambda s: f"/speakers/merges/{s.suggestion.pk}/accept/",
        Rule("editor", 405),
        Rule("editor", 303),
    ),
    "speakers/merges/<int:pk>/dismiss/": Endpoint(
        lambda s: f"/speakers/merges/{s.suggestion.pk}/dismiss/",
        Rule("editor", 405),
        Rule("editor", 303),
    ),
    "speakers/merges/<int:pk>/reopen/": Endpoint(
        # The suggestion is open, not dismissed: nothing to reopen. A plain POST is sent
        # back to the merges page with that message (htmx would get a 409).
        lambda s: f"/speakers/merges/{s.suggestion.pk}/reopen/",
        Rule("editor", 405),
        Rule("editor", 303),
    ),
    "speakers/merged/<int:pk>/undo/": Endpoint(
        lambda s: f"/speakers/merged/{s.merge.pk}/undo/",
        Rule("editor", 405),
        Rule("editor", 303),
    ),
    "quotes/<int:pk>/span/": Endpoint(
        _quote_path("span"),
        Rule("editor", 405),
        Rule("editor", 303),
        data=lambda s: {**_version(s), "adjust": "shrink_end"},
    ),
    "quotes/<int:pk>/mention/": Endpoint(
        _quote_path("mention"),
        Rule("editor", 405),
        Rule("editor", 303),
        data=lambda s: {**_version(s), **_a_word_outside(s.quote)},
    ),
}


def _routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route == "admin/":
                yield route  # the admin's own URLs share its root's gate
            else:
                yield from _routes(pattern.url_patterns, route)
        else:
            yield route


def test_every_url_is_in_the_matrix():
    routes = set(_routes(get_resolver().url_patterns))
    missing = routes - MATRIX.keys()
    assert not missing, f"URLs with no row in the permission matrix: {sorted(missing)}"


def test_the_matrix_names_no_url_that_is_gone():
    routes = set(_routes(get_resolver().url_patterns))
    assert MATRIX.keys() - routes == set()


def _expected(rule: Rule, persona: str):
    if persona == "admin_user" or rule.gate == "public":
        return rule.ok
    return GATES[rule.gate].get(persona, rule.ok)


CASES = [
    pytest.param(route, method, persona, id=f"{method} /{route} {persona}")
    for route in MATRIX
    for method in ("GET", "POST")
    for persona in PERSONAS
]


@pytest.mark.parametrize(("route", "method", "persona"), CASES)
def test_permission(request, scene, route, method, persona):
    endpoint = MATRIX[route]
    rule = endpoint.get if method == "GET" else endpoint.post
    expected = _expected(rule, persona)
    path = endpoint.path(scene)
    client = client_for(request, persona)
    before = snapshot()

    if method == "GET":
        response = client.get(path)
    else:
        response = client.post(path, endpoint.data(scene), **with_csrf_cookie(client))

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={urlquote(path, safe='/')}"
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/?next=")
    else:
        assert response.status_code == expected
    if expected in (LOGIN, ADMIN_LOGIN, 401, 403, 405, 409):
        assert snapshot() == before, "a refused request changed something"


# The article page: read-only for researchers -------------------------------------------


def _edit_controls(content: bytes) -> list[str]:
    """Forms that write and htmx attributes that post, outside the log-out form."""
    tree = html.fromstring(content)
    found = [
        form.get("action")
        for form in tree.iter("form")
        if (form.get("method") or "").lower() == "post"
        and form.get("action") != "/accounts/logout/"
    ]
    found += [element.get("hx-post") for element in tree.xpath("//*[@hx-post]")]
    found += [element.get("id") for element in tree.xpath("//*[@id='selection-bar']")]
    return found


def test_a_researcher_sees_the_article_page_without_any_edit_control(rachel_client, scene):
    response = rachel_client.get(f"/articles/{scene.article.pk}/")
    assert response.status_code == 200
    assert _edit_controls(response.content) == []


def test_an_editor_sees_the_edit_controls_the_researcher_does_not(alice_client, scene):
    # The other side of the test above: the check would find controls if there were any.
    response = alice_client.get(f"/articles/{scene.article.pk}/")
    controls = _edit_controls(response.content)
    assert f"/quotes/{scene.quote.pk}/confirm/" in controls
    assert f"/articles/{scene.article.pk}/claim/" in controls


def test_a_researcher_sees_no_review_links_in_the_navigation(rachel_client, scene):
    tree = html.fromstring(rachel_client.get("/quotes/").content)
    links = {a.get("href") for a in tree.xpath("//nav//a")}
    assert "/review/" not in links
    assert "/articles/add/" not in links
    assert "/admin/" not in links


# Object-level rules: an article claimed by another editor -------------------------------
#
# A claim says who is reviewing an article; it is advisory. Other editors see who has it and
# cannot take or release it (an admin can release it), but they can still correct its quotes:
# every quote change names the version it was made against, so nobody's work is overwritten
# (annotations/services/review.py: article_claim, article_release, _write).


@pytest.fixture
def claimed_by_bob(scene, bob):
    scene.article.claimed_by = bob
    scene.article.save(update_fields=["claimed_by"])
    return scene


def _claimant(scene):
    scene.article.refresh_from_db()
    return scene.article.claimed_by


def test_alice_sees_that_bob_claimed_the_article_and_no_claim_or_release_button(
    alice_client, claimed_by_bob
):
    response = alice_client.get(f"/articles/{claimed_by_bob.article.pk}/")
    assert response.status_code == 200
    tree = html.fromstring(response.content)
    assert "bob claimed this article" in tree.text_content()
    controls = _edit_controls(response.content)
    assert f"/articles/{claimed_by_bob.article.pk}/claim/" not in controls
    assert f"/articles/{claimed_by_bob.article.pk}/release/" not in controls


def test_alice_cannot_take_bobs_claim(alice_client, claimed_by_bob, bob):
    response = alice_client.post(f"/articles/{claimed_by_bob.article.pk}/claim/")
    assert response.status_code == 302
    assert _claimant(claimed_by_bob) == bob
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["bob is already reviewing this article."]


def test_alice_cannot_release_bobs_claim(alice_client, claimed_by_bob, bob):
    response = alice_client.post(f"/articles/{claimed_by_bob.article.pk}/release/")
    assert response.status_code == 303
    assert _claimant(claimed_by_bob) == bob


def test_bob_can_release_his_own_claim(client, claimed_by_bob, bob):
    client.force_login(bob)
    response = client.post(f"/articles/{claimed_by_bob.article.pk}/release/")
    assert response.status_code == 303
    assert _claimant(claimed_by_bob) is None


def test_an_admin_can_release_bobs_claim(client, claimed_by_bob, admin_user):
    client.force_login(admin_user)
    response = client.post(f"/articles/{claimed_by_bob.article.pk}/release/")
    assert response.status_code == 303
    assert _claimant(claimed_by_bob) is None


def test_a_researcher_cannot_release_bobs_claim(rachel_client, claimed_by_bob, bob):
    response = rachel_client.post(f"/articles/{claimed_by_bob.article.pk}/release/")
    assert response.status_code == 403
    assert _claimant(claimed_by_bob) == bob


def test_next_article_never_hands_alice_an_article_bob_claimed(alice_client, claimed_by_bob, bob):
    response = alice_client.post("/review/next/")
    assert response.status_code == 303
    assert response["Location"] == "/review/"
    assert _claimant(claimed_by_bob) == bob


def test_alice_may_still_confirm_a_quote_in_bobs_article(alice_client, claimed_by_bob, alice):
    quote = claimed_by_bob.quote
    response = alice_client.post(f"/quotes/{quote.pk}/confirm/", {"version": quote.version})
    assert response.status_code == 303
    quote.refresh_from_db()
    assert quote.status == "confirmed"
    assert quote.updated_by == alice


def test_alice_cannot_overwrite_a_change_bob_made_after_she_loaded_the_quote(
    alice_client, claimed_by_bob, bob
):
    quote = claimed_by_bob.quote
    seen_version = quote.version
    from annotations import services

    services.quote_reject(quote=quote, editor=bob, version=seen_version)
    response = alice_client.post(f"/quotes/{quote.pk}/confirm/", {"version": seen_version})
    assert response.status_code == 409
    quote.refresh_from_db()
    assert quote.status == "rejected"
    assert quote.updated_by == bob


# The refusal says why ----------------------------------------------------------------------


def test_a_user_without_a_role_is_told_why_and_that_nothing_changed(client, mallory, scene):
    client.force_login(mallory)
    response = client.post(f"/articles/{scene.article.pk}/claim/")
    assert response.status_code == 403
    alert = html.fromstring(response.content).xpath("//*[@role='alert']")[0].text_content()
    assert alert == "Your account does not have the role this page needs. Nothing was changed."
