from django.db import migrations

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


def add_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0009_statement_summary"),
    ]

    operations = [
        migrations.RunPython(add_trigram_indexes, drop_trigram_indexes),
    ]
