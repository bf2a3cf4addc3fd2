"""python manage.py generate_corpus: a made-up corpus for measuring the research pages.

Writes articles, speakers (some with aliases) and quotes with PostgreSQL COPY, so the
default size (100,000 articles, 1,000,000 quotes, 20,000 speakers) loads in minutes.
Every word is drawn from a made-up syllable vocabulary: nothing is copied from real news.
The corpus is realistic where the pages care: speakers are quoted with a Zipf-like skew,
outlets are uneven, dates span ten years, most quotes are reviewed, and about one quote in
twenty repeats an earlier statement of the same speaker in another outlet (agency copy).

It REPLACES every article, quote and speaker in the database it runs on, so it refuses
to run on a database that has articles unless given --replace. Use a database of its own:

    createdb -h 127.0.0.1 -U postgres newsquotes_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsquotes_bench \\
        python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsquotes_bench \\
        python manage.py generate_corpus
"""

import datetime
import random
import time
from importlib import import_module

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from annotations.models import content_hash, normalize_name, quote_fingerprint

SYLLABLES = [f"{consonant}{vowel}" for consonant in "bdfklmnprstvz" for vowel in "aeiou"] + [
    "an",
    "en",
    "in",
    "on",
    "ar",
    "er",
    "ir",
    "or",
    "al",
    "el",
    "il",
    "ol",
]
MASTHEADS = ["Times", "Post", "Herald", "Courier", "Star", "Gazette", "Record", "News"]
KINDS = ["direct"] * 6 + ["indirect"] * 3 + ["mixed"]
STATUSES = ["confirmed"] * 70 + ["corrected"] * 10 + ["candidate"] * 15 + ["rejected"] * 5
# The same index as migration 0008 creates (dropped during the load, rebuilt after).
FTS_INDEX = (
    "CREATE INDEX IF NOT EXISTS quote_search_vector ON annotations_quote USING gin (search_vector)"
)
CUES = ["said", "told reporters", "added", "argued", "warned", "explained"]


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choices(SYLLABLES, k=syllables))


class Command(BaseCommand):
    help = "Generate a synthetic corpus (PostgreSQL only) for the research benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--quotes", type=int, default=1_000_000)
        parser.add_argument("--speakers", type=int, default=20_000)
        parser.add_argument("--outlets", type=int, default=40)
        parser.add_argument("--seed", type=int, default=20261125)
        parser.add_argument(
            "--replace", action="store_true", help="Delete the articles already stored."
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("generate_corpus loads with PostgreSQL COPY: set DATABASE_URL.")
        from annotations.models import Article

        if Article.objects.exists() and not options["replace"]:
            raise CommandError(
                f"Database {connection.settings_dict['NAME']!r} already has articles; "
                "generate_corpus replaces them all. Use a database of its own, or --replace."
            )
        n_articles, n_quotes, n_speakers = (
            options["articles"],
            options["quotes"],
            options["speakers"],
        )
        if min(n_articles, n_quotes, n_speakers, options["outlets"]) < 1:
            raise CommandError("--articles, --quotes, --speakers and --outlets must be positive.")
        rng = random.Random(options["seed"])
        started = time.monotonic()
        vocabulary = list({_word(rng, rng.choice((1, 2, 2, 3, 3, 4))) for _ in range(12_000)})
        vocabulary.sort()  # sets are unordered: sort, then shuffle with the seeded rng
        rng.shuffle(vocabulary)
        # Zipf-like word frequencies: a few very common words, a long tail of rare ones.
        word_weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
        word_cum = _cumulative(word_weights)
        speaker_cum = _cumulative([1 / (rank + 1) for rank in range(n_speakers)])
        outlet_names = [
            f"The {_word(rng, 3).title()} {rng.choice(MASTHEADS)}"
            for _ in range(options["outlets"])
        ]
        outlet_cum = _cumulative([1 / (rank + 1) ** 0.7 for rank in range(len(outlet_names))])
        now = timezone.now()

        def words(count):
            return rng.choices(vocabulary, cum_weights=word_cum, k=count)

        speakers = []
        for _ in range(n_speakers):
            first, last = _word(rng, 2).title(), _word(rng, 3).title()
            speakers.append(f"{first} {last}")

        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE annotations_quote, annotations_historicalquote, "
                "annotations_speakeralias, annotations_historicalspeakeralias, "
                "annotations_speakermergesuggestion, annotations_speakermerge, "
                "annotations_statement, annotations_voicecount, annotations_voicepresence, "
                "annotations_voicepeople, annotations_speakerrole, "
                "annotations_historicalspeakerrole, "
                "annotations_speaker, annotations_historicalspeaker, "
                "annotations_article "
                "RESTART IDENTITY CASCADE"
            )
            # Building the GIN index once at the end is much faster than row by row.
            cursor.execute("DROP INDEX IF EXISTS quote_search_vector")
            self._copy_speakers(cursor, speakers, rng, now)
            self.stdout.write(f"{n_speakers:,} speakers ({time.monotonic() - started:.0f}s)")

            # Quotes per article: n_quotes spread over the articles, at least one each.
            per_article = [1] * n_articles
            for index in rng.choices(range(n_articles), k=max(0, n_quotes - n_articles)):
                per_article[index] += 1
            first_day = datetime.date(2015, 1, 1)
            span_days = (datetime.date(2025, 12, 31) - first_day).days
            statements = []  # (speaker index, text) said before: repeated as agency copy
            quote_id = 0
            with (
                cursor.copy(
                    "COPY annotations_article (id, external_id, outlet, url, title, published, "
                    "text, language, content_hash, imported_at, extraction_state, "
                    "extraction_error, extracted_with, extraction_attempts, review_candidates, "
                    "review_quotes) FROM STDIN"
                ) as articles_copy,
            ):
                quote_rows = []
                for article_id in range(1, n_articles + 1):
                    parts, article_quotes = [], []
                    position = 0
                    title = " ".join(words(rng.randint(4, 9))).capitalize()
                    for _ in range(per_article[article_id - 1]):
                        filler = " ".join(words(rng.randint(8, 25))).capitalize() + ". "
                        parts.append(filler)
                        position += len(filler)
                        if statements and rng.random() < 0.05:
                            speaker_index, body = rng.choice(statements)
                        else:
                            speaker_index = _pick(rng, speaker_cum)
                            body = " ".join(words(rng.randint(6, 30))).capitalize()
                            if len(statements) < 50_000:
                                statements.append((speaker_index, body))
                        kind = rng.choice(KINDS)
                        quote = f'"{body}," ' if kind != "indirect" else f"that {body} "
                        quote = quote.rstrip()
                        name = speakers[speaker_index]
                        cue = rng.choice(CUES)
                        sentence = f"{quote} {cue} {name}. "
                        quote_start = position
                        speaker_start = position + len(quote) + 1 + len(cue) + 1
                        parts.append(sentence)
                        position += len(sentence)
                        article_quotes.append(
                            (quote_start, quote, speaker_index, speaker_start, kind, cue)
                        )
                    text = "".join(parts).strip()
                    outlet = outlet_names[_pick(rng, outlet_cum)]
                    published = first_day + datetime.timedelta(days=rng.randint(0, span_days))
                    articles_copy.write_row(
                        (
                            article_id,
                            f"synthetic-{article_id}",
                            outlet,
                            f"https://synthetic.example/{article_id}",
                            title,
                            published,
                            text,
                            "en",
                            content_hash(text),
                            now,
                            "done",
                            "",
                            "synthetic",
                            1,
                            0,  # review counts: set below, once the quotes are in
                            0,
                        )
                    )
                    for (
                        quote_start,
                        quote,
                        speaker_index,
                        speaker_start,
                        kind,
                        cue,
                    ) in article_quotes:
                        quote_id += 1
                        name = speakers[speaker_index]
                        cue_start = quote_start + len(quote) + 1
                        quote_rows.append(
                            (
                                quote_id,
                                article_id,
                                quote_start,
                                quote_start + len(quote),
                                quote,
                                kind,
                                speaker_index + 1,
                                speaker_start,
                                speaker_start + len(name),
                                name,
                                name,
                                cue_start,
                                cue_start + len(cue),
                                cue,
                                round(rng.random(), 3),
                                rng.choice(STATUSES),
                                quote_fingerprint(quote),
                            )
                        )
                    if article_id % 10_000 == 0:
                        self.stdout.write(
                            f"{article_id:,} articles ({time.monotonic() - started:.0f}s)"
                        )
            self._copy_quotes(cursor, quote_rows, now)
            self.stdout.write(f"{quote_id:,} quotes ({time.monotonic() - started:.0f}s)")
            # The review queue's counts, as the services keep them (COPY bypasses those).
            Article.objects.refresh_review_counts()
            for table in ("annotations_article", "annotations_quote", "annotations_speaker"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
        with connection.cursor() as cursor:
            # After the commit: the deferred foreign-key checks must have run first.
            cursor.execute("SET maintenance_work_mem = '512MB'")
            cursor.execute(FTS_INDEX)
            self.stdout.write(f"full-text index built ({time.monotonic() - started:.0f}s)")
            for table in (
                "annotations_article",
                "annotations_quote",
                "annotations_speaker",
                "annotations_statement",
                "annotations_voicecount",
                "annotations_voicepresence",
                "annotations_voicepeople",
                "annotations_voicegroup",
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")  # index-only scans need it
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {n_articles:,} articles, {quote_id:,} quotes, {n_speakers:,} speakers "
                f"in {time.monotonic() - started:.0f}s."
            )
        )

    def _copy_speakers(self, cursor, speakers, rng, now):
        with cursor.copy(
            "COPY annotations_speaker (id, name, normalized_name, description, external_id, "
            "origin, created_at, speaker_type, gender, gender_source, gender_evidence, "
            "role, affiliation) FROM STDIN"
        ) as copy:
            for index, name in enumerate(speakers, 1):
                description = rng.choice(
                    ["", "", "Minister of " + _word(rng, 3).title(), "Spokesperson"]
                )
                speaker_type, gender, source = _profile(rng)
                evidence = {"title": "Ms " if gender == "female" else "Mr ", "pronoun": ""}
                evidence = evidence.get(source, "") + name.split()[-1] if source == "title" else ""
                if source == "pronoun":
                    evidence = "she said" if gender == "female" else "he said"
                elif source == "name":
                    evidence = name.split()[0]
                copy.write_row(
                    (index, name, normalize_name(name), description, "", "model", now)
                    + (speaker_type, gender, source, evidence, description, "")
                )
        with cursor.copy(
            "COPY annotations_speakeralias (speaker_id, name, normalized) FROM STDIN"
        ) as copy:
            for index, name in enumerate(speakers, 1):
                if index % 5 == 0:
                    alias = "Minister " + name.split()[-1]
                    copy.write_row((index, alias, normalize_name(alias)))

    def _copy_quotes(self, cursor, rows, now):
        # The Voices summaries are counted once after the COPY, set-based, as the
        # migrations count existing quotes: their trigger, which spreads each quote over
        # scopes, kinds and grains, would upsert tens of millions of rows for a million.
        cursor.execute(f"ALTER TABLE annotations_quote DISABLE TRIGGER {VOICE_TRIGGER}")
        with cursor.copy(
            'COPY annotations_quote (id, article_id, start, "end", text, kind, speaker_id, '
            "speaker_start, speaker_end, speaker_text, speaker_name, cue_start, cue_end, "
            "cue_text, confidence, status, fingerprint, is_floating, origin, "
            "extractor_version, version, created_at, updated_at, alternatives) FROM STDIN"
        ) as copy:
            tail = (False, "model", "synthetic", 1, now, now, "[]")
            for row in rows:
                copy.write_row(row + tail)
        for sql in voice_summary_backfill():
            cursor.execute(sql)
        # ALTER TABLE waits for no pending event: run the deferred foreign-key checks now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE annotations_quote ENABLE TRIGGER {VOICE_TRIGGER}")


VOICE_TRIGGER = "annotations_voicecount_after_insert"


def voice_summary_backfill() -> list[str]:
    """The migrations' counts of existing quotes into VoiceCount (0016), VoicePresence
    and VoicePeople (0018, with 0023's years) and the speakers' month bits (0024),
    without their LOCK (the COPY's transaction holds the table). The bits' UPDATE joins
    VoicePresence to itself: without its statistics (the table is new to the planner)
    that join was a nested loop over every row, still running after 20 minutes at 1M
    quotes, so the table is analysed first."""
    counts = import_module("annotations.migrations.0016_voice_count_triggers").BACKFILL
    people = import_module("annotations.migrations.0023_voice_years").BACKFILL
    bits = import_module("annotations.migrations.0024_voice_presence_months").BACKFILL
    counted = [sql for sql in [*counts, *people] if not sql.startswith(("LOCK", "ANALYZE"))]
    return [*counted, "ANALYZE annotations_voicepresence", bits]


# What the news looks like to the Gender Gap Tracker: most speakers are people, about a
# third of the people with a known gender are women; organisations and groups have none.
SPEAKER_TYPES = ["person"] * 80 + ["organisation"] * 12 + ["group"] * 5 + ["unknown"] * 3
PERSON_GENDERS = (
    [("female", "pronoun")] * 14
    + [("female", "title")] * 6
    + [("female", "name")] * 8
    + [("male", "pronoun")] * 30
    + [("male", "title")] * 12
    + [("male", "name")] * 20
    + [("nonbinary", "pronoun")]
    + [("unknown", "name")] * 5
    + [("unknown", "none")] * 4
)


def _profile(rng: random.Random) -> tuple[str, str, str]:
    """(speaker_type, gender, gender_source) of one made-up speaker."""
    speaker_type = rng.choice(SPEAKER_TYPES)
    if speaker_type != "person":
        return speaker_type, "unknown", "none"
    return (speaker_type, *rng.choice(PERSON_GENDERS))


def _cumulative(weights):
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _pick(rng: random.Random, cumulative) -> int:
    import bisect

    return bisect.bisect_left(cumulative, rng.random() * cumulative[-1])
