"""Editors add articles by pasting or uploading, with the import command's rules."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annotations.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db

TEXT = '"The pool reopens on Monday," said the manager, Lee Park.'


@pytest.fixture(autouse=True)
def queued_jobs(settings):
    """Extraction is queued, not run: Django's dummy task backend keeps what was enqueued."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    from django.tasks import default_task_backend

    default_task_backend.clear()
    return default_task_backend.results


def test_a_pasted_article_is_stored_and_queued_for_extraction(
    alice_client, alice, queued_jobs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            reverse("articles_add"),
            {"text": TEXT, "title": "Pool", "outlet": "Town Crier", "published": "2024-06-01"},
        )
    assert response.status_code == 200
    article = Article.objects.get(title="Pool")
    assert (article.text, article.outlet, str(article.published), article.imported_by) == (
        TEXT,
        "Town Crier",
        "2024-06-01",
        alice,
    )
    assert article.extraction_state == Article.Extraction.QUEUED
    assert [job.kwargs for job in queued_jobs] == [{"article_ids": [article.pk]}]
    assert "extraction is queued" in response.content.decode()


def test_the_page_polls_the_extraction_state(alice_client):
    response = alice_client.post(reverse("articles_add"), {"text": TEXT})
    article = Article.objects.get()
    body = response.content.decode()
    assert f"{reverse('articles_status')}?ids={article.pk}" in body
    status = alice_client.get(reverse("articles_status"), {"ids": str(article.pk)})
    assert "queued" in status.content.decode()


def test_a_duplicate_is_refused_with_a_link_to_the_existing_article(alice_client):
    existing = make_article(text=TEXT)
    response = alice_client.post(reverse("articles_add"), {"text": TEXT})
    body = response.content.decode()
    assert "Already imported" in body
    assert existing.get_absolute_url() in body
    assert Article.objects.count() == 1


def test_an_empty_form_is_refused(alice_client):
    response = alice_client.post(reverse("articles_add"), {"text": "   "})
    assert response.status_code == 400
    assert "Paste an article" in response.content.decode()
    assert not Article.objects.exists()


def test_a_bad_date_is_refused(alice_client):
    response = alice_client.post(reverse("articles_add"), {"text": TEXT, "published": "soon"})
    assert response.status_code == 400
    assert not Article.objects.exists()


def test_an_uploaded_jsonl_file_is_imported(alice_client):
    lines = "\n".join(
        json.dumps({"text": f"Article number {n} says little.", "outlet": "Wire"}) for n in (1, 2)
    )
    upload = SimpleUploadedFile("batch.jsonl", lines.encode())
    response = alice_client.post(reverse("articles_add"), {"files": [upload]})
    assert response.status_code == 200
    assert Article.objects.filter(outlet="Wire").count() == 2


def test_a_malformed_file_is_refused_with_the_commands_message(alice_client):
    upload = SimpleUploadedFile("batch.jsonl", b'{"text": "ok"}\n{not json}\n')
    response = alice_client.post(reverse("articles_add"), {"files": [upload]})
    assert response.status_code == 400
    assert "batch.jsonl:2: malformed JSON" in response.content.decode()
    assert not Article.objects.exists()


def test_an_unknown_file_format_is_refused(alice_client):
    upload = SimpleUploadedFile("notes.docx", b"binary")
    response = alice_client.post(reverse("articles_add"), {"files": [upload]})
    assert response.status_code == 400
    assert "unknown format" in response.content.decode()
