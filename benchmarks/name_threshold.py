"""Choose the first-name statistics' ambiguity band on the ggt_dev tuning part only.

    .venv/bin/python benchmarks/name_threshold.py

Extracts the quotes of the ggt_dev articles that are not held aside once, then, for each
candidate band b, infers the speaker profiles with p(female) <= b read as male and
>= 1 - b as female (annotations.extraction.first_names.NAME_AMBIGUOUS) and prints
../shared/eval/score_sources.py's last line on that part. The held-aside part is never
read. Skips cleanly when ../shared is missing.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotations.extraction import extract, first_names, load_pipeline, profiles  # noqa: E402
from annotations.extraction.records import prediction_record  # noqa: E402
from annotations.extraction.splits import is_held_aside  # noqa: E402

SHARED = ROOT.parent / "shared"
ARTICLES = SHARED / "data" / "ggt_dev.jsonl"
GOLD = SHARED / "data" / "ggt_dev_sources.jsonl"
SCORER = SHARED / "eval" / "score_sources.py"
BANDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45)


def tuned(path: Path) -> list[dict]:
    records = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    return [r for r in records if not is_held_aside(r["id"], "ggt_dev")]


def main():
    if not (ARTICLES.exists() and GOLD.exists() and SCORER.exists()):
        print(f"skipped: {ARTICLES}, {GOLD} or {SCORER} is missing")
        return
    nlp = load_pipeline()
    parsed = []
    for article in tuned(ARTICLES):
        doc = nlp(article["text"])
        parsed.append((article["id"], doc, extract(doc)))
    default = first_names.NAME_AMBIGUOUS
    with tempfile.TemporaryDirectory() as folder:
        gold = Path(folder) / "gold.jsonl"
        gold.write_text("".join(json.dumps(r) + "\n" for r in tuned(GOLD)), encoding="utf-8")
        for band in BANDS:
            first_names.NAME_AMBIGUOUS = band
            pred = Path(folder) / f"pred-{band}.jsonl"
            with pred.open("w", encoding="utf-8") as out:
                for article_id, doc, candidates in parsed:
                    record = prediction_record(article_id, profiles.with_profiles(doc, candidates))
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
            result = subprocess.run(
                [sys.executable, str(SCORER), str(gold), str(pred)],
                capture_output=True,
                text=True,
                check=True,
            )
            print(f"band {band:.2f}: {result.stdout.splitlines()[-1]}")
    first_names.NAME_AMBIGUOUS = default


if __name__ == "__main__":
    main()
