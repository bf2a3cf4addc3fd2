"""Storing the engine's candidates: idempotent, and never over people's decisions."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from annotations import services
from annotations.extraction import QuoteCandidate
from annotations.models import Article, Quote
from annotations.services import extraction as extraction_services
from tests.factories import make_article
from tests.jobs.conftest import said

pytestmark = pytest.mark.django_db

TWO_QUOTES = "\n".join(
    [
        said("The pier will reopen in May", "Ana Lopez"),
        "The council met on Tuesday.",
        said("We cannot pay for it", "Tom Reed"),
    ]
)


def extract(*articles):
    return services.extract_articles(articles_or_ids=articles)


def snapshot(article):
    return list(Quote.objects.filter(article=article).order_by("pk").values())


def test_extraction_stores_candidates_and_marks_the_article_done(fake_engine):
    article = make_article(text=TWO_QUOTES)

    extract(article)

    article.refresh_from_db()
    quotes = list(article.quotes.order_by("start"))
    assert [q.text for q in quotes] == ['"The pier will reopen in May,"', '"We cannot pay for it,"']
    assert [q.speaker.name for q in quotes] == ["Ana Lopez", "Tom Reed"]
    assert {(q.status, q.origin, q.extractor_version) for q in quotes} == {
        ("candidate", "model", "fake-1")
    }
    assert all(q.fingerprint for q in quotes)
    assert article.extraction_state == Article.Extraction.DONE
    assert article.extracted_with == "fake-1"
    assert article.extraction_summary == "done: 2 candidates"


def test_running_the_same_extraction_twice_changes_nothing(fake_engine):
    article = make_article(text=TWO_QUOTES)
    extract(article)
    before = snapshot(article)

    stats = extract(article.pk)  # not claimed: it is done
    forced = services.extract_articles(articles_or_ids=[article.pk], force=True)

    assert stats.not_claimed == 1
    assert (forced.created, forced.updated, forced.removed, forced.unchanged) == (0, 0, 0, 2)
    assert snapshot(article) == before


def test_the_database_refuses_the_same_candidate_twice(fake_engine):
    article = make_article(text=TWO_QUOTES)
    extract(article)
    copy = Quote.objects.filter(article=article).first()
    copy.pk = None

    with pytest.raises(IntegrityError):
        Quote.objects.bulk_create([copy])


def test_reextraction_never_changes_a_confirmed_quote(fake_engine, alice):
    article = make_article(text=TWO_QUOTES)
    extract(article)
    quote = article.quotes.order_by("start").first()
    services.quote_confirm(quote=quote, editor=alice, version=quote.version)
    before = Quote.objects.filter(pk=quote.pk).values().get()

    fake_engine.EXTRACTOR_VERSION = "fake-2"
    services.extract_articles(articles_or_ids=[article.pk], force=True)

    assert Quote.objects.filter(pk=quote.pk).values().get() == before
    assert article.quotes.count() == 2


def test_no_candidate_is_added_over_a_corrected_quote(fake_engine, alice):
    article = make_article(text=TWO_QUOTES)
    extract(article)
    quote = article.quotes.order_by("start").first()
    inner = article.text.index("The pier")
    services.quote_set_span(
        quote=quote, editor=alice, version=quote.version, start=inner, end=inner + 8
    )

    fake_engine.EXTRACTOR_VERSION = "fake-2"
    stats = services.extract_articles(articles_or_ids=[article.pk], force=True)

    quote.refresh_from_db()
    assert (quote.status, quote.text) == ("corrected", "The pier")
    assert stats.skipped_reviewed == 1
    assert article.quotes.filter(start__lt=quote.end, end__gt=quote.start).count() == 1


def test_a_rejected_candidate_does_not_come_back(fake_engine, alice):
    article = make_article(text=TWO_QUOTES)
    extract(article)
    quote = article.quotes.order_by("start").first()
    services.quote_reject(quote=quote, editor=alice, version=quote.version)

    fake_engine.EXTRACTOR_VERSION = "fake-2"
    services.extract_articles(articles_or_ids=[article.pk], force=True)

    at_span = article.quotes.filter(start=quote.start, end=quote.end)
    assert list(at_span.values_list("pk", "status")) == [(quote.pk, "rejected")]


def test_untouched_candidates_of_an_older_version_are_replaced(fake_engine, monkeypatch):
    article = make_article(text=TWO_QUOTES)
    extract(article)
    first, second = article.quotes.order_by("start")
    # Version 2 still finds the first quote (now with another confidence) but not the second.
    old = fake_engine.candidates_in(article.text)[0]
    new = QuoteCandidate(**{**old.__dict__, "confidence": 0.4, "version": "fake-2"})
    monkeypatch.setattr(fake_engine, "EXTRACTOR_VERSION", "fake-2")
    monkeypatch.setattr(
        fake_engine, "extract_texts", lambda nlp, texts, **kw: [[new] for _ in texts]
    )

    stats = services.extract_articles(articles_or_ids=[article.pk], force=True)

    assert (stats.updated, stats.removed, stats.created) == (1, 1, 0)
    first.refresh_from_db()
    assert (first.extractor_version, first.confidence) == ("fake-2", 0.4)
    assert not Quote.objects.filter(pk=second.pk).exists()
    article.refresh_from_db()
    assert article.extraction_summary == "done: 1 candidate"


def test_a_candidate_an_editor_edited_is_not_replaced(fake_engine, monkeypatch, alice):
    article = make_article(text=TWO_QUOTES)
    extract(article)
    quote = article.quotes.order_by("start").first()
    # An edit that leaves it a candidate (here: the speaker by hand) still protects it.
    Quote.objects.filter(pk=quote.pk).update(updated_by=alice, speaker=None)
    monkeypatch.setattr(fake_engine, "EXTRACTOR_VERSION", "fake-2")
    monkeypatch.setattr(fake_engine, "extract_texts", lambda nlp, texts, **kw: [[] for _ in texts])

    services.extract_articles(articles_or_ids=[article.pk], force=True)

    assert list(article.quotes.values_list("pk", flat=True)) == [quote.pk]


def test_an_article_the_engine_cannot_read_fails_with_the_error_and_the_rest_go_on(fake_engine):
    good = make_article(text=TWO_QUOTES)
    bad = make_article(text="EXPLODE\n" + said("Hello there", "Ann Bell"))

    stats = extract(good, bad)

    good.refresh_from_db()
    bad.refresh_from_db()
    assert (stats.articles, stats.failed) == (1, 1)
    assert good.extraction_state == Article.Extraction.DONE
    assert (
        bad.extraction_summary == "failed: RuntimeError: the fake engine cannot read this article"
    )


def test_a_failed_article_is_retried_by_extract_quotes_pending(fake_engine, monkeypatch):
    article = make_article(text="EXPLODE\n" + said("Hello there", "Ann Bell"))
    extract(article)
    monkeypatch.setattr(
        fake_engine, "extract_texts", lambda nlp, texts, **kw: map(fake_engine.candidates_in, texts)
    )

    call_command("extract_quotes", "--pending", verbosity=0)

    article.refresh_from_db()
    assert article.extraction_summary == "done: 1 candidate"
    assert article.extraction_attempts == 2


def test_extract_quotes_pending_takes_over_an_article_whose_worker_died(fake_engine, settings):
    article = make_article(text=TWO_QUOTES)
    services.claim_articles(ids=[article.pk])  # a worker took it, then was killed
    settings.EXTRACTION_STALE_AFTER = timedelta(0)

    call_command("extract_quotes", "--pending", verbosity=0)

    article.refresh_from_db()
    assert article.extraction_state == Article.Extraction.DONE
    assert article.quotes.count() == 2


def test_extract_quotes_pending_leaves_an_article_a_live_worker_holds(fake_engine):
    article = make_article(text=TWO_QUOTES)
    services.claim_articles(ids=[article.pk])

    call_command("extract_quotes", "--pending", verbosity=0)

    article.refresh_from_db()
    assert article.extraction_state == Article.Extraction.RUNNING
    assert article.quotes.count() == 0


def test_queue_extraction_marks_articles_queued_and_enqueues_a_task_per_batch(
    fake_engine, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.EXTRACTION_BATCH_SIZE = 2
    articles = [make_article() for _ in range(5)]

    with django_capture_on_commit_callbacks(execute=True):
        services.queue_extraction(articles=articles)

    tasks = DBTaskResult.objects.order_by("enqueued_at")
    assert [t.args_kwargs["kwargs"]["article_ids"] for t in tasks] == [
        [a.pk for a in articles[0:2]],
        [a.pk for a in articles[2:4]],
        [articles[4].pk],
    ]
    assert set(Article.objects.values_list("extraction_state", flat=True)) == {"queued"}


def _queries_to_store(n_quotes: int) -> int:
    articles = [
        make_article(
            text="\n".join(
                said(f"Point {i} of {k}", f"Speaker{k} Person{i}") for i in range(n_quotes)
            )
        )
        for k in range(3)
    ]
    with CaptureQueriesContext(connection) as queries:
        extract(*articles)
    assert Quote.objects.filter(article__in=articles).count() == 3 * n_quotes
    return len(queries)


def test_storing_a_batch_takes_the_same_number_of_queries_for_2_or_20_quotes(fake_engine):
    assert _queries_to_store(2) == _queries_to_store(20)


def test_extraction_summary_says_the_state_in_words():
    article = Article(extraction_state=Article.Extraction.QUEUED)

    assert article.extraction_summary == "queued"
    assert Article(extraction_state="not_started").extraction_summary == "not yet"
    assert Article(extraction_state="failed", extraction_error="boom").extraction_summary == (
        "failed: boom"
    )


def test_several_processes_store_the_same_as_one(fake_engine):
    articles = [make_article(text=TWO_QUOTES + f"\n(Copy {i}.)") for i in range(5)]

    stats = services.extract_articles(articles_or_ids=articles, n_process=2, batch_size=2)

    assert (stats.articles, stats.created) == (5, 10)
    assert set(Article.objects.values_list("extraction_candidates", flat=True)) == {2}


def test_with_several_processes_an_unreadable_article_fails_alone(fake_engine):
    good = [make_article(text=TWO_QUOTES + f"\n(Copy {i}.)") for i in range(3)]
    bad = make_article(text="EXPLODE\n" + said("Hello there", "Ann Bell"))

    stats = services.extract_articles(articles_or_ids=[*good, bad], n_process=2, batch_size=2)

    assert (stats.articles, stats.failed) == (3, 1)
    states = dict(Article.objects.values_list("pk", "extraction_state"))
    assert [states[a.pk] for a in good] == ["done"] * 3
    assert states[bad.pk] == "failed"


def test_an_article_that_outlived_three_workers_is_failed_not_requeued(fake_engine, settings):
    article = make_article(text=TWO_QUOTES)
    Article.objects.filter(pk=article.pk).update(extraction_state="running", extraction_attempts=3)
    settings.EXTRACTION_STALE_AFTER = timedelta(0)

    services.requeue_stale_extractions()

    article.refresh_from_db()
    assert article.extraction_state == "failed"
    assert "a worker stopped while extracting this article 3 times" in article.extraction_error


def test_the_next_task_queues_again_the_articles_of_a_dead_worker(
    fake_engine, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from annotations.tasks import extract_batch

    orphan, fresh = make_article(text=TWO_QUOTES), make_article()
    services.claim_articles(ids=[orphan.pk])  # its worker was killed
    settings.EXTRACTION_STALE_AFTER = timedelta(0)

    with django_capture_on_commit_callbacks(execute=True):
        extract_batch.call(article_ids=[fresh.pk])

    orphan.refresh_from_db()
    assert orphan.extraction_state == "queued"
    assert DBTaskResult.objects.get().args_kwargs["kwargs"] == {"article_ids": [orphan.pk]}


def test_the_task_of_a_dead_worker_is_failed_with_an_exception_class_that_exists(
    fake_engine, settings, django_capture_on_commit_callbacks
):
    from django.tasks import TaskResultStatus
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from annotations.tasks import extract_batch

    article = make_article(text=TWO_QUOTES)
    task = extract_batch.enqueue(article_ids=[article.pk])
    services.claim_articles(ids=[article.pk])  # a worker took it, then was killed
    DBTaskResult.objects.filter(pk=task.id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(hours=1)
    )
    settings.EXTRACTION_STALE_AFTER = timedelta(0)

    with django_capture_on_commit_callbacks(execute=False):
        services.requeue_stale_extractions()

    lost = extract_batch.get_result(task.id)
    assert lost.status == TaskResultStatus.FAILED
    # The task list resolves the recorded path to a class: it must name one.
    assert lost.errors[0].exception_class is services.WorkerLost


@pytest.mark.django_db(transaction=True)
def test_an_editor_adding_a_quote_waits_for_the_candidates_being_stored(
    fake_engine, monkeypatch, alice
):
    # Storing reads the article's quotes, then writes candidates: a quote added in between
    # could be overlapped by a candidate, or collide with one and fail the whole batch.
    # The article's FOR UPDATE lock keeps it out: inserting a quote takes FOR KEY SHARE on
    # its article (the foreign-key check), which waits for it.
    article = make_article(text=TWO_QUOTES)
    span = (1, 1 + len("The pier will reopen in May,"))
    added = threading.Event()
    real_match_speakers = extraction_services.match_speakers

    def add_while_storing(**kwargs):
        def add():
            try:
                services.quote_add(
                    article=article, editor=alice, start=span[0], end=span[1], speaker=None
                )
                added.set()
            finally:
                connection.close()

        threading.Thread(target=add).start()
        added_meanwhile = added.wait(timeout=1)
        assert not added_meanwhile, "the editor's quote went in while candidates were stored"
        return real_match_speakers(**kwargs)

    monkeypatch.setattr(extraction_services, "match_speakers", add_while_storing)

    extract(article)

    assert added.wait(timeout=10)
    article.refresh_from_db()
    assert article.extraction_state == Article.Extraction.DONE
    assert article.quotes.filter(origin=Quote.Origin.HUMAN, start=span[0]).count() == 1
