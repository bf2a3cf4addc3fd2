from django.db import migrations

from ._postgresql import run_sql_on_postgresql

# The articles page finds a word anywhere in a title, outlet or URL with icontains, which
# PostgreSQL runs as UPPER(column::text) LIKE UPPER('%word%'): no B-tree helps, so every
# search read all articles. Trigram GIN indexes over the same expressions answer those
# LIKEs (the three OR-ed conditions become one BitmapOr). pg_trgm is a trusted extension
# (PostgreSQL 13+): the database owner may create it without being a superuser.
# SQLite keeps its LIKE scan, which is fine at the sizes it serves.
COLUMNS = ["title", "outlet", "url"]
FORWARD = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"] + [
    f"CREATE INDEX IF NOT EXISTS article_{column}_trigram ON annotations_article "
    f"USING gin (UPPER({column}::text) gin_trgm_ops)"
    for column in COLUMNS
]
BACKWARD = [f"DROP INDEX IF EXISTS article_{column}_trigram" for column in COLUMNS]


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0009_statement_summary"),
    ]

    operations = [
        run_sql_on_postgresql(FORWARD, BACKWARD),
    ]
