from django.db import migrations, models

from ._postgresql import run_sql_on_postgresql


def _m(name):
    from importlib import import_module

    return import_module(f"annotations.migrations.{name}")


# The Voices summaries per calendar year as well: two grains (VoiceGrain.YEAR and
# OUTLET_YEAR, 4 and 5) whose ``month`` is the year's first day. A year is the date filter
# researchers use most, and distinct people cannot be added up over months: without these
# rows a year's numbers came from its twelve months' per-speaker rows (50,000 rows grouped
# into 34,000 speakers per outlet at 1M quotes, about 90 ms); with them, from one cell an
# outlet, as the unfiltered numbers are.
#
# The quote trigger's function (0018) spreads each delta over the six grains instead of
# four; VoiceGroup follows VoicePeople by its own triggers (0021), whatever the grain.
GRAINS = [
    ("CROSS JOIN (VALUES (0), (1), (2), (3)) AS g(grain)", "CROSS JOIN generate_series(0, 5) AS g(grain)"),
    ("CASE WHEN g.grain IN (1, 3) THEN {t}.outlet END", "CASE WHEN g.grain IN (1, 3, 5) THEN {t}.outlet END"),
    (
        "CASE WHEN g.grain IN (2, 3) THEN {t}.month END",
        "CASE WHEN g.grain IN (2, 3) THEN {t}.month"
        " WHEN g.grain IN (4, 5) THEN date_trunc('year', {t}.month::timestamp)::date END",
    ),
]  # fmt: skip


def with_years(sql: str, table: str) -> str:
    """0018's SQL over the six grains, ``table`` the alias of its quote counts."""
    for old, new in GRAINS:
        old, new = old.format(t=table), new.format(t=table)
        assert old in sql, old
        sql = sql.replace(old, new)
    return sql


PEOPLE_ADD = with_years(_m("0018_voice_kinds").PEOPLE_ADD, "s")

# The summaries of every grain counted from VoiceCount (generate_corpus, after its COPY).
BACKFILL = [with_years(_m("0018_voice_kinds").BACKFILL[0], "v"), _m("0018_voice_kinds").BACKFILL[1]]

# This migration's: the two new grains only, the others are already there. SHARE mode
# keeps writers out until the migration commits.
YEAR_GRAINS_ONLY = ("generate_series(0, 5) AS g(grain)", "generate_series(4, 5) AS g(grain)")
PEOPLE_OF_YEARS = ("GROUP BY 1, 2, 3, 4, 5, 6, 7, 8", "WHERE p.grain IN (4, 5)\n    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8")
assert YEAR_GRAINS_ONLY[0] in BACKFILL[0] and PEOPLE_OF_YEARS[0] in BACKFILL[1]
FORWARD = [
    "LOCK TABLE annotations_quote IN SHARE MODE",
    PEOPLE_ADD,
    BACKFILL[0].replace(*YEAR_GRAINS_ONLY),
    # Without it the planner takes the new rows for none, and joins each of its millions
    # to every speaker by a nested loop: minutes instead of seconds at 1M quotes.
    "ANALYZE annotations_voicepresence",
    BACKFILL[1].replace(*PEOPLE_OF_YEARS),
    "ANALYZE annotations_voicepeople",
    "ANALYZE annotations_voicegroup",
]  # fmt: skip
BACKWARD = [
    _m("0018_voice_kinds").PEOPLE_ADD,
    "DELETE FROM annotations_voicepresence WHERE grain IN (4, 5)",
    "DELETE FROM annotations_voicepeople WHERE grain IN (4, 5)",
]

GRAIN = models.SmallIntegerField(
    choices=[
        (0, "everything"),
        (1, "per outlet"),
        (2, "per month"),
        (3, "per outlet and month"),
        (4, "per year"),
        (5, "per outlet and year"),
    ]
)


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0022_statement_total"),
    ]

    operations = [
        migrations.AlterField(model_name="voicegroup", name="grain", field=GRAIN),
        migrations.AlterField(model_name="voicepeople", name="grain", field=GRAIN),
        migrations.AlterField(model_name="voicepresence", name="grain", field=GRAIN),
        run_sql_on_postgresql(FORWARD, BACKWARD),
        # The most quoted of a year, of every outlet or of one, in order from an index.
        migrations.AddIndex(
            model_name="voicepresence",
            index=models.Index(
                models.F("scope"),
                models.F("kinds"),
                models.F("month"),
                models.OrderBy(models.F("quotes"), descending=True),
                models.F("speaker"),
                condition=models.Q(("grain", 4)),
                name="voice_presence_top_year",
            ),
        ),
        migrations.AddIndex(
            model_name="voicepresence",
            index=models.Index(
                models.F("scope"),
                models.F("kinds"),
                models.F("outlet"),
                models.F("month"),
                models.OrderBy(models.F("quotes"), descending=True),
                models.F("speaker"),
                condition=models.Q(("grain", 5)),
                name="voice_presence_top_outlet_year",
            ),
        ),
    ]
