"""Background jobs, run by whichever django.tasks backend settings.TASKS names."""

from django.tasks import task


@task
def extract_articles(*, article_ids: list[int]) -> None:
    """Run the extraction engine over these articles and store their candidates."""
    # Filled in by the extraction-jobs work (issue 4).
