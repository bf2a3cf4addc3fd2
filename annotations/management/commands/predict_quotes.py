"""python manage.py predict_quotes INPUT.jsonl -o PRED.jsonl [--batch-size N] [--n-process N]

Runs the extraction engine over article records and writes one prediction record per
article. Needs no database and never reads the input's gold quotes.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotations.extraction import DEFAULT_MODEL, EXTRACTOR_VERSION, load_pipeline
from annotations.extraction.records import predict_file


class Command(BaseCommand):
    help = "Extract quote candidates from article records (JSONL) into prediction records."
    requires_system_checks = []  # no database, no app state needed

    def add_arguments(self, parser):
        parser.add_argument("input", help="article records, one JSON object per line (id, text)")
        parser.add_argument("-o", "--output", required=True, help="prediction JSONL to write")
        parser.add_argument("--batch-size", type=int, default=16)
        parser.add_argument("--n-process", type=int, default=1)
        parser.add_argument("--model", default=DEFAULT_MODEL, help="spaCy pipeline to load")

    def handle(self, *args, input, output, batch_size, n_process, model, verbosity=1, **opts):
        try:
            nlp = load_pipeline(model)
        except OSError as error:
            raise CommandError(f"cannot load spaCy pipeline {model!r}: {error}") from error
        bar = tqdm(unit="article", disable=not sys.stderr.isatty() or verbosity == 0)
        try:
            with open(output, "w", encoding="utf-8") as out:
                n = predict_file(
                    nlp, input, out, batch_size=batch_size, n_process=n_process, progress=bar.update
                )
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        finally:
            bar.close()
        if verbosity:
            self.stdout.write(f"{n} articles -> {output} (extractor {EXTRACTOR_VERSION})")
