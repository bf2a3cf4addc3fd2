"""The thin management commands: predict_quotes and evaluate_quotes, on files (no database)."""

import json

from django.core.management import call_command

TEXT = "\u201cThe bridge opens in May,\u201d said Mayor Ann Lopez.\nThe work cost $4 million."
QUOTE = "\u201cThe bridge opens in May,\u201d"


def span_of(part: str) -> list[int]:
    start = TEXT.index(part)
    return [start, start + len(part)]


GOLD = {
    "id": "a1",
    "text": TEXT,
    "quotes": [
        {
            "quote": QUOTE,
            "quote_span": span_of(QUOTE),
            "speaker": "Ann Lopez",
            "speaker_span": span_of("Ann Lopez"),
            "speaker_name": "Ann Lopez",
            "verb": "said",
            "verb_span": span_of("said"),
        }
    ],
}


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def test_predict_quotes_writes_one_record_per_article_without_reading_gold(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "pred.jsonl"
    poisoned = dict(GOLD, quotes=[{"quote": "not a quote", "quote_span": [60, 70]}])
    write_jsonl(src, [poisoned, {"id": "empty", "text": ""}])
    call_command("predict_quotes", str(src), "-o", str(out), "--batch-size", "1", verbosity=0)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["a1", "empty"]
    (q,) = records[0]["quotes"]
    assert q["quote"] == GOLD["quotes"][0]["quote"]
    assert q["speaker_name"] == "Ann Lopez"
    assert set(q) >= {
        "quote",
        "quote_span",
        "speaker",
        "speaker_span",
        "speaker_name",
        "verb",
        "verb_span",
        "kind",
        "confidence",
        "is_floating",
    }
    assert records[1]["quotes"] == []


def test_evaluate_quotes_prints_scores_breakdown_and_calibration(tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    write_jsonl(gold, [GOLD])
    call_command("evaluate_quotes", str(gold))
    out = capsys.readouterr().out
    assert "F1=100.00" in out
    assert "By kind of gold quote" in out
    assert "Confidence calibration" in out
    assert out.strip().splitlines()[-1].startswith("SCORE quote_f1_03=100.00")
