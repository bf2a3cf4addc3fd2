"""Write gold-quotes.jsonl: three invented articles with hand-annotated gold quotes.

The annotations are written as strings, not offsets; this script finds each one in its
article and writes the spans, so the file always satisfies ``text[s:e] == quote``. Every
string must occur exactly once in the text, or once in the paragraph of its quote for
speakers and cues (the occurrence nearest the quote is taken). Run it after editing:

    .venv/bin/python samples/build_gold_quotes.py
"""

import json
from pathlib import Path

OUT = Path(__file__).with_name("gold-quotes.jsonl")

# (quote, speaker mention or "" when floating, speaker_name, cue or "")
ARTICLES = [
    {
        "id": "nq-sample-0001",
        "outlet": "Inchmara Weekly",
        "url": "https://inchmara.example.org/news/wind-turbine-vote",
        "title": "Islanders vote for a community wind turbine",
        "date": "2025-10-14",
        "paragraphs": [
            "Residents of Inchmara have voted by a large majority to build a community-owned "
            "wind turbine on Ben Rua, the island's highest hill.",
            '"This is the island taking charge of its own future," said Morag Tulloch, who '
            'chairs the Inchmara Energy Trust. "Every penny the turbine earns will stay here."',
            "She said the trust expected the turbine to raise about £120,000 a year for local "
            "projects, starting with insulation for older homes.",
            "According to the trust, 412 of the island's 530 voters took part, and 81 per cent "
            "backed the plan.",
            'Not everyone is convinced. Crofter Angus Beaton said the turbine would "spoil the '
            'one view on this island that nobody has built on" and warned that the access road '
            "would cross common grazing.",
            "The turbine would be the island's second renewable energy project, after the solar "
            "panels fitted to the school and the pier building in 2021.",
            "The regional council's planning committee is expected to consider the application "
            "in the new year. A public meeting about the access road will be held in the village "
            "hall on November 3.",
        ],
        "quotes": [
            (
                '"This is the island taking charge of its own future,"',
                "Morag Tulloch",
                "Morag Tulloch",
                "said",
            ),
            ('"Every penny the turbine earns will stay here."', "", "Morag Tulloch", ""),
            (
                "the trust expected the turbine to raise about £120,000 a year for local "
                "projects, starting with insulation for older homes",
                "She",
                "Morag Tulloch",
                "said",
            ),
            (
                "412 of the island's 530 voters took part, and 81 per cent backed the plan",
                "the trust",
                "Inchmara Energy Trust",
                "According to",
            ),
            (
                'the turbine would "spoil the one view on this island that nobody has built on"',
                "Angus Beaton",
                "Angus Beaton",
                "said",
            ),
            (
                "the access road would cross common grazing",
                "Angus Beaton",
                "Angus Beaton",
                "warned",
            ),
        ],
    },
    {
        "id": "nq-sample-0002",
        "outlet": "Northmoor Evening Post",
        "url": "https://www.example.org/northmoor-post/2025/10/30/bus-fare-cap",
        "title": "Bus fare cap to end in January, operator confirms",
        "date": "2025-10-30",
        "paragraphs": [
            "The £2 cap on single bus fares across Northmoor will end on January 5, Moorlink "
            "Buses has confirmed.",
            "The company said fares on its busiest routes would rise to between £2.60 and "
            "£3.40, blaming higher wages and fuel costs.",
            "Managing director Simon Kettering said: ‘We’ve held fares down for as long as we "
            "could. The cap was always meant to be temporary, and the grant that paid for it "
            "has now ended.",
            "‘We know that’s hard news for people who rely on us, and we’ve kept weekly tickets "
            "at their current price.’",
            "Councillor Amira Haddad said the rise would hit ‘the people who can least afford "
            "it’, and called on Moorlink to delay the change until the spring.",
            "Mr Kettering said the company’s drivers’ pay deal left no room for a delay.",
            "Moorlink carries about 40,000 passengers a day across the county, most of them on "
            "routes into Northmoor town centre.",
            "The council is due to discuss bus services at its full meeting next month.",
        ],
        "quotes": [
            (
                "fares on its busiest routes would rise to between £2.60 and £3.40",
                "The company",
                "Moorlink Buses",
                "said",
            ),
            (
                "‘We’ve held fares down for as long as we could. The cap was always meant to be "
                "temporary, and the grant that paid for it has now ended.",
                "Simon Kettering",
                "Simon Kettering",
                "said",
            ),
            (
                "‘We know that’s hard news for people who rely on us, and we’ve kept weekly "
                "tickets at their current price.’",
                "",
                "Simon Kettering",
                "",
            ),
            (
                "the rise would hit ‘the people who can least afford it’",
                "Amira Haddad",
                "Amira Haddad",
                "said",
            ),
            (
                "the company’s drivers’ pay deal left no room for a delay",
                "Mr Kettering",
                "Simon Kettering",
                "said",
            ),
        ],
    },
    {
        "id": "nq-sample-0003",
        "outlet": "The Valley Courier",
        "url": "https://valleycourier.example.com/2025/06/carrick-folk-festival",
        "title": "Carrick folk festival moves to a bigger site after record sales",
        "date": "2025-06-24",
        "paragraphs": [
            "The Carrick Folk Festival will move to Lowther Park next summer after selling out "
            "its riverside site in under an hour.",
            "The festival began in 2009 as a single evening of music in the back room of the "
            "Carrick Arms, and now draws performers from across the country.",
            "“We’ve outgrown the meadow, and that’s a lovely problem to have,” said festival "
            "director Owen Pritchard.",
            "The new site can hold 9,000 people, three times the current capacity, according "
            "to the organisers.",
            "Mr Pritchard said ticket prices would stay the same for a fourth year.",
            "Residents near Lowther Park have raised concerns about traffic. Elaine Foster, who "
            "lives on the park’s edge, told the Courier she was worried about “three days of "
            "cars parked on every verge”.",
            "“We’ll run shuttle buses from the station,” Mr Pritchard said. “And we’ll have "
            "stewards on every street around the park.”",
            "The council said the festival’s application for a licence at the new site would be "
            "heard in September.",
        ],
        "quotes": [
            (
                "“We’ve outgrown the meadow, and that’s a lovely problem to have,”",
                "Owen Pritchard",
                "Owen Pritchard",
                "said",
            ),
            (
                "The new site can hold 9,000 people, three times the current capacity",
                "the organisers",
                "Carrick Folk Festival",
                "according to",
            ),
            (
                "ticket prices would stay the same for a fourth year",
                "Mr Pritchard",
                "Owen Pritchard",
                "said",
            ),
            (
                "she was worried about “three days of cars parked on every verge”",
                "Elaine Foster",
                "Elaine Foster",
                "told",
            ),
            (
                "“We’ll run shuttle buses from the station,”",
                "Mr Pritchard",
                "Owen Pritchard",
                "said",
            ),
            (
                "“And we’ll have stewards on every street around the park.”",
                "",
                "Owen Pritchard",
                "",
            ),
        ],
    },
]


def nearest(text: str, needle: str, lo: int, hi: int, anchor: int) -> list[int] | None:
    """The span of ``needle`` in ``text[lo:hi]`` nearest to ``anchor``."""
    if not needle:
        return None
    found, at = [], text.find(needle, lo, hi)
    while at != -1:
        found.append(at)
        at = text.find(needle, at + 1, hi)
    if not found:
        raise SystemExit(f"{needle!r} is not in the paragraph at {lo}")
    start = min(found, key=lambda s: abs(s - anchor))
    return [start, start + len(needle)]


def build(article: dict) -> dict:
    text = "\n".join(article["paragraphs"])
    quotes = []
    for quote, speaker, name, cue in article["quotes"]:
        if text.count(quote) != 1:
            raise SystemExit(f"{quote!r} occurs {text.count(quote)} times in {article['id']}")
        start = text.index(quote)
        lo = text.rfind("\n", 0, start) + 1
        hi = text.find("\n", start)
        hi = len(text) if hi == -1 else hi
        speaker_span = nearest(text, speaker, lo, hi, start)
        cue_span = nearest(text, cue, lo, hi, start)
        quotes.append(
            {
                "quote": quote,
                "quote_span": [start, start + len(quote)],
                "speaker": speaker,
                "speaker_span": speaker_span,
                "speaker_name": name,
                "verb": cue,
                "verb_span": cue_span,
            }
        )
    record = {k: article[k] for k in ("id", "outlet", "url", "title", "date")}
    record.update(text=text, quotes=quotes)
    return record


if __name__ == "__main__":
    with OUT.open("w", encoding="utf-8") as out:
        for article in ARTICLES:
            out.write(json.dumps(build(article), ensure_ascii=False) + "\n")
    print(f"wrote {OUT}")
