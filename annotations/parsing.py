"""Reading ids out of query strings and forms: one definition, used by every view.

``str.isdigit()`` is no test for "a number int() takes" ("²" is a digit to it) nor for
"an id the database can hold" (Python refuses to read 5,000 digits, PostgreSQL's bigint
stops at 19). Anything that is not an id is refused with BadParameter, which the views
answer with a 400 naming the parameter.
"""

import re

MAX_ID = 2**63 - 1  # PostgreSQL bigint, the type of every primary key here
_ID = re.compile(r"[0-9]{1,19}")  # ASCII digits only: no "²", "٣" or "１"


class BadParameter(ValueError):
    """A query parameter that cannot be used; the message names it and says why."""


def _shown(raw) -> str:
    text = str(raw)
    return repr(text if len(text) <= 30 else text[:30] + "…")


def is_id(raw) -> bool:
    """Whether ``raw`` (a string or an int) is an id a row could have."""
    if isinstance(raw, bool):
        return False
    if isinstance(raw, int):
        return 1 <= raw <= MAX_ID
    return isinstance(raw, str) and bool(_ID.fullmatch(raw)) and 1 <= int(raw) <= MAX_ID


def parse_id(raw, *, name: str) -> int | None:
    """The id in parameter ``name``; None when it is absent or empty."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    value = raw.strip() if isinstance(raw, str) else raw
    if not is_id(value):
        raise BadParameter(
            f"{name}: {_shown(raw)} is not an id (a whole number from 1 to {MAX_ID})."
        )
    return int(value)


def parse_ids(raw: str | None, *, name: str, limit: int) -> list[int]:
    """Ids separated by commas ("3,5,8"): the first ``limit`` of them; blanks are skipped."""
    parts = [part.strip() for part in (raw or "").split(",") if part.strip()]
    ids = [parse_id(part, name=name) for part in parts[:limit]]
    return [id_ for id_ in ids if id_ is not None]  # none is None: blanks were skipped


def nul_parameter(params) -> str | None:
    """The name of the first parameter (a QueryDict) whose name or a value holds NUL."""
    for key, values in params.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return key.replace("\x00", "\\0")
    return None
