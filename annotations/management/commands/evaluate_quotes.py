"""python manage.py evaluate_quotes GOLD.jsonl [--predictions PRED.jsonl]
   python manage.py evaluate_quotes --from-db

Scores the extraction engine against gold quotes: precision, recall and F1 at 30% and 80%
character coverage, speaker-mention and resolved-speaker accuracy, attributed F1, a
breakdown by kind of quote and the confidence calibration. Without --predictions the
engine is run on the gold texts first. With --from-db the gold is the confirmed (and
corrected) quotes of the articles in the database.
"""

import json
import sys
import tempfile

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotations.extraction import DEFAULT_MODEL, load_pipeline
from annotations.extraction.records import predict_file
from annotations.extraction.scoring import format_report, load_jsonl, score, score_line


def gold_from_db() -> dict[str, dict]:
    """Gold records from the database: every article with reviewed quotes, its confirmed
    and corrected quotes as gold."""
    from annotations.models import Article, Quote

    gold: dict[str, dict] = {}
    reviewed = Quote.objects.reviewed().select_related("speaker").order_by("article_id", "start")
    articles = Article.objects.filter(pk__in=reviewed.values("article_id")).only("id", "text")
    for a in articles.iterator():
        gold[str(a.pk)] = {"id": str(a.pk), "text": a.text, "quotes": []}
    for q in reviewed.iterator():
        span = [q.speaker_start, q.speaker_end] if q.speaker_start is not None else None
        gold[str(q.article_id)]["quotes"].append(
            {
                "quote": q.text,
                "quote_span": [q.start, q.end],
                "speaker": q.speaker_text,
                "speaker_span": span,
                "speaker_name": q.speaker.name if q.speaker else q.speaker_name,
            }
        )
    return gold


class Command(BaseCommand):
    help = "Score quote predictions (or the engine itself) against gold quotes."
    requires_system_checks = []  # file mode needs no database; --from-db opens it itself

    def add_arguments(self, parser):
        parser.add_argument("gold", nargs="?", help="gold JSONL (omit with --from-db)")
        parser.add_argument("--predictions", help="prediction JSONL; default: run the engine")
        parser.add_argument(
            "--from-db",
            action="store_true",
            help="use the confirmed quotes of articles in the database as gold",
        )
        parser.add_argument("--thresholds", default="0.3,0.8")
        parser.add_argument("--batch-size", type=int, default=16)
        parser.add_argument("--n-process", type=int, default=1)
        parser.add_argument("--model", default=DEFAULT_MODEL)
        parser.add_argument("--json", help="also write all numbers here as JSON")

    def handle(
        self,
        *args,
        gold,
        predictions,
        from_db,
        thresholds,
        batch_size,
        n_process,
        model,
        json: str | None = None,
        verbosity=1,
        **opts,
    ):
        if bool(gold) == bool(from_db):
            raise CommandError("give either a GOLD.jsonl file or --from-db")
        gold_recs = gold_from_db() if from_db else self.load(gold)
        if not gold_recs:
            raise CommandError("no gold articles")
        if predictions:
            pred = self.load(predictions)
        else:
            pred = self.run_engine(gold_recs, model, batch_size, n_process, verbosity)
        result = score(gold_recs, pred, [float(t) for t in thresholds.split(",") if t.strip()])
        self.stdout.write(format_report(result))
        self.stdout.write(score_line(result))
        if json:
            import json as json_module

            with open(json, "w", encoding="utf-8") as f:
                json_module.dump(result, f, indent=1)

    def load(self, path: str) -> dict[str, dict]:
        try:
            return load_jsonl(path)
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"{path}: {error}") from error

    def run_engine(self, gold_recs, model, batch_size, n_process, verbosity) -> dict[str, dict]:
        """Predict on the gold texts only (ids and texts are written out, quotes are not)."""
        nlp = load_pipeline(model)
        bar = tqdm(
            total=len(gold_recs), unit="article", disable=not sys.stderr.isatty() or verbosity == 0
        )
        with (
            tempfile.NamedTemporaryFile("w+", suffix=".jsonl", encoding="utf-8") as src,
            tempfile.NamedTemporaryFile("w+", suffix=".jsonl", encoding="utf-8") as out,
        ):
            for rec in gold_recs.values():
                src.write(json.dumps({"id": rec["id"], "text": rec.get("text", "")}) + "\n")
            src.flush()
            predict_file(
                nlp, src.name, out, batch_size=batch_size, n_process=n_process, progress=bar.update
            )
            out.flush()
            bar.close()
            return load_jsonl(out.name)
