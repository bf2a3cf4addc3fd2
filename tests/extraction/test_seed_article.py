"""The seed article of the issue (read from ../shared at test time, never copied here).

Expected values were worked out by reading the article: every quote below must be found,
with the speaker a reader would give it. 'Mr Wallace' is Defence Secretary Ben Wallace (the
full name appears later in the article); 'he' in the second half is Admiral Radakin."""

import pytest

from annotations.extraction.scoring import names_match

from .conftest import SHARED_DATA

WALLACE, RADAKIN, CHIKOV = "Ben Wallace", "Radakin", "Pavel Chikov"
# (start of the quote as written, speaker name, floating?)
EXPECTED = [
    ("generals were getting nearer to the frontline", WALLACE, False),
    ("this does not typically get", WALLACE, False),
    ("\u2018They\u2019re all in fall guy territory", WALLACE, False),
    ("\u2018There is a point of tension in the system", WALLACE, True),
    ("there was no one close to Putin", WALLACE, False),
    ("that while there were \u2018real risks\u2019", RADAKIN, False),
    ("You\u2019re also seeing, on a daily basis", RADAKIN, False),  # opening mark missing
    ("the Russians were in for a \u2018hard slog\u2019", RADAKIN, False),
    ("\u2018I think what we\u2019re now seeing", RADAKIN, False),
    ("\u2018This is going to be a tough fight", RADAKIN, True),
    ("\u2018You\u2019re seeing the tactical fight", RADAKIN, True),
    ("Defence Secretary Ben Wallace had warned Chancellor Rishi Sunak", RADAKIN, False),
    ("\u2018We\u2019re a big-spending department", RADAKIN, False),
    ("The Defence Secretary writing to the Chancellor", RADAKIN, True),  # no marks at all
    ("\u2018At the moment, under this spending review", RADAKIN, True),
    ("Proceedings are set to begin tomorrow", CHIKOV, False),
]


@pytest.fixture(scope="module")
def seed(quotes_of):
    path = SHARED_DATA / "seed_article.txt"
    if not path.exists():
        pytest.skip("../shared/data/seed_article.txt is not available")
    lines = path.read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.startswith("source:"))
    return text, quotes_of(text)


@pytest.mark.parametrize("opening,name,floating", EXPECTED)
def test_seed_quote_is_found_and_attributed(seed, opening, name, floating):
    text, cands = seed
    i = text.index(opening)
    found = [c for c in cands if c.start <= i + 3 < c.end]
    assert found, f"missed: {opening!r}"
    c = found[0]
    assert names_match(name, c.speaker_name), (opening, c.speaker_text, c.speaker_name)
    assert c.is_floating == floating


def test_seed_title_and_pronoun_mentions_resolve_to_full_names(seed):
    _, cands = seed
    mentions = {(c.speaker_text, c.speaker_name) for c in cands}
    assert ("Mr Wallace", "Ben Wallace") in mentions
    assert ("he", "Radakin") in mentions or ("he", "Admiral Radakin") in mentions


def test_seed_quotes_stop_at_paragraph_ends_and_never_at_an_apostrophe(seed):
    text, cands = seed
    for c in cands:
        assert "\n" not in c.text
        # a quote never starts or ends inside a word (they’re, Morans’ house)
        assert not (c.start > 0 and text[c.start - 1].isalpha() and text[c.start].isalpha())
        assert not (c.end < len(text) and text[c.end - 1].isalpha() and text[c.end].isalpha())
    assert not any(
        c.text in ("\u2018fall guy\u2019", "\u2018purged\u2019", "\u2018internal\u2019")
        for c in cands
    )
