"""python manage.py extract_quotes [--all | --pending | --article ID... | --since DATE]"""

import sys
import time
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotations import services
from annotations.models import Article


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since needs a date as YYYY-MM-DD, not '{value}'") from None


class Command(BaseCommand):
    help = (
        "Run the quote extraction engine over articles and store the candidates. Quotes a "
        "person confirmed, corrected or rejected are never changed; running twice changes "
        "nothing. With --queue, hand the articles to db_worker processes instead."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--all", action="store_true", help="every article, even done ones")
        which.add_argument(
            "--pending",
            action="store_true",
            help="articles not extracted yet, failed, queued, or held by a dead worker",
        )
        which.add_argument(
            "--article", type=int, nargs="+", metavar="ID", help="these articles (again)"
        )
        parser.add_argument(
            "--since",
            metavar="DATE",
            help="only articles imported on or after DATE (YYYY-MM-DD); alone: all of those",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=settings.EXTRACTION_BATCH_SIZE,
            help="articles per batch and per transaction (default %(default)s)",
        )
        parser.add_argument(
            "--n-process", type=int, default=1, help="spaCy processes (default %(default)s)"
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="enqueue the articles for background workers instead of extracting here",
        )
        parser.add_argument(
            "--requeue-stale",
            action="store_true",
            help="only queue again the articles whose worker died (for cron), then exit",
        )

    def handle(self, *args, **options):
        if options["batch_size"] < 1 or options["n_process"] < 1:
            raise CommandError("--batch-size and --n-process must be at least 1")
        if options["requeue_stale"]:
            n = services.requeue_stale_extractions()
            self.stdout.write(f"requeued {n} article(s) whose worker had stopped")
            return
        articles, force = self.selection(options)
        ids = list(articles.order_by("pk").values_list("pk", flat=True))
        if not ids:
            self.stdout.write("No articles to extract.")
            return
        if options["queue"]:
            services.queue_extraction(articles=ids)
            self.stdout.write(f"queued {len(ids)} article(s) for the background workers")
            return

        started = time.monotonic()
        engine = services.extraction_engine()
        nlp = services.extraction_pipeline()
        loaded = time.monotonic()
        progress = tqdm(
            total=len(ids),
            unit="article",
            disable=not sys.stderr.isatty() or options["verbosity"] == 0,
            dynamic_ncols=True,
        )
        with progress:
            stats = services.extract_articles(
                articles_or_ids=ids,
                nlp=nlp,
                batch_size=options["batch_size"],
                n_process=options["n_process"],
                force=force,
                on_batch=progress.update,
            )
        elapsed = time.monotonic() - loaded
        rate = stats.articles / elapsed if elapsed else 0.0
        self.stdout.write(
            f"extracted {stats.articles} article(s) with {engine.EXTRACTOR_VERSION} in "
            f"{elapsed:.1f}s ({rate:.1f} articles/s; model loaded in {loaded - started:.1f}s): "
            f"{stats.created} new candidate(s), {stats.updated} updated, {stats.unchanged} "
            f"unchanged, {stats.removed} removed, {stats.skipped_reviewed} skipped as "
            f"overlapping reviewed quotes"
        )
        if stats.not_claimed:
            self.stdout.write(
                f"{stats.not_claimed} article(s) skipped: already done or being extracted by "
                "a worker (use --article ID or --all to extract again)"
            )
        if stats.invalid:
            self.stderr.write(f"{stats.invalid} candidate(s) had invalid offsets and were dropped")
        if stats.failed:
            raise CommandError(
                f"{stats.failed} article(s) failed; see their errors in the admin, and retry "
                "with --pending"
            )

    def selection(self, options):
        """The articles to extract, and whether done ones are extracted again."""
        articles = Article.objects.all()
        if options["since"]:
            articles = articles.filter(imported_at__date__gte=_date(options["since"]))
        if options["article"]:
            missing = set(options["article"]) - set(
                Article.objects.filter(pk__in=options["article"]).values_list("pk", flat=True)
            )
            if missing:
                raise CommandError(
                    "No article with id " + ", ".join(str(pk) for pk in sorted(missing))
                )
            return articles.filter(pk__in=options["article"]), True
        if options["pending"]:
            claimable = Article.objects.extraction_claimable()
            return claimable.filter(pk__in=articles.values("pk")), False
        if options["all"] or options["since"]:
            return articles, True
        raise CommandError("Say which articles: --all, --pending, --article ID... or --since DATE")
