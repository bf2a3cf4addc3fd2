"""Accuracy on the shared development set (skipped when ../shared/data is absent).

A regression guard, not a measure of accuracy. The rules were tuned on this very set, and
the floors sit just under what was measured on it, so a rule change that loses accuracy
fails here; passing says nothing about articles the rules have not seen. The honest
figures come from ``manage.py evaluate_quotes`` on the parts held aside
(annotations/extraction/splits.py), reported next to the tuned ones."""

import pytest

from annotations.extraction.scoring import score

FLOORS = {  # metric -> minimum percent on ggt_dev (39 articles)
    # f1 floors lowered in rules-1.4 (measured 91.87 and 87.37): quoted phrases in a verb's
    # object are mixed quotes, as PolNeAR counts them (+1.2 recall on its held-aside part);
    # this set counts few of them ('opened a “warming centre”')
    ("0.3", "f1"): 91.5,
    ("0.8", "f1"): 87.0,
    ("0.3", "resolved_acc"): 90.0,
    # 83.90 since rules-1.3: the learned speakerless and noun-cue frames add two
    # predictions here that this set does not count ('calls for changes', 'asked what ...');
    # the held-aside part is unchanged and PolNeAR's recall rises
    ("0.3", "attr_f1"): 83.5,
}


@pytest.fixture(scope="module")
def dev_result(nlp, dev_articles):
    from annotations.extraction import extract_texts
    from annotations.extraction.records import prediction_record

    texts = (a["text"] for a in dev_articles)
    pred = {
        a["id"]: prediction_record(a["id"], c)
        for a, c in zip(dev_articles, extract_texts(nlp, texts), strict=True)
    }
    return score({a["id"]: a for a in dev_articles}, pred)


@pytest.mark.parametrize("threshold,metric", list(FLOORS))
def test_dev_accuracy_stays_above_its_floor(dev_result, threshold, metric):
    value = dev_result["thresholds"][threshold]["metrics"][metric]
    assert value >= FLOORS[(threshold, metric)]


def test_higher_confidence_candidates_are_right_more_often(dev_result):
    bands = [b for b in dev_result["thresholds"]["0.3"]["calibration"] if b["n"] >= 20]
    accuracies = [b["accuracy"] for b in bands]
    assert accuracies == sorted(accuracies)
