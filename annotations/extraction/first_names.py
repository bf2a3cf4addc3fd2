"""First-name statistics: nomquamgender's offline name data, read with a calibrated band.

Used by profiles.py (a speaker's gender when the text says nothing) and coreference.py
(which he/she a person can be, when resolving pronouns). Knows nothing of Django or spaCy.
"""

from functools import lru_cache

FEMALE, MALE = "female", "male"


@lru_cache(maxsize=1)
def _name_model():
    import nomquamgender

    return nomquamgender.NBGC()


# A first name says a gender when nomquamgender's p(female) is at most NAME_AMBIGUOUS
# (male) or at least 1 - NAME_AMBIGUOUS (female); in between it is ambiguous and says
# nothing. Chosen on the ggt_dev tuning part (benchmarks/name_threshold.py): the most
# cautious band with the best women F1 there. nomquamgender's own default, 0.1, left
# names such as 'Jody' (0.68) or 'Jingyi' (0.71) unknown; 'Jean' (0.48), 'Leslie' (0.58)
# or 'Morgan' (0.39) stay ambiguous.
NAME_AMBIGUOUS = 0.35


@lru_cache(maxsize=20_000)
def female_share(first_name: str) -> float | None:
    """nomquamgender's p(female) for a first name; None when its data does not know it."""
    # nomquamgender lower-cases names and removes their accents itself
    word = first_name.strip().strip(".").lower()
    # compound first names are in the data as written ('Marie-Claude', 'Jean-Pierre')
    if len(word) < 2 or not word.replace("-", "").replace("'", "").isalpha():
        return None
    p = _name_model().get_pgf([word])[0]
    return None if p != p else float(p)  # NaN: not in the data


def first_name_gender(first_name: str, ambiguous: float | None = None) -> str:
    """'female' / 'male' from nomquamgender's name data, 'unknown' when the data does not
    know the name or calls it ambiguous: p(female) strictly between `ambiguous` and
    1 - `ambiguous` (NAME_AMBIGUOUS unless given).

    Chosen over gender-guesser on the ggt_dev tuning part (benchmarks/first_name_lists.py):
    both were right on every name they answered; nomquamgender answered 80% of the
    sources' first names, gender-guesser 75% (87% with its mostly_* answers, at 95.5%).
    """
    band = NAME_AMBIGUOUS if ambiguous is None else ambiguous
    p = female_share(first_name)
    if p is None:
        return "unknown"
    if p >= 1 - band:
        return FEMALE
    if p <= band:
        return MALE
    return "unknown"
