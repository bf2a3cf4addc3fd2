from django.db import migrations

from ._postgresql import (
    TRANSITIONS,
    run_sql_on_postgresql,
    summary_triggers,
    summary_triggers_dropped,
)

# VoiceGroup (0020): VoicePeople's profile rows of each cell added up, kept by statement triggers
# on VoicePeople with its transition tables, so that whatever writes VoicePeople (the quote
# and profile triggers of 0017 and 0018, a backfill, a restore) moves the sums with it, once
# per statement. The sums are those of annotations.voices.counts (its SUMS had them as
# filtered sums over the profile rows); tests/voices/test_voice_group.py checks the rows
# against VoicePeople after every kind of write.
TYPES = ["person", "organisation", "group", "unknown"]
GENDERS = ["female", "male", "nonbinary", "unknown"]
PERSON = "speaker_type = 'person'"
UNKNOWN_PERSON = PERSON + " AND gender = 'unknown'"
SUMS = {
    **{f"tq_{t}": ("quotes", f"speaker_type = '{t}'") for t in TYPES},
    **{f"tp_{t}": ("people", f"speaker_type = '{t}'") for t in TYPES},
    **{f"gq_{g}": ("quotes", f"{PERSON} AND gender = '{g}'") for g in GENDERS},
    **{f"gp_{g}": ("people", f"{PERSON} AND gender = '{g}'") for g in GENDERS},
    "uq_name": ("quotes", UNKNOWN_PERSON + " AND gender_source = 'name'"),
    "up_name": ("people", UNKNOWN_PERSON + " AND gender_source = 'name'"),
    "uq_none": ("quotes", UNKNOWN_PERSON + " AND gender_source <> 'name'"),
    "up_none": ("people", UNKNOWN_PERSON + " AND gender_source <> 'name'"),
}
CELL = "scope, grain, kinds, outlet, month"
# A cell with no quotes left has no row, as in VoicePeople.
EMPTY = " + ".join(f"tq_{t}" for t in TYPES) + " <= 0"


def _add(changed: str) -> str:
    """Add up the profile rows of ``changed`` (VoicePeople's columns, signed) per cell."""
    sums = ", ".join(
        f"coalesce(sum({column}) FILTER (WHERE {condition}), 0)"
        for column, condition in SUMS.values()
    )
    updates = ", ".join(f"{name} = g.{name} + EXCLUDED.{name}" for name in SUMS)
    return f"""
    INSERT INTO annotations_voicegroup AS g ({CELL}, {", ".join(SUMS)})
        SELECT {CELL}, {sums} FROM ({changed}) AS changed
        GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ({CELL}) DO UPDATE SET {updates};
    DELETE FROM annotations_voicegroup WHERE {EMPTY};"""


PROFILE_ROWS = (
    f"SELECT {CELL}, speaker_type, gender, gender_source, "
    "{sign}people AS people, {sign}quotes AS quotes FROM {table}"
)
NEW = PROFILE_ROWS.format(sign="", table="new_rows")
OLD = PROFILE_ROWS.format(sign="-", table="old_rows")
CHANGED = {"insert": NEW, "update": f"{NEW} UNION ALL {OLD}", "delete": OLD}


def _function(event: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION annotations_voicegroup_after_{event}()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN{_add(CHANGED[event])}
    RETURN NULL;
END
$$;"""


FORWARD = [
    "LOCK TABLE annotations_voicepeople IN SHARE MODE",  # no writer until this commits
    *(_function(event) for event in TRANSITIONS),
    *summary_triggers("annotations_voicepeople", "annotations_voicegroup"),
    f"CREATE INDEX voice_group_emptied ON annotations_voicegroup (id) WHERE {EMPTY}",
    # The cells of today's VoicePeople.
    _add(PROFILE_ROWS.format(sign="", table="annotations_voicepeople")),
    "ANALYZE annotations_voicegroup",
]
BACKWARD = [
    "DROP INDEX IF EXISTS voice_group_emptied",
    "DELETE FROM annotations_voicegroup",
    *summary_triggers_dropped("annotations_voicepeople", "annotations_voicegroup"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0020_voice_group"),
    ]

    operations = [
        run_sql_on_postgresql(FORWARD, BACKWARD),
    ]
