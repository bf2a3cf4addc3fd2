"""Compare the two offline first-name lists on the GGT annotators' sources (dev part only).

    .venv/bin/python benchmarks/first_name_lists.py

For every person the annotators list as quoted with a gender, in the ggt_dev articles that
are not held aside, the first name goes to gender-guesser and to nomquamgender; each list
answers female, male or unknown (ambiguous or not in the list). Prints, per list, how many
names it answered (coverage) and how many of those it got right (precision). Skips
cleanly when ../shared is missing.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotations.extraction.splits import is_held_aside  # noqa: E402

GOLD = ROOT.parent / "shared" / "data" / "ggt_dev_sources.jsonl"
# nomquamgender's p(female) outside [NQG_AMBIGUOUS, 1 - NQG_AMBIGUOUS] counts as an answer
# (its authors' suggested threshold).
NQG_AMBIGUOUS = 0.1


def gender_guesser_answers(names):
    import gender_guesser.detector

    detector = gender_guesser.detector.Detector(case_sensitive=False)
    table = {"female": "female", "male": "male"}
    return [table.get(detector.get_gender(n.capitalize()), "unknown") for n in names]


def gender_guesser_mostly_answers(names):
    import gender_guesser.detector

    detector = gender_guesser.detector.Detector(case_sensitive=False)
    table = {"female": "female", "mostly_female": "female", "male": "male", "mostly_male": "male"}
    return [table.get(detector.get_gender(n.capitalize()), "unknown") for n in names]


def nomquamgender_answers(names):
    import nomquamgender

    model = nomquamgender.NBGC()
    out = []
    for row in model.annotate(names):
        p_female = row[-1]
        if p_female != p_female:  # NaN: not in its data
            out.append("unknown")
        elif p_female >= 1 - NQG_AMBIGUOUS:
            out.append("female")
        elif p_female <= NQG_AMBIGUOUS:
            out.append("male")
        else:
            out.append("unknown")
    return out


def main():
    if not GOLD.exists():
        print(f"skipped: {GOLD} is missing")
        return
    names, truth = [], []
    for line in GOLD.open(encoding="utf-8"):
        record = json.loads(line)
        if is_held_aside(record["id"], "ggt_dev"):
            continue
        for key, gender in (("sourcesFemale", "female"), ("sourcesMale", "male")):
            for name in record[key]:
                words = name.split()
                if len(words) >= 2:
                    names.append(words[0])
                    truth.append(gender)
    for label, answer in (
        ("gender-guesser (male/female only)", gender_guesser_answers),
        ("gender-guesser (mostly_* too)", gender_guesser_mostly_answers),
        (f"nomquamgender (p outside {NQG_AMBIGUOUS}..{1 - NQG_AMBIGUOUS})", nomquamgender_answers),
    ):
        got = answer(names)
        answered = [(g, t) for g, t in zip(got, truth, strict=True) if g != "unknown"]
        right = sum(g == t for g, t in answered)
        print(
            f"{label:48} answered {len(answered)}/{len(names)} "
            f"({100 * len(answered) / len(names):.1f}%), right {right}/{len(answered)} "
            f"({100 * right / max(1, len(answered)):.1f}%)"
        )


if __name__ == "__main__":
    main()
