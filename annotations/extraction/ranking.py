"""Choosing a quote's speaker among ranked candidates, with a learned model.

For every quote with a speaker mention the engine lists the people, organisations and
groups of the article it could refer to: the name the resolution rules of coreference.py
give, everybody the registry knows (named before or shortly after the mention), the earlier
speakers, and the mention as written. Each candidate gets features read off the parse
(what kind of mention it is, what kind of entity the candidate is, gender and number
agreement, distance in characters and paragraphs, salience, whether it is an earlier
speaker, surname and title matches) and a logistic-regression model trained on gold
(`train.py`) scores them. The best one is the speaker; the next ones, people first, are the
alternatives offered to editors.

Only the weights ship (a small JSON file, `data/attribution_model.json`): scoring needs no
scikit-learn, and the model is rebuilt by `python -m annotations.extraction.train`.
"""

import json
import math
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

from .version import SHIPPED_MODEL

# a directory where retrained models (manage.py train_attribution) are written; its
# current.json is the model extraction uses from then on
MODEL_DIR_ENV = "NEWSQUOTES_ATTRIBUTION_DIR"
CURRENT = "current.json"
# candidates scored per quote: the nearest ones (a long article names many people)
MAX_CANDIDATES = 24


@dataclass
class Choice:
    """One candidate speaker of one quote."""

    name: str
    speaker_type: str  # "person" | "organisation" | "group" | "unknown"
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    is_rule: bool = False  # the name the resolution rules give (used without a model)


@dataclass(frozen=True)
class AttributionModel:
    version: str
    weights: dict[str, float]
    bias: float
    meta: dict

    def probability(self, features: dict[str, float]) -> float:
        weights = self.weights
        z = self.bias
        for k, v in features.items():
            w = weights.get(k)
            if w is not None:
                z += w * v
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def rank(self, choices: list[Choice]) -> list[Choice]:
        """The choices best first, each with its probability of being the speaker."""
        for c in choices:
            c.score = self.probability(c.features)
        return sorted(choices, key=lambda c: -c.score)

    def to_json(self) -> dict:
        return {
            "version": self.version,
            "bias": self.bias,
            "weights": self.weights,
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data: dict) -> "AttributionModel":
        try:
            weights = {str(k): float(v) for k, v in data["weights"].items()}
            return cls(str(data["version"]), weights, float(data["bias"]), data.get("meta", {}))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ValueError(f"not an attribution model: {error}") from error


def read_model(path: str | Path) -> AttributionModel:
    with open(path, encoding="utf-8") as f:
        return AttributionModel.from_json(json.load(f))


@lru_cache(maxsize=8)
def _cached_model(path: str, mtime: float) -> AttributionModel:
    return read_model(path)


def model_path() -> Path:
    """The model extraction uses: the current retrained one if there is one, else the
    shipped one."""
    folder = os.environ.get(MODEL_DIR_ENV)
    if folder:
        current = Path(folder) / CURRENT
        if current.exists():
            return current
    return SHIPPED_MODEL


def active_model() -> AttributionModel | None:
    """The model in use (re-read when its file changes: a worker picks up a retrained model
    without a restart), or None when no model file is there (the rules alone decide)."""
    path = model_path()
    try:
        return _cached_model(str(path), path.stat().st_mtime)
    except (OSError, ValueError):
        return None


# ---------------------------------------------------------------- features
def mention_kind(head) -> str:
    """What kind of mention a speaker token is, for the features."""
    low = head.lower_
    if low in ("he", "she", "him", "her"):
        return "pron_gendered"
    if low in ("they", "we", "them"):
        return "pron_plural"
    if low == "it":
        return "pron_it"
    if head.pos_ == "PRON":
        return "pron_other"
    if head.pos_ == "PROPN":
        return "propn"
    if head.pos_ == "NOUN":
        definite = any(
            c.dep_ in ("det", "poss") and c.lower_ not in ("a", "an", "some", "another")
            for c in head.children
        )
        return "noun_def" if definite else "noun"
    return "other"


def literal_type(head) -> str:
    """The type of a speaker known only by its mention ('officials', 'the agency', 'he')."""
    low = head.lower_
    if low in ("he", "she", "him", "her", "i"):
        return "person"
    if low in ("they", "we", "them") or head.tag_ in ("NNS", "NNPS"):
        return "group"
    if low == "it" or head.ent_type_ in ("ORG", "GPE", "FAC"):
        return "organisation"
    if head.ent_type_ == "NORP":
        return "group"
    if head.ent_type_ == "PERSON":
        return "person"
    return "unknown"


@dataclass
class Sighting:
    """What the article says about one candidate before and around a quote."""

    prev_pos: int | None = None  # nearest earlier mention outside quotations
    prev_para: int | None = None
    prev_subject: bool = False
    next_pos: int | None = None  # nearest later mention (within a few sentences)
    count: int = 0


def candidate_features(
    kind: str,
    ctype: str,
    *,
    is_rule: bool,
    is_literal: bool,
    pos: int,
    para: int,
    sighting: Sighting | None = None,
    pronoun_gender: str | None = None,
    gender: str | None = None,
    surname_match: bool = False,
    title_match: bool = False,
    speaker_rank: int | None = None,
    recency_rank: int = 0,
    compatible_rank: int | None = None,
    words_inside: bool = False,
    first_name_match: bool = False,
    head_in_name: bool = False,
    acronym_match: bool = False,
    pronoun_fits: bool | None = None,
    head_class: str = "",
) -> dict[str, float]:
    """The features of one (mention, candidate) pair. Crossed with the mention's kind where
    the same evidence means different things (distance matters for a pronoun, the surname
    for a name)."""
    sighting = sighting or Sighting()
    k = _keys(kind)
    # The rules' own pick is a feature. The rules were fitted to the development articles
    # the model trains on, so it is somewhat over-trusted there (cross-validated choice
    # accuracy on the development part: 93.1% with it, 90.7% without; see the report); the
    # model's value is in overriding it where other evidence is strong, and in learning
    # from editors' corrections where the rules are systematically wrong.
    f: dict[str, float] = {
        "rule": float(is_rule),
        k.rule: float(is_rule),
        "literal": float(is_literal),
        k.literal: float(is_literal),
        _type_key(kind, ctype): 1.0,
        _type_key("", ctype): 1.0,
    }
    if pronoun_gender is not None and ctype == "person":
        if gender is None:
            f["gender_unknown"] = 1.0
        elif gender == pronoun_gender:
            f["gender_agree"] = 1.0
        else:
            f["gender_clash"] = 1.0
    if surname_match:
        f["surname_match"] = 1.0
        f[k.surname_match] = 1.0
    if title_match:
        f["title_match"] = 1.0
        f[k.title_match] = 1.0
    if words_inside:
        f[k.words_inside] = 1.0
    if first_name_match:
        f["first_name_match"] = 1.0
    if head_in_name:
        f[k.head_in_name] = 1.0
    if head_class:
        # 'the agency' / 'the 42-year-old founder': a description of an organisation or a
        # person, which news copy uses for one already named
        h = _keys(head_class)
        f[_type_key(head_class, ctype)] = 1.0
        f[h.literal] = float(is_literal)
        if sighting.prev_subject:
            f[h.prev_subject] = 1.0
    if acronym_match:
        f["acronym_match"] = 1.0
    if pronoun_fits is not None:
        f[k.fits if pronoun_fits else k.misfits] = 1.0
    if compatible_rank is not None:
        # nearest earlier candidate of the right type and gender for a pronoun
        f[k.compatible_nearest] = float(compatible_rank == 0)
        f[k.compatible_rank] = min(compatible_rank, 5) / 5.0
        if sighting.prev_subject:
            f[k.compatible_subject] = 1.0
    if sighting.prev_pos is not None:
        dist = math.log1p(max(0, pos - sighting.prev_pos)) / 8.0
        f["prev_dist"] = dist
        f[k.prev_dist] = dist
        f["para_dist"] = min(para - (sighting.prev_para or 0), 6) / 6.0
        f["prev_subject"] = float(sighting.prev_subject)
    elif not is_literal:
        f["no_prev"] = 1.0
        f[k.no_prev] = 1.0
    if sighting.next_pos is not None and sighting.prev_pos is None:
        f["named_after"] = math.log1p(max(0, sighting.next_pos - pos)) / 8.0
    if sighting.count:
        f["salience"] = math.log1p(sighting.count) / 3.0
    if speaker_rank is not None:
        f["speaker_before"] = 1.0
        f["last_speaker"] = float(speaker_rank == 0)
        f[k.last_speaker] = float(speaker_rank == 0)
    if not is_literal:
        f["recency_rank"] = min(recency_rank, 5) / 5.0
        f[k.recency_rank] = min(recency_rank, 5) / 5.0
        f[k.nearest] = float(recency_rank == 0)
    return f


# the feature names crossed with a mention kind ('propn*rule'), built once per kind rather
# than formatted for every candidate of every quote
_CROSSED = [
    "rule",
    "literal",
    "surname_match",
    "title_match",
    "words_inside",
    "head_in_name",
    "prev_subject",
    "fits",
    "misfits",
    "compatible_nearest",
    "compatible_rank",
    "compatible_subject",
    "prev_dist",
    "no_prev",
    "last_speaker",
    "recency_rank",
    "nearest",
]


@lru_cache(maxsize=64)
def _keys(kind: str):
    return SimpleNamespace(**{name: f"{kind}*{name}" for name in _CROSSED})


@lru_cache(maxsize=256)
def _type_key(kind: str, ctype: str) -> str:
    """'propn*c_person'; with no kind, 'c_person'."""
    return f"{kind}*c_{ctype}" if kind else f"c_{ctype}"
