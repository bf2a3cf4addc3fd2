from django.db import migrations, models

from ._postgresql import (
    TRANSITIONS,
    run_sql_on_postgresql,
    summary_triggers,
    summary_triggers_dropped,
)

# StatementTotal: the Statement table's totals as signed deltas, one row per statement that
# wrote annotations_statement (its transition tables give the rows before and after), so
# that whatever writes Statement (0009's recount, a restore, bulk SQL) moves the totals
# with it. A statement is counted while it has an appearance: 0009's recount inserts
# placeholder rows of 0 appearances before it counts. Every hundredth delta folds the
# rows no concurrent writer holds into one (SKIP LOCKED: a fold never waits), so the sum
# a reader takes stays over a few rows. tests/research/test_statement_total.py checks the
# totals against the table after every kind of write.
TOTALS = "statements, appearances, repeated_statements, repeated_appearances"


def _sums(rows: str) -> str:
    """The four totals of ``rows`` (Statement's appearances with a sign: +1 or -1)."""
    return (
        "coalesce(sum(sign) FILTER (WHERE appearances > 0), 0), "
        "coalesce(sum(sign * appearances), 0), "
        "coalesce(sum(sign) FILTER (WHERE appearances > 1), 0), "
        "coalesce(sum(sign * appearances) FILTER (WHERE appearances > 1), 0) "
        f"FROM ({rows}) AS changed"
    )


NEW = "SELECT 1 AS sign, appearances FROM new_rows"
OLD = "SELECT -1 AS sign, appearances FROM old_rows"
CHANGED = {"insert": NEW, "update": f"{NEW} UNION ALL {OLD}", "delete": OLD}

FOLD = f"""
CREATE OR REPLACE FUNCTION annotations_statementtotal_fold()
RETURNS void LANGUAGE sql AS $$
    WITH folded AS (
        DELETE FROM annotations_statementtotal WHERE id IN (
            SELECT id FROM annotations_statementtotal FOR UPDATE SKIP LOCKED
        )
        RETURNING {TOTALS}
    )
    INSERT INTO annotations_statementtotal ({TOTALS})
        SELECT sum(statements), sum(appearances), sum(repeated_statements),
               sum(repeated_appearances)
        FROM folded HAVING count(*) > 0;
$$;"""


def _function(event: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION annotations_statementtotal_after_{event}()
RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta_id bigint;
BEGIN
    -- A write that moves no total (a placeholder row, a recount that found what was
    -- there) adds no row.
    INSERT INTO annotations_statementtotal ({TOTALS})
        SELECT * FROM (SELECT {_sums(CHANGED[event])}) AS moved ({TOTALS})
        WHERE ({TOTALS}) <> (0, 0, 0, 0)
        RETURNING id INTO delta_id;
    IF delta_id % 100 = 0 THEN
        PERFORM annotations_statementtotal_fold();
    END IF;
    RETURN NULL;
END
$$;"""


FORWARD = [
    "LOCK TABLE annotations_statement IN SHARE MODE",  # no writer until this commits
    FOLD,
    *(_function(event) for event in TRANSITIONS),
    *summary_triggers("annotations_statement", "annotations_statementtotal"),
    # The totals of today's Statement table (none in a new database).
    f"INSERT INTO annotations_statementtotal ({TOTALS}) SELECT * FROM (SELECT "
    f"{_sums('SELECT 1 AS sign, appearances FROM annotations_statement')}) AS today ({TOTALS}) "
    f"WHERE ({TOTALS}) <> (0, 0, 0, 0)",
]
BACKWARD = [
    "DELETE FROM annotations_statementtotal",
    *summary_triggers_dropped("annotations_statement", "annotations_statementtotal"),
    "DROP FUNCTION IF EXISTS annotations_statementtotal_fold()",
]


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0021_voice_group_triggers"),
    ]

    operations = [
        migrations.CreateModel(
            name="StatementTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("statements", models.BigIntegerField()),
                ("appearances", models.BigIntegerField()),
                ("repeated_statements", models.BigIntegerField()),
                ("repeated_appearances", models.BigIntegerField()),
            ],
        ),
        run_sql_on_postgresql(FORWARD, BACKWARD),
    ]
