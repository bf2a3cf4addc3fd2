from django.db import migrations

from annotations import search

from ._postgresql import run_sql_on

# Search as the README documents it on both databases: phrases, or, -word, ranking and
# English stemming ("bridges" finds "bridge"), every word searchable (no stop list, so
# "to be or not to be" is a phrase, as on SQLite).
#
# PostgreSQL: the stored search_vector of migration 0008 is rebuilt with the
# newsquotes_english configuration (models.SEARCH_CONFIG = search.PG_CONFIG): the
# Snowball English stemmer without its stop words, for every kind of word. Words of other
# languages pass through the stemmer unchanged (lower-cased), as with 'simple' before.
PG_FORWARD = [
    # Re-runnable: a database where this ran before the migrations it now follows.
    "ALTER TABLE annotations_quote DROP COLUMN IF EXISTS search_vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS newsquotes_english",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS newsquotes_english_stem",
    "CREATE TEXT SEARCH DICTIONARY newsquotes_english_stem "
    "(TEMPLATE = snowball, LANGUAGE = english)",
    "CREATE TEXT SEARCH CONFIGURATION newsquotes_english (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION newsquotes_english ALTER MAPPING FOR "
    "asciiword, asciihword, hword_asciipart, word, hword, hword_part "
    "WITH newsquotes_english_stem",
    "ALTER TABLE annotations_quote ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('newsquotes_english'::regconfig, text)) STORED",
    "SET LOCAL maintenance_work_mem = '256MB'",
    "CREATE INDEX quote_search_vector ON annotations_quote USING gin (search_vector)",
    "ANALYZE annotations_quote",
]
PG_BACKWARD = [
    "ALTER TABLE annotations_quote DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE annotations_quote ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, text)) STORED",
    "CREATE INDEX quote_search_vector ON annotations_quote USING gin (search_vector)",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS newsquotes_english",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS newsquotes_english_stem",
]

# SQLite: an FTS5 table over the quote texts (porter stemming over unicode61, accents
# folded), external content so the text is stored once, kept in sync by triggers (and
# recreated after a table remake by search.ensure_sqlite_index on post_migrate).


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0012_extraction_task_path"),
    ]

    operations = [
        run_sql_on("postgresql", PG_FORWARD, PG_BACKWARD),
        run_sql_on("sqlite", search.SQLITE_FORWARD, search.SQLITE_BACKWARD),
    ]
