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
    return services.extract_articles(articles_or_ids=article_ids).as_dict()
