"""The engine's scorer gives the same numbers as the reference scorer (shared/eval/score.py)."""

import json
import random
import subprocess
import sys

import pytest

from annotations.extraction.records import prediction_record
from annotations.extraction.scoring import names_match, score, score_line

from .conftest import SHARED_DATA, SHARED_EVAL


@pytest.mark.parametrize(
    "gold,pred,expected",
    [
        ("Ben Wallace", "Mr Wallace", True),
        ("Ben Wallace", "Defence Secretary Ben Wallace", True),
        ("Ben Wallace", "Wallace", True),
        ("Ben Wallace", "Tom Wallace", False),
        ("the city", "The city", True),
        ("Jody Wilson-Raybould", "Wilson", False),
        ("Andr\u00e9 Dupont", "andre dupont", True),
    ],
)
def test_names_match_follows_the_reference_rules(gold, pred, expected):
    assert names_match(gold, pred) is expected


@pytest.fixture(scope="module")
def dev_predictions(nlp, dev_articles):
    from annotations.extraction import extract_texts

    texts = (a["text"] for a in dev_articles)
    return [
        prediction_record(a["id"], c)
        for a, c in zip(dev_articles, extract_texts(nlp, texts), strict=True)
    ]


def perturbed(records, seed=7):
    """Predictions with shifted spans, dropped keys and removed quotes, to exercise the
    matching rules beyond what the engine itself produces."""
    rng = random.Random(seed)
    out = []
    for rec in records:
        quotes = []
        for q in rec["quotes"]:
            q = dict(q)
            r = rng.random()
            if r < 0.1:
                continue
            if r < 0.3:
                a, b = q["quote_span"]
                q["quote_span"] = [a + rng.randint(0, (b - a) // 2 + 1), b]
            if r > 0.85:
                q.pop("is_floating", None)
            if r > 0.9:
                q["speaker_name"] = ""
            quotes.append(q)
        rng.shuffle(quotes)
        out.append({"id": rec["id"], "quotes": quotes})
    return out[:-2]  # two articles without a record score as "no predictions"


@pytest.mark.parametrize("variant", ["engine", "perturbed"])
def test_scorer_agrees_with_the_reference_scorer(tmp_path, dev_predictions, variant):
    script = SHARED_EVAL / "score.py"
    if not script.exists():
        pytest.skip("../shared/eval/score.py is not available")
    records = dev_predictions if variant == "engine" else perturbed(dev_predictions)
    pred_path = tmp_path / "pred.jsonl"
    pred_path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    gold_path = SHARED_DATA / "ggt_dev.jsonl"
    ref = (
        subprocess.run(
            [sys.executable, str(script), str(gold_path), str(pred_path)],
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    gold = {}
    with open(gold_path, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            gold[rec["id"]] = rec
    mine = score_line(score(gold, {r["id"]: r for r in records}))
    assert mine == ref
