"""Who is quoted, by gender: score_sources.py on the tuned part, the held-aside part and all.

    .venv/bin/python manage.py predict_quotes ../shared/data/ggt_dev.jsonl -o /tmp/pred.jsonl
    .venv/bin/python benchmarks/voices_sources.py /tmp/pred.jsonl [--errors]

Splits gold and predictions with annotations.extraction.splits.is_held_aside (ggt_dev),
writes each part to a temporary folder and runs ../shared/eval/score_sources.py on it.
Skips cleanly when ../shared is missing.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotations.extraction.splits import is_held_aside  # noqa: E402

SHARED = ROOT.parent / "shared"
GOLD = SHARED / "data" / "ggt_dev_sources.jsonl"
SCORER = SHARED / "eval" / "score_sources.py"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("predictions")
    parser.add_argument("--errors", action="store_true", help="print the tuned part's errors")
    args = parser.parse_args()
    if not GOLD.exists() or not SCORER.exists():
        print(f"skipped: {GOLD} or {SCORER} is missing")
        return
    parts = {"dev (tuned)": False, "held-aside": True, "all ggt_dev": None}
    with tempfile.TemporaryDirectory() as folder:
        for label, held in parts.items():
            files = {}
            for kind, path in (("gold", GOLD), ("pred", Path(args.predictions))):
                out = Path(folder) / f"{kind}-{held}.jsonl"
                with open(path, encoding="utf-8") as src, open(out, "w", encoding="utf-8") as dst:
                    for line in src:
                        if line.strip():
                            record = json.loads(line)
                            if held is None or is_held_aside(record["id"], "ggt_dev") == held:
                                dst.write(line)
                files[kind] = out
            command = [sys.executable, str(SCORER), str(files["gold"]), str(files["pred"])]
            if args.errors and held is False:
                command.append("--errors")
            result = subprocess.run(command, capture_output=True, text=True, check=True)
            print(f"== {label}")
            print(
                result.stdout.rstrip()
                if args.errors and held is False
                else result.stdout.splitlines()[-1]
            )


if __name__ == "__main__":
    main()
