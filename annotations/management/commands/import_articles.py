"""python manage.py import_articles PATH... [--dry-run]"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from tqdm import tqdm

from annotations import importers, services


class Command(BaseCommand):
    help = (
        "Import articles from .txt (seed format), .jsonl, .csv or .html files; folders are "
        "walked. Each file goes in whole or not at all; already imported articles are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="files or folders to import")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate everything, write nothing"
        )
        parser.add_argument(
            "--no-extract", action="store_true", help="do not queue extraction of new articles"
        )

    def handle(self, *args, paths, dry_run=False, no_extract=False, verbosity=1, **options):
        files = list(importers.find_files(paths))
        if not files:
            raise CommandError("No importable files found in: " + ", ".join(paths))
        imported, skipped, failed = [], 0, 0
        progress = tqdm(
            files, unit="file", disable=not sys.stderr.isatty() or verbosity == 0, leave=False
        )
        for path in progress:
            try:
                result = services.import_records(
                    source=str(path), records=importers.read_path(path), dry_run=dry_run
                )
            except importers.ImportFileError as error:
                failed += 1
                progress.clear()
                self.stderr.write(self.style.ERROR(f"error: {error}"))
                continue
            except DatabaseError as error:
                # Read-only, full, or gone: the file's transaction was rolled back whole.
                failed += 1
                progress.clear()
                reason = str(error).strip().splitlines()[0] if str(error).strip() else "no reason"
                self.stderr.write(
                    self.style.ERROR(
                        f"error: {path}: the database refused to store it ({reason}); "
                        "nothing from this file was stored"
                    )
                )
                continue
            imported += result.imported
            skipped += len(result.skipped)
            if verbosity > 1:
                for record, existing in result.skipped:
                    self.stdout.write(
                        f"{path}: skipped, already imported as article {existing.pk}"
                        + (f" ({record.url})" if record.url else "")
                    )
        if imported and not dry_run and not no_extract:
            services.queue_extraction(articles=imported)
        verb = "would import" if dry_run else "imported"
        self.stdout.write(
            f"{verb} {len(imported)}, skipped {skipped} already imported, "
            f"failed {failed} file{'s' if failed != 1 else ''}"
        )
        if failed:
            raise CommandError(f"{failed} file(s) could not be imported; see the errors above")
