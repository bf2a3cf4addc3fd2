"""A small corpus in one newsroom's style, written for the tests: organisations are quoted
through a description of themselves ('the agency said') after being named, and people
through an epithet ('the 42-year-old founder said'). Each article comes with the gold an
editor would give (the organisation's or the person's full name)."""

# the description never repeats a word of the name: only the article says who it is
ORGANISATIONS = [
    ("Harbour Transit Authority", "agency"),
    ("Dunmore Water Board", "utility"),
    ("Eastvale Power Company", "utility"),
    ("Northfield Housing Trust", "charity"),
    ("Lakeshore Parks Department", "agency"),
    ("Riverside Library Service", "agency"),
    ("Kestrel Rail Corporation", "operator"),
    ("Granton Port Commission", "regulator"),
    ("Westmoor Health Agency", "regulator"),
    ("Ashby Road Safety Council", "charity"),
    ("Brambleton Waste Authority", "operator"),
    ("Colder Valley Water Board", "utility"),
]
PEOPLE = [
    ("Dana Whitfield", "Peter Quinn", "42-year-old founder"),
    ("Omar Haddad", "Lucy Grant", "veteran campaigner"),
    ("Ines Moreau", "Tom Baxter", "soft-spoken shopkeeper"),
    ("Kwame Mensah", "Rita Sollis", "Leeds-born resident"),
    ("Hana Sato", "Joel Pryce", "retired teacher"),
    ("Marta Kowalski", "Ben Adler", "young organiser"),
    ("Ravi Menon", "Clara Voss", "longtime tenant"),
    ("Sofia Reyes", "Hugo Lind", "former nurse"),
]


def organisation_article(org: str, noun: str, mayor: str) -> tuple[str, str, str]:
    quote = "\u201cThe increase covers the cost of fuel and wages,\u201d"
    text = (
        f"The {org} raised its prices on Monday.\n\n"
        f"Many residents were angry. Mayor {mayor} met community leaders in the evening.\n\n"
        f"{quote} the {noun} said in a statement."
    )
    return text, quote, org


def person_article(person: str, other: str, epithet: str) -> tuple[str, str, str]:
    quote = "\u201cI cannot pay that much and keep the doors open,\u201d"
    text = (
        f"{person} has run a bakery on Elm Street for a decade. The landlord, {other}, "
        "wants the rent doubled from January.\n\n"
        f"{quote} the {epithet} said."
    )
    return text, quote, person


def newsroom_records() -> list[dict]:
    """Gold records (shared/data/README.md format) of the corpus, ids 'newsroom-N'."""
    mayors = ["Alan Brooks", "Nora Field", "Ivan Petrov", "Greta Holm"]
    made = [
        organisation_article(org, noun, mayors[k % len(mayors)])
        for k, (org, noun) in enumerate(ORGANISATIONS)
    ] + [person_article(*p) for p in PEOPLE]
    records = []
    for n, (text, quote, name) in enumerate(made):
        start = text.index(quote)
        records.append(
            {
                "id": f"newsroom-{n}",
                "text": text,
                "quotes": [
                    {
                        "quote": quote,
                        "quote_span": [start, start + len(quote)],
                        "speaker": "",
                        "speaker_span": None,
                        "speaker_name": name,
                    }
                ],
            }
        )
    return records
