"""The Voices page, its CSV, GET /api/voices, and the profile view, as people use them."""

import csv
import io

import pytest

from annotations.models import Quote, Speaker
from tests.factories import make_article, make_speaker


@pytest.mark.django_db
def test_the_page_shows_the_share_of_women_and_links_each_number_to_its_quotes(
    rachel_client, corpus
):
    page = rachel_client.get("/voices/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "66.7%" in html  # two women of three people with a known gender
    assert "not counted" in html and "1 unreviewed candidate" in html
    link = (
        "/quotes/?status=confirmed&amp;status=corrected"
        "&amp;speaker_gender=female&amp;speaker_type=person"
    )
    assert link in html
    listed = rachel_client.get(link.replace("&amp;", "&"))
    assert listed.status_code == 200
    names = listed.content.decode()
    assert ">Ann</a>" in names and ">Dee</a>" in names and ">Ben</a>" not in names


@pytest.mark.django_db
def test_the_gender_link_lists_exactly_the_quotes_counted(rachel_client, corpus):
    from django.http import QueryDict

    from annotations.filters import QuoteFilter
    from annotations.models import Quote

    params = QueryDict(
        "status=confirmed&status=corrected&speaker_gender=female&speaker_type=person"
    )
    quotes = QuoteFilter(params, queryset=Quote.objects.all()).filtered()
    assert sorted(q.speaker.name for q in quotes) == ["Ann", "Ann", "Ann", "Dee"]


@pytest.mark.django_db
def test_a_bad_parameter_is_a_400_that_names_it(rachel_client, corpus):
    page = rachel_client.get("/voices/?date_from=03/01/2024")
    assert page.status_code == 400
    assert "YYYY-MM-DD" in page.content.decode()


@pytest.mark.django_db
def test_the_csv_has_a_row_per_outlet_and_the_total(rachel_client, corpus):
    response = rachel_client.get("/voices/export.csv?by=outlet")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_outlet = {row["outlet"]: row for row in rows}
    assert set(by_outlet) == {"Alpha", "Beta", "all"}
    assert by_outlet["Alpha"]["people_female"] == "2"
    assert by_outlet["all"]["quotes_female"] == "4" and by_outlet["all"]["total_quotes"] == "9"


@pytest.mark.django_db
def test_the_api_groups_by_outlet(rachel_client, corpus):
    response = rachel_client.get("/api/voices?by=outlet")
    assert response.status_code == 200
    body = response.json()
    assert body["by"] == "outlet"
    assert [g["outlet"] for g in body["groups"]] == ["Alpha", "Beta"]
    assert body["total"]["people"]["female"] == 2
    assert body["candidates"] == 1


@pytest.mark.django_db
def test_the_api_groups_by_outlet_and_month_with_the_quote_filters(rachel_client, corpus):
    response = rachel_client.get("/api/voices?by=outlet,month&kind=direct&candidates=true")
    body = response.json()
    keys = [(g["outlet"], g["month"]) for g in body["groups"]]
    assert keys == [("Alpha", "2024-01"), ("Alpha", "2024-02"), ("Beta", "2024-01")]
    assert (
        body["total"]["quotes"]["unknown"] == 1
    )  # Cal's direct candidate; his mixed quote is not direct
    assert body["filters"]["statuses"] == ["confirmed", "corrected", "candidate"]


@pytest.mark.django_db
def test_the_api_refuses_an_unknown_grouping(rachel_client, corpus):
    response = rachel_client.get("/api/voices?by=speaker")
    assert response.status_code == 400


@pytest.mark.django_db
def test_the_api_needs_a_reader(client, corpus):
    assert client.get("/api/voices").status_code == 401


@pytest.mark.django_db
def test_quotes_in_the_api_carry_speaker_type_and_gender(rachel_client, corpus):
    items = rachel_client.get("/api/quotes?limit=200").json()["items"]
    by_name = {item["speaker_name"]: item for item in items if item["speaker_id"]}
    assert (by_name["Ann"]["speaker_type"], by_name["Ann"]["speaker_gender"]) == (
        "person",
        "female",
    )
    assert (by_name["Org"]["speaker_type"], by_name["Org"]["speaker_gender"]) == (
        "organisation",
        "unknown",
    )


@pytest.mark.django_db
def test_exports_carry_speaker_type_and_gender(rachel_client, corpus):
    response = rachel_client.get("/quotes/export.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    ann = [row for row in rows if row["speaker_name"] == "Ann"]
    assert ann and all(
        (r["speaker_type"], r["speaker_gender"]) == ("person", "female") for r in ann
    )


@pytest.mark.django_db
def test_an_editor_sets_a_gender_from_the_profile_view(alice_client, corpus):
    ben = Speaker.objects.get(name="Ben")
    response = alice_client.post(
        f"/speakers/{ben.pk}/profile/",
        {
            "speaker_type": "person",
            "gender": "nonbinary",
            "role": "",
            "affiliation": "",
            "was_speaker_type": "person",
            "was_gender": "male",
            "was_role": "",
            "was_affiliation": "",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    ben.refresh_from_db()
    assert (ben.gender, ben.gender_source) == ("nonbinary", "editor")
    assert ben.history.filter(history_user__username="alice").exists()


@pytest.mark.django_db
def test_a_researcher_cannot_edit_a_profile(rachel_client, corpus):
    ben = Speaker.objects.get(name="Ben")
    response = rachel_client.post(f"/speakers/{ben.pk}/profile/", {"gender": "female"})
    assert response.status_code == 403
    ben.refresh_from_db()
    assert ben.gender == "male"


@pytest.mark.django_db
def test_a_stale_profile_edit_is_a_409_that_changes_nothing(alice_client, corpus):
    ben = Speaker.objects.get(name="Ben")
    response = alice_client.post(
        f"/speakers/{ben.pk}/profile/",
        {
            "speaker_type": "person",
            "gender": "female",
            "was_speaker_type": "person",
            "was_gender": "unknown",
        },
    )
    assert response.status_code == 409
    assert "gender is now &#x27;male&#x27;" in response.content.decode()
    ben.refresh_from_db()
    assert ben.gender == "male"


@pytest.mark.django_db
def test_the_speaker_page_has_a_proper_heading_and_the_profile(rachel_client, corpus):
    ben = Speaker.objects.get(name="Ben")
    ben.role, ben.affiliation = "chief executive", "Harbour Transit"
    ben.save()
    html = rachel_client.get(f"/speakers/{ben.pk}/").content.decode()
    assert "Speaker #" not in html
    assert "Ben <span" in html and "chief executive, Harbour Transit" in html
    assert "a gendered title in the text" in html


@pytest.mark.django_db
def test_the_page_and_api_take_dates(rachel_client, corpus):
    page = rachel_client.get("/voices/?date_from=2024-01-15&date_to=2024-02-10")
    assert page.status_code == 200
    body = rachel_client.get("/api/voices?by=month&date_from=2024-01-01&date_to=2024-01-31").json()
    assert [g["month"] for g in body["groups"]] == ["2024-01"]
    assert body["total"]["total_quotes"] == 7


def test_each_link_on_the_page_is_the_quote_query_of_its_number():
    """The page encodes a group's query once and adds the gender or type to it: the links
    must list what Criteria.quote_query gives for each number, and read as quotes_link
    writes them one by one."""
    import datetime

    from django.http import QueryDict

    from annotations.views.voices import _linked, quotes_link
    from annotations.voices import GENDERS, TYPES, Criteria

    def parsed(link):
        path, query = link.split("?")
        assert path == "/quotes/"
        return {key: QueryDict(query).getlist(key) for key in QueryDict(query)}

    def wanted(params):
        return {
            k: [str(x) for x in v] if isinstance(v, list) else [str(v)] for k, v in params.items()
        }

    criteria = Criteria(
        outlet="Alpha & Co",
        date_from=datetime.date(2024, 1, 15),
        date_to=datetime.date(2024, 3, 10),
        kinds=("direct", "mixed"),
        include_candidates=True,
    )
    group = {
        "quotes": dict.fromkeys(GENDERS, 1),
        "people": dict.fromkeys(GENDERS, 1),
        "types": {t: {"quotes": 1, "speakers": 1} for t in TYPES},
    }
    for scope in ({}, {"outlet": "Beta"}, {"month": datetime.date(2024, 3, 1)}):
        linked = _linked(criteria, group, scope)
        assert parsed(linked["link"]) == wanted(criteria.quote_query(**scope))
        assert linked["link"] == quotes_link(criteria, **scope)
        for row in linked["by_gender"]:
            numbers = {"gender": row["gender"], "speaker_type": "person", **scope}
            assert parsed(row["link"]) == wanted(criteria.quote_query(**numbers))
            assert row["link"] == quotes_link(criteria, **numbers)
        for row in linked["by_type"]:
            numbers = {"speaker_type": row["type"], **scope}
            assert parsed(row["link"]) == wanted(criteria.quote_query(**numbers))
            assert row["link"] == quotes_link(criteria, **numbers)


@pytest.mark.django_db
def test_the_headline_numbers_are_grouped_by_thousands(rachel_client):
    # A thousand and one confirmed quotes of one woman in one article.
    speaker = make_speaker(
        "Ines Alvarez", speaker_type="person", gender="female", gender_source="pronoun"
    )
    article = make_article(text="x" * 2002)
    Quote.objects.bulk_create(
        Quote(
            article=article,
            start=2 * n,
            end=2 * n + 1,
            text="x",
            speaker=speaker,
            status="confirmed",
            fingerprint=f"f{n}",
        )
        for n in range(1001)
    )

    html = rachel_client.get("/voices/").content.decode()

    assert "1,001 quotes;" in html
    assert "people, 1,001 quotes" in html
