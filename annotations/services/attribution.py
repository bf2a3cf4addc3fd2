"""Learning speaker attribution from editors: the reviewed quotes of the database as gold.

An editor's confirmed or corrected quote is the strongest signal there is. Retraining reads
them (it never writes a quote: editors' decisions stay as they are) and fits a new speaker
chooser on them plus the shipped training rows. The reviewed articles are split once, by
article id (`splits.is_held_aside(id, REVIEWED)`): the model trains on the development part
only, and the held-aside part measures it, before and after.
"""

from dataclasses import dataclass
from pathlib import Path

from annotations.extraction import train
from annotations.extraction.ranking import CURRENT, AttributionModel, active_model
from annotations.extraction.scoring import score
from annotations.extraction.splits import is_held_aside

REVIEWED = "reviewed"  # the data set name of the database's reviewed articles in splits.py


def reviewed_gold() -> dict[str, dict]:
    """Gold records from the database: every article with reviewed quotes, its confirmed
    and corrected quotes (rejected ones are not quotes) with the editors' speakers."""
    from annotations.models import Article, Quote  # the engine commands import this lazily

    gold: dict[str, dict] = {}
    reviewed = Quote.objects.reviewed().select_related("speaker").order_by("article_id", "start")
    articles = Article.objects.filter(pk__in=reviewed.values("article_id")).only("id", "text")
    for a in articles.iterator():
        gold[str(a.pk)] = {"id": str(a.pk), "text": a.text, "quotes": []}
    for q in reviewed.iterator():
        span = [q.speaker_start, q.speaker_end] if q.speaker_start is not None else None
        gold[str(q.article_id)]["quotes"].append(
            {
                "quote": q.text,
                "quote_span": [q.start, q.end],
                "speaker": q.speaker_text,
                "speaker_span": span,
                "speaker_name": q.speaker.name if q.speaker else q.speaker_name,
            }
        )
    return gold


def split_reviewed(gold: dict[str, dict]) -> tuple[dict[str, dict], dict[str, dict]]:
    """(development part, held-aside part) of the reviewed articles."""
    held = {i: r for i, r in gold.items() if is_held_aside(i, REVIEWED)}
    dev = {i: r for i, r in gold.items() if i not in held}
    return dev, held


@dataclass
class Retraining:
    model: AttributionModel
    path: Path
    trained_articles: int
    trained_quotes: int
    held_articles: int
    before: dict | None  # score() of the previous model on the held-aside reviewed articles
    after: dict | None


def predictions(nlp, records: dict[str, dict], model) -> dict[str, dict]:
    from annotations.extraction.engine import extract
    from annotations.extraction.records import prediction_record

    ids = list(records)
    docs = nlp.pipe((records[i]["text"] for i in ids), batch_size=16)
    return {
        i: prediction_record(i, extract(doc, model=model)) for i, doc in zip(ids, docs, strict=True)
    }


def retrain(nlp, model_dir: Path) -> Retraining:
    """Fit a new model on the shipped rows plus the development part of the reviewed
    articles, measure it and the current one on the held-aside part, write it to
    `model_dir` under its version and make it current (an atomic rename: a worker reading
    the model sees the old one or the new one)."""
    gold = reviewed_gold()
    dev, held = split_reviewed(gold)
    editors = list(train.candidate_groups(nlp, dev.values()))
    digest = train.groups_digest(train.read_shipped_groups() + editors)
    model = train.fit_with_editors(
        editors,
        f"attribution-db-{digest}",
        {
            "trained_on": "shipped rows + reviewed quotes (development part)",
            "reviewed_articles": sorted(dev),
        },
    )
    previous = active_model()
    before = after = None
    if held:
        before = score(held, predictions(nlp, held, previous))
        after = score(held, predictions(nlp, held, model))
    model_dir.mkdir(parents=True, exist_ok=True)
    path = model_dir / f"{model.version}.json"
    train.write_json(path, model.to_json())
    train.write_json(model_dir / CURRENT, model.to_json())
    return Retraining(model, path, len(dev), len(editors), len(held), before, after)
