"""An export cut short by the database is seen as cut short by the client.

The export is a chunked stream (annotations/exports.py): once its first rows are sent the
status cannot become an error, so a database lost mid-export ends the connection without
the closing zero-length chunk. Every HTTP client reports that as an error (curl: exit 18,
"transfer closed with outstanding read data remaining"; Python: IncompleteRead), never as
a complete file; docs/production.md says so. The database is "lost" by terminating the
backends of this test database only (pg_terminate_backend), as in test_faults.
"""

import http.client
import time
from urllib.parse import urlsplit

import psycopg
import pytest
from django.db import connection

from annotations.models import Quote, quote_fingerprint
from tests.factories import make_article

from .production_server import Browser, database_url, gunicorn, local_web_env

pytestmark = pytest.mark.django_db(transaction=True)
SENTENCE = "Statement {i:05d}: the harbour plan goes ahead with every berth rebuilt by spring. "


def many_confirmed_quotes(n: int) -> None:
    text = "".join(SENTENCE.format(i=i) for i in range(n))
    article = make_article(text=text, title="A very long record of statements")
    quotes, offset = [], 0
    for i in range(n):
        sentence = SENTENCE.format(i=i)
        quotes.append(
            Quote(
                article=article,
                start=offset,
                end=offset + len(sentence) - 1,
                text=sentence[:-1],
                status=Quote.Status.CONFIRMED,
                fingerprint=quote_fingerprint(sentence[:-1]),
            )
        )
        offset += len(sentence)
    Quote.objects.bulk_create(quotes, batch_size=2000)


def test_a_client_sees_an_export_cut_by_a_lost_database_as_incomplete(tmp_path, rachel):
    if connection.vendor != "postgresql":
        pytest.skip("the fault is driven through PostgreSQL")
    many_confirmed_quotes(40_000)
    database = connection.settings_dict["NAME"]
    with gunicorn(local_web_env(tmp_path), workers=1) as (base, _log):
        browser = Browser(base)
        browser.log_in("rachel", "correct horse")
        address = urlsplit(base)
        http_connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        http_connection.request(
            "GET",
            "/quotes/export.csv",
            headers={"Cookie": f"sessionid={browser.cookie('sessionid')}"},
        )
        response = http_connection.getresponse()
        assert response.status == 200
        assert response.getheader("Transfer-Encoding") == "chunked"
        first = response.read(50_000)  # the export has begun
        with psycopg.connect(database_url().replace("postgres://", "postgresql://")) as admin:
            admin.autocommit = True
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid() AND pid <> %s",
                [database, connection.connection.info.backend_pid],
            )
        time.sleep(0.5)
        with pytest.raises(http.client.IncompleteRead):
            response.read()
    assert first.startswith(b"quote_id,")
