"""Large uploads: stored in a number of queries that does not grow with the file, and a
file too large for one request is refused with a message, not a gunicorn timeout."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.models import Article, Quote, Speaker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def queued_jobs(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def gold_file(n: int, *, first: int = 0) -> SimpleUploadedFile:
    """n articles, each with two gold quotes by two of three speakers."""
    lines = []
    for i in range(first, first + n):
        names = ["Ana Lopez", "Tom Reed", "Lee Park"]
        one, two = names[i % 3], names[(i + 1) % 3]
        text = f'"Line {i} is open," said {one}. "Line {i} is shut," said {two}.'
        second = text.index('"Line', 5)
        quotes = [
            {
                "quote_span": [0, text.index(",") + 2],
                "speaker_span": [text.index(one), text.index(one) + len(one)],
                "speaker_name": one,
            },
            {
                "quote_span": [second, text.index(",", second) + 2],
                "speaker_span": [text.rindex(two), text.rindex(two) + len(two)],
                "speaker_name": two,
            },
        ]
        lines.append(json.dumps({"text": text, "outlet": "Metro", "quotes": quotes}))
    return SimpleUploadedFile("gold.jsonl", "\n".join(lines).encode())


def upload_queries(client, upload) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("articles_add"), {"files": [upload]})
    assert response.status_code == 200, response.content.decode()[:500]
    return len(queries)


def test_the_queries_of_an_upload_do_not_grow_with_its_articles_and_quotes(alice_client):
    small = upload_queries(alice_client, gold_file(5))
    large = upload_queries(alice_client, gold_file(120, first=5))

    assert Article.objects.count() == 125
    assert Quote.objects.count() == 250
    assert Speaker.objects.count() == 3
    # One enqueue a batch of EXTRACTION_BATCH_SIZE (32) articles is the only growth.
    assert large - small <= 4, (small, large)


def test_gold_quotes_of_a_bulk_upload_keep_their_speakers_and_history(alice_client, alice):
    upload_queries(alice_client, gold_file(3))

    quote = Quote.objects.get(text='"Line 1 is open,"')
    assert quote.speaker.name == "Tom Reed"
    assert (quote.status, quote.origin, quote.created_by) == ("confirmed", "human", alice)
    assert quote.history.filter(history_type="+").count() == 1


def test_a_repeated_article_within_an_upload_is_skipped_once(alice_client):
    line = gold_file(1).read().decode()
    upload = SimpleUploadedFile("twice.jsonl", f"{line}\n{line}\n".encode())

    response = alice_client.post(reverse("articles_add"), {"files": [upload]})

    assert response.status_code == 200
    assert Article.objects.count() == 1
    assert "Already imported, so skipped" in response.content.decode()


def test_a_file_with_more_rows_than_one_request_can_store_is_refused_with_a_message(
    alice_client, settings
):
    settings.IMPORT_MAX_ROWS = 10  # 4 articles + 8 quotes = 12 rows

    response = alice_client.post(reverse("articles_add"), {"files": [gold_file(4)]})

    assert response.status_code == 400
    body = response.content.decode()
    assert "hold 4 articles and 8 quotes, more than the 10 rows" in body
    assert "manage.py import_articles" in body
    assert not Article.objects.exists()


def test_a_large_import_lists_its_first_articles_and_counts_them_all(alice_client, settings):
    response = alice_client.post(reverse("articles_add"), {"files": [gold_file(205)]})

    body = response.content.decode()
    assert "Imported 205 articles" in body
    assert "The first 200 are listed below" in body
    assert body.count('class="state-queued"') == 200
