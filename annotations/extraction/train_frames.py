"""Learning which verb frames introduce speech (frames.py) from gold quotes.

    python -m annotations.extraction.train_frames     # rebuild data/speech_frames.json

reads the development parts (never the held-aside parts, see splits.py) of
`../shared/data/polnear_train.jsonl` and `../shared/data/ggt_dev.jsonl`, finds every
reporting verb's content in every frame (the engine's own reading, with no frame filtered
out), and counts per (verb, frame) how many of those contents are a gold quote (the
scorer's match: the content covers more than 30% of a gold quote). A (verb, frame) pair is
listed when a set has seen it at least MIN_SUPPORT times, and accepted when the estimated
share of its contents that are quotes, (quotes + 1) / (seen + 2), is at least
MIN_PRECISION in every set that has seen it at least VETO_SUPPORT times: an extra quote
that is right at least half of the time raises F1, and a frame one annotation counts as
speech but the other does not (GGT does not count 'announced plans') is left out. Cues with
no speaker of their own ('it was revealed that ...', 'Asked whether ...') and cue nouns
('calls for ...', 'his promise to ...') are counted the same way under their own frames
(`nosubj:<frame>`, `noun:<frame>`), and each such frame also over all cues together
(`*|<frame>`), which a cue seen too rarely to be listed falls back on.
Deterministic; the thresholds were fixed on the development parts, never on a held-aside
part.
"""

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from .frames import ANY_CUE, FRAMES_FILE, NOUN_CUE, SUBJECTLESS
from .scoring import coverage
from .splits import dataset_of, is_held_aside

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
DEFAULT_GOLD = [SHARED / "polnear_train.jsonl", SHARED / "ggt_dev.jsonl"]
MIN_SUPPORT = 5
VETO_SUPPORT = 2
MIN_PRECISION = 0.5
MATCH = 0.3


def accept_every_frame(base: str, frame: str, has_that: bool) -> bool:
    return True


def frame_counts(docs: Iterable, records: Iterable[dict]) -> dict[str, list[int]]:
    """'verb|frame' -> [contents seen, contents that are a gold quote]."""
    from .engine import Context
    from .reported_speech import find_reports

    counts: dict[str, list[int]] = {}
    for doc, rec in zip(docs, records, strict=True):
        text = doc.text
        ctx = Context(doc, text)
        gold = [tuple(q["quote_span"]) for q in rec.get("quotes", []) if q.get("quote_span")]
        for r in find_reports(doc, text, ctx.inside_quote, accept=accept_every_frame):
            if r.content is None or r.base == "according to":
                continue
            row = counts.setdefault(f"{r.base}|{r.frame}", [0, 0])
            row[0] += 1
            row[1] += any(coverage(g, r.content) > MATCH for g in gold)
    return counts


def with_pooled(counts: dict[str, list[int]]) -> dict[str, list[int]]:
    """The counts plus, for the frames of cues with no speaker or a noun cue (which have no
    hand rule), one pooled row per frame over all cues, '*|<frame>': what a cue the gold
    has seen too rarely to tell falls back on."""
    out = dict(counts)
    for key, (n, pos) in counts.items():
        frame = key.split("|", 1)[1]
        if frame.startswith((SUBJECTLESS, NOUN_CUE)):
            row = out.setdefault(f"{ANY_CUE}|{frame}", [0, 0])
            out[f"{ANY_CUE}|{frame}"] = [row[0] + n, row[1] + pos]
    return out


def decide(per_set: dict[str, dict[str, list[int]]]) -> dict[str, dict]:
    """The listed frames: their counts per set and whether they are accepted."""
    per_set = {name: with_pooled(counts) for name, counts in per_set.items()}
    keys = sorted({k for counts in per_set.values() for k in counts})
    out = {}
    for key in keys:
        seen = {name: counts[key] for name, counts in per_set.items() if key in counts}
        if not any(n >= MIN_SUPPORT for n, _ in seen.values()):
            continue
        # the share of quotes, estimated, in each set that has seen it often enough to
        # tell (a frame the smaller set has seen twice and never as a quote is not one in
        # its annotation)
        estimates = [(pos + 1) / (n + 2) for n, pos in seen.values() if n >= VETO_SUPPORT]
        out[key] = {
            "accepted": all(p >= MIN_PRECISION for p in estimates),
            **{name: {"seen": n, "quotes": pos} for name, (n, pos) in seen.items()},
        }
    return out


def development_records(path: Path) -> list[dict]:
    dataset = dataset_of(str(path))
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    return [
        r
        for r in records
        if (r.get("text") or "").strip() and not is_held_aside(str(r["id"]), dataset)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, nargs="+", default=DEFAULT_GOLD)
    parser.add_argument("--out", type=Path, default=FRAMES_FILE)
    args = parser.parse_args(argv)
    missing = [p for p in args.gold if not p.exists()]
    if missing:
        print(f"{missing[0]}: not found (the shared data folder is needed to rebuild)")
        return 2
    from .pipeline import load_pipeline
    from .train import write_json

    nlp = load_pipeline()
    per_set = {}
    for path in args.gold:
        records = development_records(path)
        docs = nlp.pipe((r["text"] for r in records), batch_size=16)
        per_set[dataset_of(str(path))] = frame_counts(docs, records)
    frames = decide(per_set)
    meta = {
        "trained_on": [f"{p.name} development part" for p in args.gold],
        "min_support": MIN_SUPPORT,
        "veto_support": VETO_SUPPORT,
        "min_precision": MIN_PRECISION,
    }
    write_json(args.out, {"meta": meta, "frames": frames})
    accepted = sum(row["accepted"] for row in frames.values())
    print(f"{len(frames)} verb frames listed, {accepted} accepted -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
