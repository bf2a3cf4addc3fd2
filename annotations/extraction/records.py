"""Reading article records and writing prediction records (JSONL), streaming."""

import json
from collections import deque
from collections.abc import Iterable, Iterator

from .candidate import QuoteCandidate
from .engine import USE_ACTIVE_MODEL


def read_articles(path: str) -> Iterator[dict]:
    """Article records (id, text); other keys, gold quotes included, are dropped."""
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)
            if "id" not in rec or "text" not in rec:
                raise ValueError(f"{path}:{n}: record needs 'id' and 'text'")
            yield {"id": str(rec["id"]), "text": rec["text"] or ""}


def prediction_record(article_id: str, candidates: Iterable[QuoteCandidate]) -> dict:
    return {"id": article_id, "quotes": [c.to_json() for c in candidates]}


def predict_file(
    nlp,
    in_path: str,
    out,
    *,
    batch_size: int = 16,
    n_process: int = 1,
    progress=None,
    attribution_model=USE_ACTIVE_MODEL,
) -> int:
    """Stream articles from in_path through the engine into the open file `out`.
    Returns the number of articles written."""
    from .pipeline import extract_texts

    # ids wait here while their texts are in the batch being parsed: memory stays flat
    ids: deque[str] = deque()

    def texts():
        for rec in read_articles(in_path):
            ids.append(rec["id"])
            yield rec["text"]

    n = 0
    for cands in extract_texts(
        nlp, texts(), batch_size=batch_size, n_process=n_process, model=attribution_model
    ):
        out.write(json.dumps(prediction_record(ids.popleft(), cands), ensure_ascii=False) + "\n")
        n += 1
        if progress is not None:
            progress(1)
    return n
