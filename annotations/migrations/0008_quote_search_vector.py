from django.db import migrations

from ._postgresql import run_sql_on_postgresql

# PostgreSQL stores every quote's tsvector in annotations_quote.search_vector, indexed by
# GIN, so a search neither re-parses the text of each candidate row (bitmap recheck) nor
# of each match it ranks (ts_rank). The model does not declare the column: only
# QuoteQuerySet.search/ranked read it (models.StoredSearchVector), and every INSERT and
# UPDATE leaves it to PostgreSQL. 'simple' is models.SEARCH_CONFIG; change both together.
# SQLite has no full-text column and searches with REGEXP.
FORWARD = [
    "ALTER TABLE annotations_quote ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, text)) STORED",
    "SET LOCAL maintenance_work_mem = '256MB'",
    "CREATE INDEX IF NOT EXISTS quote_search_vector ON annotations_quote USING gin (search_vector)",
    # Migration 0003's expression index, which nothing uses any more.
    "DROP INDEX IF EXISTS quote_text_fts",
    # The rewritten table has no statistics of the new column: without them the planner
    # guesses how many quotes a word matches (filters.few_matches) and picks slow plans.
    # (Index-only scans also need the VACUUM that autovacuum runs soon after.)
    "ANALYZE annotations_quote",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS quote_text_fts ON annotations_quote "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(text, '')))",
    "DROP INDEX IF EXISTS quote_search_vector",
    "ALTER TABLE annotations_quote DROP COLUMN IF EXISTS search_vector",
]


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0007_research_statement_index"),
    ]

    operations = [
        run_sql_on_postgresql(FORWARD, BACKWARD),
    ]
