"""extract_quotes: which articles, what it says, and wrong arguments."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from annotations.models import Article
from tests.factories import make_article
from tests.jobs.conftest import said

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("extract_quotes", *args, stdout=out, verbosity=0)
    return out.getvalue()


def test_the_summary_says_how_many_articles_and_candidates(fake_engine):
    make_article(text=said("One", "Ann Bell") + "\n" + said("Two", "Ann Bell"))

    output = run("--pending")

    assert "extracted 1 article(s) with fake-1" in output
    assert "2 new candidate(s), 0 updated, 0 unchanged, 0 removed" in output


def test_since_takes_only_articles_imported_on_or_after_the_date(fake_engine):
    old = make_article(imported_at=timezone.now() - timedelta(days=10))
    new = make_article()

    run("--since", (timezone.now() - timedelta(days=1)).date().isoformat())

    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.extraction_state, new.extraction_state) == ("not_started", "done")


def test_an_unknown_article_id_is_refused_and_nothing_is_extracted(fake_engine):
    article = make_article()

    with pytest.raises(CommandError, match="No article with id 999999"):
        run("--article", str(article.pk), "999999")

    article.refresh_from_db()
    assert article.extraction_state == "not_started"


def test_a_malformed_date_is_refused_with_the_format_expected(fake_engine):
    with pytest.raises(CommandError, match="YYYY-MM-DD, not '25/11/2026'"):
        run("--since", "25/11/2026")


def test_no_selection_asks_which_articles(fake_engine):
    with pytest.raises(CommandError, match="--all, --pending, --article ID... or --since"):
        run()


def test_a_failed_article_makes_the_command_fail_with_a_hint(fake_engine):
    make_article(text="EXPLODE")

    with pytest.raises(CommandError, match="1 article\\(s\\) failed.*--pending"):
        run("--pending")


def test_queue_hands_the_articles_to_the_workers(fake_engine, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    article = make_article()

    with django_capture_on_commit_callbacks(execute=True):
        output = run("--all", "--queue")

    assert "queued 1 article(s)" in output
    assert Article.objects.get().extraction_state == "queued"
    assert DBTaskResult.objects.get().args_kwargs["kwargs"] == {"article_ids": [article.pk]}


def test_importing_articles_gets_them_extracted_by_the_task_backend(
    fake_engine, settings, tmp_path, django_capture_on_commit_callbacks
):
    # The immediate backend runs each task as it is enqueued: the demo's set-up.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    (tmp_path / "one.jsonl").write_text(
        '{"id": "a1", "text": "\\"We sail at noon,\\" said Ann Bell."}\n'
    )

    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_articles", str(tmp_path / "one.jsonl"), verbosity=0)

    article = Article.objects.get(external_id="a1")
    assert article.extraction_summary == "done: 1 candidate"
    assert article.quotes.get().speaker.name == "Ann Bell"
