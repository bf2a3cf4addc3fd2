"""The words the engine and the speaker matching read names with, in one place.

TITLE_WORDS: titles, honorifics, offices and descriptive words written before a name
("Defence Secretary Ben Wallace", "Mr Wallace", "former MP Jo Cox"); only leading words are
ever removed, never the last word of a name. SCORER_HONORIFICS: the titles the reference
scorer (shared/eval/score.py) drops before comparing names; scoring.py re-implements that
scorer, so this list is its definition, not ours to extend.
"""


def word_set(text: str) -> frozenset[str]:
    """A word list written as text, one or more words a line."""
    return frozenset(text.split())


# titles and offices both the engine and speaker matching strip before a name
COMMON_TITLES = word_set(
    """
    mr mrs ms miss mx dr prof professor sir dame lord lady rev reverend father hon
    sen senator rep gov governor gen col colonel capt captain lt sgt sergeant
    constable det detective insp inspector supt superintendent chief mayor premier
    president minister prime mp mpp mla judge justice officer admiral commander
    secretary chancellor leader ceo chair chairman chairwoman director spokesperson
    spokesman spokeswoman councillor coun deputy former attorney king queen prince
    princess pope bishop cardinal the defence defense foreign finance health home
    interior conservative liberal labour ndp green democratic republican opposition
    executive commissioner vice acting
"""
)
# the engine's resolution (coreference.py) also strips descriptive words news copy writes
# before a name ('campaigner Jo Cox', 'Health Minister', 'U.S. Senator')
TITLE_WORDS = COMMON_TITLES | word_set(
    """
    general lt-gen lt-col cpl cst const pm coach adm lawyer dr. mr. mrs. ms. st
    federal provincial state national campaigner activist senior u.s. us uk manager
    founder economist analyst head sheriff police associate assistant interim
"""
)
# speaker matching (annotations/speakers.py) also strips articles and the offices of
# names as editors type them; it leaves words that start organisation names ('National
# Grid', 'Home Office') alone
NAME_PREFIX_WORDS = COMMON_TITLES | word_set(
    """
    a an doctor fr sister brother rabbi imam archbishop representative congressman
    congresswoman ltgov environment education transport treasury culture trade labor
    energy cfo coo chairperson pc major maj lieutenant cmdr brig brigadier councilor
    cllr alderman msp mep duke duchess earl baron baroness honourable honorable then
    late shadow party democrat tory snp
"""
)
SCORER_HONORIFICS = word_set(
    """
    mr mrs ms miss mx dr prof professor sir dame lord lady rev reverend fr father
    hon sen senator rep gov gen col capt lt sgt cpl cst const det insp supt chief
    mayor premier president minister prime pm mp mpp judge justice officer coach the
"""
)
# the last word of a name that makes it an organisation whatever the NER says
ORGANISATION_HEADS = word_set(
    """
    agency association authority bank board canada centre center college commission
    committee company corp corporation council court department foundation government
    group inc institute ltd ministry office party police service services society
    transit union university
"""
)
