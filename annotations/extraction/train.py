"""Training the speaker chooser (ranking.py) from gold quotes.

    python -m annotations.extraction.train            # rebuild the shipped model

reads the development part of `../shared/data/ggt_dev.jsonl` (never its held-aside part,
see splits.py), runs the engine over each text, matches its quotes to the gold quotes as the
scorer does (coverage > 0.3), and labels every candidate speaker of a matched quote by
whether its name is the gold speaker's (the scorer's name rule). A logistic regression over
the candidates' features is fitted (scikit-learn, lbfgs: deterministic) and its weights are
written to `data/attribution_model.json`. The candidates' features (numbers only, no text)
are written to `data/attribution_rows.json`, so that a retraining from editors' reviewed
quotes (manage.py train_attribution) can add to them without the news texts.
"""

import argparse
import gzip
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from .ranking import SHIPPED_MODEL, AttributionModel
from .scoring import match_article, names_match
from .splits import dataset_of, is_held_aside

SHIPPED_ROWS = SHIPPED_MODEL.parent / "attribution_rows.json.gz"
DEFAULT_GOLD = Path(__file__).resolve().parents[3] / "shared" / "data" / "ggt_dev.jsonl"
# The shipped model's version, recorded on every candidate it attributes: raised whenever a
# rebuild changes its weights (attribution-3: over rules-1.4's candidates).
SHIPPED_VERSION = "attribution-3"
# inverse regularisation strength: chosen once, not searched on any held-aside part
REGULARISATION_C = 1.0

# one training group: the candidates of one matched quote, (features, is the gold speaker)
Group = list[tuple[dict[str, float], bool]]


def candidate_groups(nlp, records: Iterable[dict], threshold: float = 0.3) -> Iterator[Group]:
    """For each gold quote the engine found (and gave candidates), its labelled candidates.
    Quotes none of whose candidates is right teach nothing about choosing and are left out."""
    from .engine import analyse

    records = [r for r in records if (r.get("text") or "").strip()]
    docs = nlp.pipe((r["text"] for r in records), batch_size=16)
    for rec, doc in zip(records, docs, strict=True):
        _, drafts = analyse(doc, model=None)
        preds = [{"quote_span": [d.start, d.end]} for d in drafts]
        gold_quotes = rec.get("quotes", [])
        for gi, pi, _ in match_article(gold_quotes, preds, threshold):
            gold_name = (gold_quotes[gi].get("speaker_name") or "").strip()
            if pi is None or not gold_name or not drafts[pi].choices:
                continue
            group = [(c.features, names_match(gold_name, c.name)) for c in drafts[pi].choices]
            if any(label for _, label in group):
                yield group


def fit(
    groups: list[Group],
    version: str,
    meta: dict | None = None,
    weights: list[float] | None = None,
) -> AttributionModel:
    """Logistic regression over all candidates of all groups (`weights`: one per group)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    features = [without_marks(f) for g in groups for f, _ in g]
    labels = [int(label) for g in groups for _, label in g]
    if len(set(labels)) < 2:
        raise ValueError("training needs right and wrong candidates; got one kind only")
    vectorizer = DictVectorizer(sparse=False, sort=True)
    x = vectorizer.fit_transform(features)
    clf = LogisticRegression(C=REGULARISATION_C, max_iter=2000)
    sample_weight = None
    if weights is not None:
        sample_weight = [w for g, w in zip(groups, weights, strict=True) for _ in g]
    clf.fit(x, labels, sample_weight=sample_weight)
    coefficients = {
        name: round(float(w), 6)
        for name, w in zip(vectorizer.get_feature_names_out(), clf.coef_[0], strict=True)
    }
    info = {"groups": len(groups), "candidates": len(labels), **(meta or {})}
    return AttributionModel(version, coefficients, round(float(clf.intercept_[0]), 6), info)


# how much one editor-reviewed quote counts against one quote of the shipped rows (321
# quotes of other outlets): a newsroom's few dozen reviews should already move the model
# towards its own conventions
EDITOR_WEIGHT = 10.0


def fit_with_editors(
    editor_groups: list[Group], version: str, meta: dict | None = None
) -> AttributionModel:
    """A model trained on the shipped rows plus editors' reviewed quotes, weighted up."""
    shipped = read_shipped_groups()
    groups = shipped + editor_groups
    weights = [1.0] * len(shipped) + [EDITOR_WEIGHT] * len(editor_groups)
    return fit(groups, version, {"editor_weight": EDITOR_WEIGHT, **(meta or {})}, weights)


def without_marks(features: dict[str, float]) -> dict[str, float]:
    """The features a model sees: not the bookkeeping marks ('_rule': the rules' pick,
    kept in the rows to compare the model with the rules)."""
    return {k: v for k, v in features.items() if not k.startswith("_")}


def choice_accuracy(model: AttributionModel | None, groups: list[Group]) -> float:
    """Share of groups whose best-scored candidate is right (the rules' pick without a
    model)."""
    if not groups:
        return 0.0
    right = 0
    for g in groups:
        if model is None:
            best = max(g, key=lambda fl: fl[0].get("rule", 0.0))
        else:
            best = max(g, key=lambda fl: model.probability(fl[0]))
        right += best[1]
    return 100.0 * right / len(groups)


def groups_to_json(groups: list[Group]) -> dict:
    """Compact rows: the feature names once, each candidate as [label, [index, value]...]."""
    names = sorted({k for g in groups for f, _ in g for k in f})
    index = {k: i for i, k in enumerate(names)}
    rows = [
        [[int(label), [[index[k], round(v, 5)] for k, v in sorted(f.items())]] for f, label in g]
        for g in groups
    ]
    return {"features": names, "groups": rows}


def groups_from_json(data: dict) -> list[Group]:
    names = data["features"]
    return [
        [({names[i]: float(v) for i, v in pairs}, bool(label)) for label, pairs in g]
        for g in data["groups"]
    ]


def read_shipped_groups(path: Path = SHIPPED_ROWS) -> list[Group]:
    if not path.exists():
        return []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return groups_from_json(json.load(f))


def write_json(path: Path, data: dict) -> None:
    """Write atomically: a reader sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    blob = (json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n").encode()
    if path.suffix == ".gz":
        # mtime=0: the same rows give the same bytes (the file is reproducible)
        blob = gzip.compress(blob, mtime=0)
    tmp.write_bytes(blob)
    tmp.replace(path)


def groups_digest(groups: list[Group]) -> str:
    blob = json.dumps(groups_to_json(groups), sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:10]


def development_records(path: Path) -> list[dict]:
    dataset = dataset_of(str(path))
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    return [r for r in records if not is_held_aside(str(r["id"]), dataset)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--out", type=Path, default=SHIPPED_MODEL)
    parser.add_argument("--rows-out", type=Path, default=SHIPPED_ROWS)
    args = parser.parse_args(argv)
    if not args.gold.exists():
        print(f"{args.gold}: not found (the shared data folder is needed to rebuild)")
        return 2
    from .pipeline import load_pipeline

    records = development_records(args.gold)
    groups = list(candidate_groups(load_pipeline(), records))
    model = fit(groups, SHIPPED_VERSION, {"trained_on": f"{args.gold.name} development part"})
    write_json(args.out, model.to_json())
    write_json(args.rows_out, {"source": args.gold.name, **groups_to_json(groups)})
    print(
        f"{len(records)} articles, {len(groups)} quotes with candidates; choice accuracy on "
        f"them: rules {choice_accuracy(None, groups):.1f}%, model "
        f"{choice_accuracy(model, groups):.1f}% -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
