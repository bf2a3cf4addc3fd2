"""Operations for the backend-specific parts of the schema (full-text column, trigram
indexes, triggers, SQLite's FTS5 table). Other backends skip them; the code that reads
them has a fallback there.
Django's migration loader ignores this module: its name starts with an underscore.
"""

from django.db import migrations


def run_sql_on(vendor: str, forward: list[str], backward: list[str]) -> migrations.RunPython:
    """Run the ``forward`` statements on ``vendor`` ("postgresql", "sqlite"), and
    ``backward`` to reverse them; nothing on other databases."""

    def runner(statements):
        def run(apps, schema_editor):
            if schema_editor.connection.vendor == vendor:
                for sql in statements:
                    schema_editor.execute(sql, params=None)

        return run

    return migrations.RunPython(runner(forward), runner(backward))


def run_sql_on_postgresql(forward: list[str], backward: list[str]) -> migrations.RunPython:
    """Run the ``forward`` statements on PostgreSQL, and ``backward`` to reverse them."""
    return run_sql_on("postgresql", forward, backward)
