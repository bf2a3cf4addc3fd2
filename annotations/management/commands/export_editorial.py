"""python manage.py export_editorial OUT.jsonl (or - for standard output)"""

import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations import backup


class Command(BaseCommand):
    help = (
        "Write everything the editors did (articles, speakers, aliases, quotes with their "
        "statuses, merges, history, accounts) to one JSON Lines file that import_editorial "
        "restores exactly. The file holds password hashes: keep it as safe as the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="file to write, or - for standard output")

    def handle(self, output, verbosity=1, **options):
        if output == "-":
            # The raw stream: OutputWrapper would add a newline after every write.
            backup.export(sys.stdout)
            return
        counts = self._export_to_file(Path(output))
        if verbosity:
            summary = ", ".join(f"{n} {label}" for label, n in counts.items() if n)
            self.stderr.write(f"exported {sum(counts.values())} objects to {output}: {summary}")

    @staticmethod
    def _export_to_file(path: Path):
        # Written beside the target and renamed at the end, so a failed or interrupted
        # export never leaves a half file under the name of a good backup.
        try:
            descriptor, partial = tempfile.mkstemp(
                dir=path.parent or ".", prefix=f".{path.name}.", suffix=".partial"
            )
        except OSError as error:
            raise CommandError(f"cannot write in {path.parent}: {error.strerror}") from None
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as stream:
                counts = backup.export(stream)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(partial, path)
        except OSError as error:
            Path(partial).unlink(missing_ok=True)
            raise CommandError(f"cannot write {path}: {error.strerror}") from None
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        return counts
