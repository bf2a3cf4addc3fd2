"""python manage.py train_attribution [--model-dir DIR]

Retrains the speaker chooser from the database's reviewed quotes plus the shipped training
rows and makes the new model current: extraction uses it from then on (every candidate
records its version). The model is written to DIR (default: $NEWSQUOTES_ATTRIBUTION_DIR,
which the extraction workers must share) as <version>.json and current.json. Reports the
old and new model's accuracy on the held-aside reviewed articles, which it never trains
on. Reads quotes, never writes them: editors' decisions are not touched.
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations.extraction import DEFAULT_MODEL, load_pipeline
from annotations.extraction.ranking import MODEL_DIR_ENV

MEASURES = [
    ("resolved speaker", "resolved_acc"),
    ("attributed F1@0.3", "attr_f1"),
    ("speaker mention", "speaker_acc"),
]


class Command(BaseCommand):
    help = "Retrain speaker attribution from reviewed quotes; the new model becomes current."

    def add_arguments(self, parser):
        parser.add_argument("--model-dir", help=f"where models are written (${MODEL_DIR_ENV})")
        parser.add_argument("--model", default=DEFAULT_MODEL, help="spaCy pipeline to load")

    def handle(self, *args, model_dir, model, verbosity=1, **opts):
        from annotations.services.attribution import retrain

        folder = model_dir or os.environ.get(MODEL_DIR_ENV)
        if not folder:
            raise CommandError(
                f"give --model-dir or set {MODEL_DIR_ENV} (the folder extraction reads the "
                "current model from)"
            )
        try:
            nlp = load_pipeline(model)
        except OSError as error:
            raise CommandError(f"cannot load spaCy pipeline {model!r}: {error}") from error
        try:
            result = retrain(nlp, Path(folder))
        except ValueError as error:
            raise CommandError(f"cannot train: {error}") from error
        self.stdout.write(
            f"trained {result.model.version} on {result.trained_quotes} reviewed quotes of "
            f"{result.trained_articles} articles plus the shipped rows -> {result.path}"
        )
        if result.before is None:
            self.stdout.write("no held-aside reviewed articles yet: before/after not measured")
            return
        self.stdout.write(f"held-aside reviewed articles: {result.held_articles}")
        for label, key in MEASURES:
            b = result.before["thresholds"]["0.3"]["metrics"][key]
            a = result.after["thresholds"]["0.3"]["metrics"][key]
            self.stdout.write(f"   {label:18s} before {b:6.2f}  after {a:6.2f}  ({a - b:+.2f})")
