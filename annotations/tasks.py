"""Background jobs, run by whichever django.tasks backend settings.TASKS names.

Tasks call services and hold no logic of their own; services enqueue them, importing
each at module level under a ``_task`` name (``extract_batch_task``). So that importing
this module does not import the services (which import it), each task imports the
services it calls when it runs (the HackSoft styleguide's rule for tasks).
"""

from django.tasks import task


@task
def extract_batch(*, article_ids: list[int]) -> dict:
    """Extract one queued batch of articles (services.extract_queued_batch)."""
    from . import services

    return services.extract_queued_batch(article_ids=article_ids).as_dict()
