"""python manage.py evaluate_quotes GOLD.jsonl [--predictions PRED.jsonl]
   python manage.py evaluate_quotes --from-db

Scores the extraction engine against gold quotes: precision, recall and F1 at 30% and 80%
character coverage, speaker-mention and resolved-speaker accuracy, attributed F1, a
breakdown by kind of quote and the confidence calibration. Without --predictions the
engine is run on the gold texts first. With --from-db the gold is the confirmed (and
corrected) quotes of the articles in the database.

A data set with a fixed held-aside part (`annotations/extraction/splits.py`: ggt_dev,
polnear_train, told by the file name) is reported in two parts, the development part the
engine may be tuned and trained on and the held-aside part it never is, with the gap
between them; one `SCORE part=...` line per part, the last line is the whole set. With
--from-db the parts are the reviewed articles the attribution model was trained on and the
ones it was not (`services.attribution.split_reviewed`, the split train_attribution uses),
scored with the current attribution model or the one --attribution-model names, so the
same command measures a model before and after a retraining.
"""

import json
import sys
import tempfile

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotations.extraction import DEFAULT_MODEL, load_pipeline
from annotations.extraction.records import predict_file
from annotations.extraction.scoring import format_report, load_jsonl, score, score_line
from annotations.extraction.splits import HELD_ASIDE_EVERY, dataset_of, is_held_aside
from annotations.services.attribution import REVIEWED

# what the gap table shows: (label, metric key, threshold)
GAP_MEASURES = [
    ("quote F1@0.3", "f1", "0.3"),
    ("quote recall@0.3", "recall", "0.3"),
    ("speaker mention", "speaker_acc", "0.3"),
    ("resolved speaker", "resolved_acc", "0.3"),
    ("attributed F1@0.3", "attr_f1", "0.3"),
]


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
        parser.add_argument(
            "--attribution-model",
            help="speaker chooser JSON to use (default: the current one)",
        )

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
        attribution_model: str | None = None,
        verbosity=1,
        **opts,
    ):
        if bool(gold) == bool(from_db):
            raise CommandError("give either a GOLD.jsonl file or --from-db")
        if from_db:
            from annotations.services.attribution import reviewed_gold

            gold_recs = reviewed_gold()
        else:
            gold_recs = self.load(gold)
        if not gold_recs:
            raise CommandError("no gold articles")
        if predictions:
            pred = self.load(predictions)
        else:
            chooser = self.chooser(attribution_model)
            pred = self.run_engine(gold_recs, model, batch_size, n_process, verbosity, chooser)
        cuts = [float(t) for t in thresholds.split(",") if t.strip()]
        parts = self.parts(gold_recs, REVIEWED if from_db else dataset_of(gold))
        results = {}
        for label, ids in parts.items():
            results[label] = score({i: gold_recs[i] for i in ids}, pred, cuts)
            self.stdout.write(f"\n######## {label} part: {len(ids)} articles")
            self.stdout.write(format_report(results[label]))
        if parts:
            self.stdout.write(gap_table(results))
            for label, part_result in results.items():
                self.stdout.write(score_line(part_result).replace("SCORE", f"SCORE part={label}"))
        result = score(gold_recs, pred, cuts)
        if parts:
            result["parts"] = results
        else:
            self.stdout.write(format_report(result))
        self.stdout.write(score_line(result))
        if json:
            import json as json_module

            with open(json, "w", encoding="utf-8") as f:
                json_module.dump(result, f, indent=1)

    def parts(self, gold_recs: dict[str, dict], dataset: str | None) -> dict[str, list[str]]:
        """The development and held-aside article ids, or {} when the set has no split."""
        if dataset != REVIEWED and dataset not in HELD_ASIDE_EVERY:
            return {}
        held = sorted(i for i in gold_recs if is_held_aside(i, dataset))
        dev = sorted(i for i in gold_recs if not is_held_aside(i, dataset))
        return {"dev": dev, "held_aside": held}

    def chooser(self, path: str | None):
        from annotations.extraction.ranking import active_model, read_model

        if not path:
            return active_model()
        try:
            return read_model(path)
        except (OSError, ValueError) as error:
            raise CommandError(f"{path}: {error}") from error

    def load(self, path: str) -> dict[str, dict]:
        try:
            return load_jsonl(path)
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"{path}: {error}") from error

    def run_engine(
        self, gold_recs, model, batch_size, n_process, verbosity, chooser
    ) -> dict[str, dict]:
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
                nlp,
                src.name,
                out,
                batch_size=batch_size,
                n_process=n_process,
                progress=bar.update,
                attribution_model=chooser,
            )
            out.flush()
            bar.close()
            return load_jsonl(out.name)


def gap_table(results: dict[str, dict]) -> str:
    """The measures of each part side by side, and held-aside minus dev."""
    labels = list(results)
    lines = ["\n" + f"{'measure':20s}" + "".join(f"{x:>12s}" for x in labels) + f"{'gap':>9s}"]
    for name, key, t in GAP_MEASURES:
        values = [results[x]["thresholds"].get(t, {}).get("metrics", {}).get(key) for x in labels]
        if any(v is None for v in values):
            continue
        cells = "".join(f"{v:12.2f}" for v in values)
        lines.append(f"{name:20s}{cells}{values[-1] - values[0]:+9.2f}")
    return "\n".join(lines)
