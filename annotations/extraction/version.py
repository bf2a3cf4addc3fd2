"""The extractor's version, stored with every candidate: the rules' version and the version
of the attribution model that chose the speakers. Bump RULES_VERSION whenever rules change;
the model's version changes with every training (train.py, manage.py train_attribution)."""

import json
from pathlib import Path

RULES_VERSION = "rules-1.5"
SHIPPED_MODEL = Path(__file__).resolve().parent / "data" / "attribution_model.json"


def engine_version(model_version: str | None) -> str:
    return f"{RULES_VERSION}+{model_version}" if model_version else RULES_VERSION


def _shipped_model_version() -> str | None:
    try:
        with open(SHIPPED_MODEL, encoding="utf-8") as f:
            return str(json.load(f)["version"])
    except (OSError, ValueError, KeyError):
        return None


# the version of candidates extracted with the shipped model
EXTRACTOR_VERSION = engine_version(_shipped_model_version())
