"""Odd input is a 400 that names the parameter, never a 500: one parser for ids, one
refusal of NUL for every parameter, cursors that cannot be forged into a crash.

The examples are the ones a probe found; the property tests below throw the same
families (unicode digits, huge numbers, NUL, forged cursors) at every parameter.
"""

import base64
import html
import json
import secrets
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.models import ApiToken
from annotations.parsing import BadParameter, is_id, parse_id, parse_ids

pytestmark = pytest.mark.django_db

HUGE = "9" * 5000


def cursor(*values) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/quotes/", {"speaker": "²"}),
        ("/statements/", {"speaker": "²"}),
        ("/quotes/", {"speaker": HUGE}),
        ("/statements/", {"speaker": HUGE}),
        ("/articles/status/", {"ids": "²"}),
        ("/articles/status/", {"ids": f"1,{HUGE}"}),
        ("/statements/", {"cursor": "WyJzdGF0ZW1lbnRzIiwxXQ"}),  # ["statements",1]
        ("/statements/", {"cursor": cursor("statements", "1", "2")}),
        ("/statements/", {"cursor": cursor("statements", 10**30, 1)}),
        ("/quotes/", {"cursor": cursor("date", None, 1, 1, 10**30)}),
        ("/quotes/", {"cursor": cursor("date", None, True, 1, 1)}),
        ("/research/articles/", {"cursor": cursor("id", 10**30)}),
        ("/research/articles/", {"cursor": cursor("id", 1, 2)}),
    ],
)
def test_odd_ids_and_forged_cursors_are_refused_with_400_naming_the_parameter(
    admin_client, path, params
):
    response = admin_client.get(f"{path}?{urlencode(params)}")
    assert response.status_code == 400
    (name,) = params
    assert f"{name}:" in response.content.decode()


@pytest.mark.parametrize("after", ["²", HUGE, "-1", "1.0"])
def test_the_next_article_refuses_an_after_that_is_no_id(admin_client, after):
    response = admin_client.post("/review/next/", {"after": after})
    assert response.status_code == 400
    assert "after:" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/speakers/suggest/", "q"),
        ("/speakers/suggest/", "speaker_name"),
        ("/speakers/autocomplete/", "speaker_q"),
        ("/quotes/", "q"),
        ("/quotes/", "outlet"),
    ],
)
def test_a_nul_character_in_a_parameter_is_refused_with_400(admin_client, path, name):
    response = admin_client.get(f"{path}?{urlencode({name: 'Ana\x00Lopez'})}")
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert repr(name) in html.unescape(response.content.decode())


def test_a_nul_character_in_a_posted_form_field_is_refused_with_400(admin_client):
    response = admin_client.post(
        "/review/next/", "after=1%00", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


@pytest.mark.parametrize("raw", ["1", "42", str(2**63 - 1), " 7 "])
def test_parse_id_reads_plain_ascii_ids(raw):
    assert parse_id(raw, name="id") == int(raw)


@pytest.mark.parametrize("raw", ["²", "٣", "１", "0", "-1", "+1", "1e3", "1.0", HUGE, str(2**63)])
def test_parse_id_refuses_what_is_not_an_id(raw):
    with pytest.raises(BadParameter, match="^id: "):
        parse_id(raw, name="id")


def test_parse_ids_keeps_the_first_ones_and_skips_blanks():
    assert parse_ids("3, 5,,8,9", name="ids", limit=3) == [3, 5, 8]


# Properties: the same families against every parameter a page reads ---------------------

ODD_TEXT = st.one_of(
    st.sampled_from(["²", "٣", "１", HUGE, "-0", "1e999", "nan", "\x00", "1\x00"]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
)
FORGED_CURSOR = st.lists(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=False),
        st.text(max_size=8),
    ),
    max_size=6,
).map(lambda values: cursor(*values))
# The lists' sort names, so that a forged cursor gets past the first check.
NAMED_CURSOR = st.tuples(
    st.sampled_from(["date", "relevance", "statements", "id"]),
    st.lists(st.one_of(st.integers(-(10**25), 10**25), st.text(max_size=5)), max_size=5),
).map(lambda pair: cursor(pair[0], *pair[1]))
PAGES = {
    "/quotes/": ["speaker", "article", "cursor", "limit", "q", "sort", "date_from", "status"],
    "/statements/": ["speaker", "cursor", "limit", "repeated"],
    "/research/articles/": ["cursor", "limit", "extraction", "review"],
    "/speakers/": ["q", "date_from"],
    "/speakers/autocomplete/": ["speaker_q"],
    "/speakers/suggest/": ["q", "speaker_name"],
    "/articles/status/": ["ids"],
    "/review/": ["page", "state", "published_from"],
}
PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("path", PAGES)
@PROPERTY
@given(data=st.data())
def test_odd_values_in_any_parameter_are_answered_200_or_400(admin_user, path, data):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    name = data.draw(st.sampled_from(PAGES[path]))
    value = data.draw(
        st.one_of(ODD_TEXT, FORGED_CURSOR, NAMED_CURSOR) if name == "cursor" else ODD_TEXT
    )
    response = client.get(f"{path}?{urlencode({name: value})}")
    assert response.status_code in (200, 400), (name, value[:40], response.status_code)


@PROPERTY
@given(value=st.one_of(ODD_TEXT, st.integers().map(str)))
def test_is_id_agrees_with_parse_id(value):
    if not value.strip():
        assert parse_id(value, name="x") is None
    elif is_id(value.strip()):
        assert 1 <= parse_id(value, name="x") <= 2**63 - 1
    else:
        with pytest.raises(BadParameter):
            parse_id(value, name="x")


API = {
    "/api/quotes": ["speaker", "article", "cursor", "limit", "q", "sort", "status"],
    "/api/speakers": ["cursor", "limit", "q"],
    "/api/articles": ["cursor", "limit", "q", "outlet"],
}


@pytest.fixture
def api_key(rachel):
    key = secrets.token_urlsafe(16)
    ApiToken.objects.create(user=rachel, key_hash=ApiToken.hash_key(key))
    return key


@pytest.mark.parametrize("path", API)
@PROPERTY
@given(data=st.data())
def test_odd_values_in_any_api_parameter_are_answered_200_or_4xx(api_key, path, data):
    name = data.draw(st.sampled_from(API[path]))
    value = data.draw(
        st.one_of(ODD_TEXT, FORGED_CURSOR, NAMED_CURSOR) if name == "cursor" else ODD_TEXT
    )
    client = Client(raise_request_exception=False)
    response = client.get(
        f"{path}?{urlencode({name: value})}", HTTP_AUTHORIZATION=f"Bearer {api_key}"
    )
    assert response.status_code in (200, 400, 404, 422), (name, value[:40], response.status_code)
