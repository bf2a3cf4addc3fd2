"""Background jobs, run by whichever django.tasks backend settings.TASKS names."""

from django.tasks import task


@task
def extract_articles(*, article_ids: list[int]) -> dict:
    """Run the extraction engine over these articles and store their candidates.

    Articles already done, or held by another live worker, are skipped; the pipeline is
    loaded once per worker process. Each run first queues again the articles of workers
    that died mid-batch (django-tasks-db never retries their tasks).
    """
    from . import services

    services.requeue_stale_extractions()
    # All claimed at once: should this worker die, every article of the task goes stale
    # and is queued again, not only the batch it was on.
    articles = services.claim_articles(ids=article_ids)
    stats = services.extract_articles(articles_or_ids=articles, claimed=True)
    stats.not_claimed += len(article_ids) - len(articles)
    return stats.as_dict()
