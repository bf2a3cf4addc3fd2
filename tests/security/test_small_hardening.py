"""Smaller findings of issue 15: HEAD, private caching, /healthz on a database that cannot
save, CSV quotes left open, pasted urls held to the file imports' rule."""

import json
from collections import namedtuple
from unittest import mock

import pytest
from django.urls import reverse

from annotations import importers
from annotations.models import Article

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/healthz", "/", "/quotes/", "/statements/", "/review/"])
def test_head_is_answered_where_get_is(alice_client, path):
    head = alice_client.head(path)

    assert head.status_code == alice_client.get(path).status_code == 200
    assert head.content == b""


@pytest.mark.parametrize("path", ["/", "/quotes/", "/review/", "/articles/add/"])
def test_pages_of_a_logged_in_person_are_private_and_not_stored(alice_client, path):
    cache_control = alice_client.get(path)["Cache-Control"]

    assert "private" in cache_control and "no-store" in cache_control


def test_api_answers_are_private_and_not_stored(rachel_client):
    cache_control = rachel_client.get("/api/quotes")["Cache-Control"]

    assert "private" in cache_control and "no-store" in cache_control


def healthz(client):
    response = client.get("/healthz")
    return response.status_code, json.loads(response.content)


def test_healthz_reports_a_read_only_postgresql_session(client):
    with mock.patch("annotations.views.site.connection") as fake:
        fake.vendor = "postgresql"
        cursor = fake.cursor.return_value.__enter__.return_value
        cursor.fetchone.side_effect = [(1,), ("on",)]
        assert healthz(client) == (503, {"status": "error", "database": "read-only"})


@pytest.fixture
def sqlite(tmp_path):
    path = tmp_path / "db.sqlite3"
    path.write_bytes(b"")
    with mock.patch("annotations.views.site.connection") as fake:
        fake.vendor = "sqlite"
        fake.settings_dict = {"NAME": str(path)}
        fake.cursor.return_value.__enter__.return_value.fetchone.return_value = (1,)
        yield path


def test_healthz_reports_a_read_only_sqlite_file(client, sqlite):
    with mock.patch("annotations.views.site.os.access", return_value=False):
        assert healthz(client) == (503, {"status": "error", "database": "read-only"})


def test_healthz_reports_a_full_sqlite_disk(client, sqlite, settings):
    usage = namedtuple("usage", "total used free")(10**9, 10**9 - 1000, 1000)
    with mock.patch("annotations.views.site.shutil.disk_usage", return_value=usage):
        assert healthz(client) == (503, {"status": "error", "database": "full"})


def test_healthz_is_ok_on_a_writable_sqlite_file_with_room(client, sqlite):
    assert healthz(client) == (200, {"status": "ok", "database": "ok"})


@pytest.mark.parametrize(
    "content",
    [
        'text,title\n"An article that never closes its quote,First\n',  # at the end
        'text,title\n"Fine.",One\n"Opened here,Two\nand never closed\n',
        'text,title\n"Opened mid-file,Two\n"Fine.",One\n',
    ],
    ids=["at the end", "in the last row", "mid-file"],
)
def test_a_csv_quote_left_open_is_refused_wherever_it_is(content):
    with pytest.raises(importers.ImportFileError, match="malformed CSV"):
        importers.parse("open.csv", content.encode())


@pytest.mark.parametrize("url", ["ftp://files.example.org/a.txt", "ftps://files.example.org/a"])
def test_a_pasted_url_that_is_no_web_address_is_refused_as_in_file_imports(alice_client, url):
    response = alice_client.post(
        reverse("articles_add"), {"text": "The pool reopens on Monday.", "url": url}
    )

    assert response.status_code == 400
    assert "Enter a web address (http:// or https://)" in response.content.decode()
    assert not Article.objects.exists()
    with pytest.raises(importers.ImportFileError, match="is not a web address"):
        importers.parse("a.jsonl", json.dumps({"text": "Fine.", "url": url}).encode())
