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


# PostgreSQL allows transition tables only on a trigger of one event: a trigger each.
TRANSITIONS = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
}


def summary_triggers(source: str, summary: str) -> list[str]:
    """The triggers that keep the table ``summary`` from the writes to ``source``: after
    each INSERT, UPDATE and DELETE statement, the function {summary}_after_{event}()
    (written by the migration) with the statement's transition tables, new_rows and
    old_rows; after a TRUNCATE, the summary emptied."""
    return [
        *(
            f"CREATE TRIGGER {summary}_after_{event} AFTER {event.upper()} "
            f"ON {source} {transition} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION {summary}_after_{event}()"
            for event, transition in TRANSITIONS.items()
        ),
        f"""
CREATE OR REPLACE FUNCTION {summary}_after_truncate()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Not TRUNCATE: a TRUNCATE of both tables (a test database's flush) holds this one.
    DELETE FROM {summary};
    RETURN NULL;
END
$$;""",
        f"CREATE TRIGGER {summary}_after_truncate AFTER TRUNCATE "
        f"ON {source} FOR EACH STATEMENT "
        f"EXECUTE FUNCTION {summary}_after_truncate()",
    ]


def summary_triggers_dropped(source: str, summary: str) -> list[str]:
    """summary_triggers undone, with the functions they run."""
    events = [*TRANSITIONS, "truncate"]
    return [
        *(f"DROP TRIGGER IF EXISTS {summary}_after_{event} ON {source}" for event in events),
        *(f"DROP FUNCTION IF EXISTS {summary}_after_{event}()" for event in events),
    ]
