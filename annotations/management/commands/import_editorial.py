"""python manage.py import_editorial IN.jsonl (or - for standard input)"""

import sys

from django.core.management.base import BaseCommand, CommandError

from annotations import backup


class Command(BaseCommand):
    help = (
        "Restore a file written by export_editorial into a freshly migrated database, in one "
        "transaction: all of it or, on any problem, nothing. Primary keys are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", help="backup file, or - for standard input")

    def handle(self, input, verbosity=1, **options):
        try:
            if input == "-":
                result = backup.restore(sys.stdin.buffer)
            else:
                with open(input, "rb") as stream:
                    result = backup.restore(stream)
        except OSError as error:
            raise CommandError(f"cannot read {input}: {error.strerror}") from None
        except backup.BackupError as error:
            raise CommandError(f"{input}: {error}; nothing was restored") from None
        if verbosity:
            summary = ", ".join(f"{n} {label}" for label, n in sorted(result.created.items()))
            self.stdout.write(f"restored {sum(result.created.values())} objects: {summary}")
            if result.kept_accounts:
                self.stdout.write(
                    f"kept {len(result.kept_accounts)} account(s) and group(s) already here "
                    "unchanged: " + ", ".join(result.kept_accounts)
                )
