"""How much the extraction engine adds to spaCy's own parsing time.

    .venv/bin/python benchmarks/extraction_speed.py [--repeat N] [--batch-size N] [--model M]

Times, in one run and on the same texts and the same pipeline: bare `nlp.pipe`, then
`nlp.pipe` + `extract` per document, by the wall clock and in CPU time. Texts:
../shared/data/ggt_dev.jsonl when present, else a few short texts written here, repeated.
Prints articles/s, words/s and the ratio (target: extraction adds at most 15%). Not a
test: timings vary with the machine.
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotations.extraction import DEFAULT_MODEL, extract, load_pipeline

SHARED_DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "ggt_dev.jsonl"
FALLBACK_TEXTS = [
    "\u201cWe will rebuild the bridge by spring,\u201d Mayor Ann Lopez said on Tuesday.\n"
    "She said the province had promised to pay half of the cost.\n"
    "\u201cThe work starts in March. We are ready.\u201d",
    "According to Health Canada, the recall covers four brands of cheese.\n"
    "The agency warned that more products could be added, a spokesperson said.",
    "Defence Secretary Ruth Maddox visited the base.\n"
    "\u2018Morale is high, and they\u2019re ready,\u2019 Ms Maddox said.\n"
    "\u2018We have the equipment we need.",
]


def load_texts() -> tuple[list[str], str]:
    if SHARED_DEV.exists():
        with open(SHARED_DEV, encoding="utf-8") as f:
            return [json.loads(line)["text"] for line in f if line.strip()], str(SHARED_DEV)
    return FALLBACK_TEXTS * 40, "built-in sample texts"


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def cpu_timed(fn) -> float:
    """CPU seconds of this process: unlike the wall clock, time spent waiting for a core
    that other processes hold is not counted, so a loaded machine skews it less."""
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="passes over the texts (best is kept)")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--model", default=DEFAULT_MODEL)
    args = ap.parse_args(argv)

    texts, source = load_texts()
    nlp = load_pipeline(args.model)
    n_words = sum(len(t.split()) for t in texts)
    print(
        f"texts: {len(texts)} from {source}, {n_words} words; pipeline {args.model} "
        f"{nlp.pipe_names}"
    )

    def bare():
        for _doc in nlp.pipe(texts, batch_size=args.batch_size):
            pass

    n_quotes = 0

    def full():
        nonlocal n_quotes
        n_quotes = 0
        for doc in nlp.pipe(texts, batch_size=args.batch_size):
            n_quotes += len(extract(doc))

    # parse once so that both measurements run warm; then alternate to share any drift
    bare()
    bare_times, full_times = [], []
    bare_cpu, full_cpu = [], []
    for _ in range(args.repeat):
        bare_times.append(timed(bare))
        full_times.append(timed(full))
        bare_cpu.append(cpu_timed(bare))
        full_cpu.append(cpu_timed(full))
    docs = list(nlp.pipe(texts, batch_size=args.batch_size))
    extract_only = min(timed(lambda: [extract(d) for d in docs]) for _ in range(args.repeat))

    tb, tf = min(bare_times), min(full_times)
    for label, t in (("bare nlp.pipe", tb), ("nlp.pipe + extract", tf)):
        print(
            f"{label:20s} {t:7.2f} s  {len(texts) / t:8.1f} articles/s  {n_words / t:9.0f} words/s"
        )
    print(f"{'extract alone':20s} {extract_only:7.2f} s  ({n_quotes} quotes)")
    print(
        f"ratio full/bare = {tf / tb:.3f}  (end to end, extraction adds {100 * (tf / tb - 1):.1f}%)"
    )
    # on a busy machine the two end-to-end timings drift apart by more than extraction costs;
    # extract() timed alone on the parsed docs is the steadier measure of what it adds
    print(
        f"extract alone / bare nlp.pipe = {extract_only / tb:.3f}  "
        f"(extraction adds {100 * extract_only / tb:.1f}% to parsing; target <= 15%)"
    )
    # the speed of spaCy + extraction as a share of bare spaCy's (issue 10's "ratio of bare
    # spaCy", target >= 0.9): end to end, and from the steadier extract-alone timing
    print(
        f"speed of spaCy + extraction / bare spaCy = {tb / tf:.3f} end to end, "
        f"{tb / (tb + extract_only):.3f} from extract alone  (target >= 0.9)"
    )
    cb, cf = min(bare_cpu), min(full_cpu)
    print(
        f"in CPU time: bare {cb:.2f} s, + extract {cf:.2f} s, speed of spaCy + extraction / "
        f"bare spaCy = {cb / cf:.3f}  (end to end, steadier on a loaded machine)"
    )


if __name__ == "__main__":
    main()
