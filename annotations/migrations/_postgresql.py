"""An operation for the PostgreSQL-only parts of the schema (full-text column, trigram
indexes, triggers). SQLite skips them; the code that reads them has a fallback there.
Django's migration loader ignores this module: its name starts with an underscore.
"""

from django.db import migrations


def run_sql_on_postgresql(forward: list[str], backward: list[str]) -> migrations.RunPython:
    """Run the ``forward`` statements on PostgreSQL, and ``backward`` to reverse them."""

    def runner(statements):
        def run(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                for sql in statements:
                    schema_editor.execute(sql)

        return run

    return migrations.RunPython(runner(forward), runner(backward))
