"""Scoring predictions against gold quotes, GGT-style.

Re-implements the definitions of the project's reference scorer (shared/eval/score.py) so
that the repository works without it; tests check that both give the same numbers:
  * coverage(gold, pred) = |gold chars covered by pred| / |gold chars|;
  * gold quotes in order each take the free prediction of highest coverage > threshold
    (earlier prediction wins ties); TP/FP/FN micro-averaged over quotes;
  * speaker mention match: speaker spans share a character, or the gold quote has no
    mention and the prediction is floating;
  * resolved-speaker match over TPs with a gold speaker_name: normalised names equal, or
    same last token and one token set inside the other (titles and suffixes dropped);
  * attributed P/R/F1: a TP counts only when its resolved speaker matches.
Also: recall and attribution per kind of quote, and accuracy per confidence band.
"""

import json
import re
import unicodedata
from collections.abc import Iterable

from .vocabulary import SCORER_HONORIFICS, word_set

HONORIFICS = SCORER_HONORIFICS
SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
DOUBLE_QUOTES = '"\u201c\u201d\u201e\u00ab\u00bb'
PRONOUNS = word_set(
    """
    he she they i we you it him her them his hers their theirs
"""
)
CONFIDENCE_BANDS = [(0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.0001)]


def load_jsonl(path: str) -> dict[str, dict]:
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                rec = json.loads(line)
                out[str(rec["id"])] = rec
    return out


def as_span(value) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        a, b = int(value[0]), int(value[1])
    except (TypeError, ValueError, IndexError):
        return None
    return (a, b) if b > a else None


def raw_name_tokens(name: str) -> list[str]:
    s = unicodedata.normalize("NFKD", name or "")
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    s = s.replace("\u2019", "'").replace("\u2018", "'")
    toks = re.findall(r"[^\W_]+(?:['\-][^\W_]+)*", s)
    return [t[:-2] if t.endswith("'s") else t for t in toks]


def name_tokens(name: str) -> list[str]:
    toks = raw_name_tokens(name)
    while toks and toks[0] in HONORIFICS:
        toks = toks[1:]
    while toks and toks[-1] in SUFFIXES:
        toks = toks[:-1]
    return toks


def names_match(gold: str, pred: str) -> bool:
    rg, rp = raw_name_tokens(gold), raw_name_tokens(pred)
    if rg and rg == rp:
        return True
    g, p = name_tokens(gold), name_tokens(pred)
    if not g or not p or g[-1] != p[-1]:
        return False
    return set(g) <= set(p) or set(p) <= set(g)


def coverage(gold_span, pred_span) -> float:
    if gold_span is None or pred_span is None:
        return 0.0
    inter = min(gold_span[1], pred_span[1]) - max(gold_span[0], pred_span[0])
    return max(0, inter) / (gold_span[1] - gold_span[0])


def spans_touch(a, b) -> bool:
    return a is not None and b is not None and min(a[1], b[1]) > max(a[0], b[0])


def is_floating(pred: dict) -> bool:
    if "is_floating" in pred:
        return bool(pred["is_floating"])
    return as_span(pred.get("speaker_span")) is None


def match_article(gold_quotes: list[dict], pred_quotes: list[dict], threshold: float):
    """[(gold index, pred index or None, coverage)] by the greedy rule of score.py."""
    pspans = [as_span(p.get("quote_span")) for p in pred_quotes]
    free = list(range(len(pred_quotes)))
    pairs = []
    for gi, g in enumerate(gold_quotes):
        gspan = as_span(g.get("quote_span"))
        best, best_cov = None, 0.0
        for pi in free:
            cov = coverage(gspan, pspans[pi])
            if cov > threshold and cov > best_cov:
                best, best_cov = pi, cov
        if best is not None:
            free.remove(best)
        pairs.append((gi, best, best_cov))
    return pairs


def gold_categories(q: dict) -> list[str]:
    """Kinds of gold quote, as in shared/eval/breakdown.py."""
    quote = q.get("quote") or ""
    cats = ["all"]
    if not any(c in quote for c in DOUBLE_QUOTES):
        cats.append("no_quote_marks")
    s = quote.strip()
    if s and s[0] in '"\u201c' and not re.search('["\u201d]\\W*$', s):
        cats.append("open_ended")
    mention = (q.get("speaker") or "").strip()
    if not mention:
        cats.append("floating")
    else:
        if mention.lower() in PRONOUNS:
            cats.append("pronoun_speaker")
        if not names_match(q.get("speaker_name") or "", mention):
            cats.append("needs_coref")
        ss, qs = as_span(q.get("speaker_span")), as_span(q.get("quote_span"))
        if ss and qs and ss[0] >= qs[1]:
            cats.append("speaker_after")
    if len(quote) > 250:
        cats.append("long_quote")
    return cats


CATEGORY_ORDER = [
    "all",
    "no_quote_marks",
    "open_ended",
    "floating",
    "pronoun_speaker",
    "needs_coref",
    "speaker_after",
    "long_quote",
]
COUNT_KEYS = [
    "n_gold",
    "n_pred",
    "tp",
    "fn",
    "fp",
    "speaker",
    "resolved",
    "named_tp",
    "unnamed_tp",
    "overlong_tp",
]


def _pct(num: float, den: float) -> float:
    return 100.0 * num / den if den else 0.0


def summarise(c: dict) -> dict:
    p = _pct(c["tp"], c["tp"] + c["fp"])
    r = _pct(c["tp"], c["tp"] + c["fn"])
    f = 2 * p * r / (p + r) if p + r else 0.0
    ap = _pct(c["resolved"], c["tp"] + c["fp"])
    ar = _pct(c["resolved"], c["tp"] + c["fn"])
    af = 2 * ap * ar / (ap + ar) if ap + ar else 0.0
    return {
        "precision": p,
        "recall": r,
        "f1": f,
        "speaker_acc": _pct(c["speaker"], c["tp"]),
        "resolved_acc": _pct(c["resolved"], c["named_tp"]),
        "attr_precision": ap,
        "attr_recall": ar,
        "attr_f1": af,
    }


def score(
    gold: dict[str, dict], pred: dict[str, dict], thresholds: Iterable[float] = (0.3, 0.8)
) -> dict:
    """All numbers for the gold articles: per threshold counts and metrics, the breakdown by
    kind of quote and the confidence calibration (both at the first threshold)."""
    thresholds = list(thresholds)
    ids = sorted(gold)
    out: dict = {"n_articles": len(ids), "thresholds": {}}
    for k, t in enumerate(thresholds):
        tot = dict.fromkeys(COUNT_KEYS, 0)
        cats = {c: [0, 0, 0, 0, 0] for c in CATEGORY_ORDER}  # n, tp, speaker, named, resolved
        bands = [[0, 0] for _ in CONFIDENCE_BANDS]  # predictions, correct (TP + right speaker)
        kinds: dict[str, list[int]] = {}  # predicted kind -> [n, tp, resolved ok]
        for i in ids:
            gq = gold[i].get("quotes", [])
            pq = (pred.get(i) or {}).get("quotes", [])
            pairs = match_article(gq, pq, t)
            taken = {pi for _, pi, _ in pairs if pi is not None}
            tot["n_gold"] += len(gq)
            tot["n_pred"] += len(pq)
            tot["fp"] += len(pq) - len(taken)
            correct = set()
            tp_of = {}
            for gi, pi, _cov in pairs:
                g = gq[gi]
                gcats = gold_categories(g)
                for c in gcats:
                    cats[c][0] += 1
                if pi is None:
                    tot["fn"] += 1
                    continue
                p = pq[pi]
                tot["tp"] += 1
                tp_of[pi] = True
                gs, ps = as_span(g.get("quote_span")), as_span(p.get("quote_span"))
                if gs and ps and (ps[1] - ps[0]) > 2 * (gs[1] - gs[0]):
                    tot["overlong_tp"] += 1
                sp_ok = spans_touch(
                    as_span(g.get("speaker_span")), as_span(p.get("speaker_span"))
                ) or (not (g.get("speaker") or "").strip() and is_floating(p))
                tot["speaker"] += sp_ok
                res_ok = None
                if (g.get("speaker_name") or "").strip():
                    tot["named_tp"] += 1
                    res_ok = names_match(g["speaker_name"], p.get("speaker_name") or "")
                    tot["resolved"] += res_ok
                else:
                    tot["unnamed_tp"] += 1
                if res_ok or res_ok is None:
                    correct.add(pi)
                for c in gcats:
                    cats[c][1] += 1
                    cats[c][2] += bool(sp_ok)
                    if res_ok is not None:
                        cats[c][3] += 1
                        cats[c][4] += bool(res_ok)
            for pi, p in enumerate(pq):
                conf = p.get("confidence")
                kind = p.get("kind", "?")
                kinds.setdefault(kind, [0, 0, 0])
                kinds[kind][0] += 1
                kinds[kind][1] += pi in tp_of
                kinds[kind][2] += pi in correct
                if conf is None:
                    continue
                for b, (lo, hi) in enumerate(CONFIDENCE_BANDS):
                    if lo <= float(conf) < hi:
                        bands[b][0] += 1
                        bands[b][1] += pi in correct
                        break
        entry = {"counts": tot, "metrics": summarise(tot)}
        if k == 0:
            entry["categories"] = cats
            entry["calibration"] = [
                {
                    "band": f"{lo:.1f}-{min(hi, 1.0):.1f}",
                    "n": n,
                    "correct": ok,
                    "accuracy": _pct(ok, n),
                }
                for (lo, hi), (n, ok) in zip(CONFIDENCE_BANDS, bands, strict=True)
            ]
            entry["pred_kinds"] = kinds
        out["thresholds"][f"{t:g}"] = entry
    return out


def format_report(result: dict) -> str:
    """Human-readable report of `score()`'s result."""
    lines = []
    first = None
    for t, entry in result["thresholds"].items():
        c, m = entry["counts"], entry["metrics"]
        first = first or entry
        lines += [
            f"== coverage > {t}  articles={result['n_articles']} gold={c['n_gold']} "
            f"pred={c['n_pred']} TP={c['tp']} FP={c['fp']} FN={c['fn']}",
            f"   quotes   P={m['precision']:.2f} R={m['recall']:.2f} F1={m['f1']:.2f}",
            f"   speaker mention match (GGT rule) = {m['speaker_acc']:.2f}% of TP "
            f"({c['speaker']}/{c['tp']})",
            f"   resolved speaker match           = {m['resolved_acc']:.2f}% of named TP "
            f"({c['resolved']}/{c['named_tp']}; unnamed TP={c['unnamed_tp']})",
            f"   attributed quotes P={m['attr_precision']:.2f} R={m['attr_recall']:.2f} "
            f"F1={m['attr_f1']:.2f}",
        ]
    t0 = next(iter(result["thresholds"]))
    lines.append(f"\nBy kind of gold quote (coverage > {t0}): recall / speaker-mention / resolved")
    for cat in CATEGORY_ORDER:
        n, tp, sp, named, res = first["categories"][cat]
        lines.append(
            f"   {cat:16s} n={n:5d}  {_pct(tp, n):6.1f} / {_pct(sp, tp):5.1f} / "
            f"{_pct(res, named):5.1f}"
        )
    lines.append("\nBy kind of predicted quote: n, share matched, share matched with right speaker")
    for kind, (n, tp, ok) in sorted(first["pred_kinds"].items()):
        lines.append(
            f"   {kind:10s} n={n:5d}  matched {_pct(tp, n):5.1f}%  right {_pct(ok, n):5.1f}%"
        )
    lines.append(
        "\nConfidence calibration (a prediction is right when it matches a gold quote "
        "and its resolved speaker matches):"
    )
    for row in first["calibration"]:
        lines.append(f"   confidence {row['band']}  n={row['n']:5d}  right {row['accuracy']:5.1f}%")
    return "\n".join(lines)


def score_line(result: dict) -> str:
    """The machine-readable last line, same keys and format as score.py's SCORE line."""

    def tag(t):
        return t.replace("0.", "0").replace(".", "")

    parts = []
    order = [
        ("quote_f1", "f1"),
        ("quote_p", "precision"),
        ("quote_r", "recall"),
        ("speaker", "speaker_acc"),
        ("resolved", "resolved_acc"),
    ]
    for t, entry in result["thresholds"].items():
        for name, key in order:
            parts.append(f"{name}_{tag(t)}={entry['metrics'][key]:.2f}")
    for t, entry in result["thresholds"].items():
        parts.append(f"attr_f1_{tag(t)}={entry['metrics']['attr_f1']:.2f}")
    first = next(iter(result["thresholds"].values()))["counts"]
    parts += [
        f"n_articles={result['n_articles']}",
        f"n_gold={first['n_gold']}",
        f"n_pred={first['n_pred']}",
    ]
    return "SCORE " + " ".join(parts)
