from django.db import migrations, models

from ._postgresql import run_sql_on_postgresql


def _m(name):
    from importlib import import_module

    return import_module(f"annotations.migrations.{name}")


# The Voices summaries per kind of quote as well (annotations.models.kind_mask): every
# VoicePresence and VoicePeople row now says which kinds it counts (a bit mask: direct 1,
# indirect 2, mixed 4; 7 every kind, the rows of before). A quote counts in the four masks
# that have its kind's bit, so a kind filter reads its own few hundred rows, with distinct
# people exact, instead of grouping the quotes (18 s at 1M quotes).
#
# The triggers of 0016 and 0017 keep them exact as before: annotations_voicecount_add
# hands its kinds on too, and annotations_voicepeople_add spreads each delta over the
# masks as it does over scopes and grains. The upserted presence rows are matched to
# their deltas on plain equalities (NULLs compared through coalesce), which a hash join
# answers: a bulk write of a million quotes does not compare every pair.
KIND_BIT = "CASE {kind} WHEN 'direct' THEN 1 WHEN 'indirect' THEN 2 WHEN 'mixed' THEN 4 ELSE 0 END"
# A quote of another kind (none today) still counts in "every kind".
IN_MASK = "(m.kinds = 7 OR (m.kinds & " + KIND_BIT + ") <> 0)"

PEOPLE_ADD = """
CREATE OR REPLACE FUNCTION annotations_voicepeople_add(
    speakers bigint[], outlets text[], months date[], statuses text[], kind_names text[],
    deltas int[]
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    WITH d AS (
        SELECT * FROM unnest(speakers, outlets, months, statuses, kind_names, deltas)
            AS d(speaker_id, outlet, month, status, kind, delta)
    ), scoped AS (
        SELECT speaker_id, 1 AS scope, outlet, month, kind, delta FROM d
            WHERE status IN ('confirmed', 'corrected')
        UNION ALL
        SELECT speaker_id, 2, outlet, month, kind, delta FROM d
            WHERE status IN ('confirmed', 'corrected', 'candidate')
    ), masked AS (
        SELECT s.speaker_id, s.scope, m.kinds, s.outlet, s.month, s.delta
        FROM scoped s CROSS JOIN generate_series(1, 7) AS m(kinds)
        WHERE IN_MASK
    ), grained AS (
        SELECT s.speaker_id, s.scope, g.grain, s.kinds,
            CASE WHEN g.grain IN (1, 3) THEN s.outlet END AS outlet,
            CASE WHEN g.grain IN (2, 3) THEN s.month END AS month,
            sum(s.delta)::int AS delta
        FROM masked s CROSS JOIN (VALUES (0), (1), (2), (3)) AS g(grain)
        GROUP BY 1, 2, 3, 4, 5, 6
        HAVING sum(s.delta) <> 0
    ), upserted AS (
        INSERT INTO annotations_voicepresence AS p
            (speaker_id, scope, grain, kinds, outlet, month, quotes)
            SELECT speaker_id, scope, grain, kinds, outlet, month, delta FROM grained
            ORDER BY 1, 2, 3, 4, 5, 6
        ON CONFLICT (speaker_id, scope, grain, kinds, outlet, month)
            DO UPDATE SET quotes = p.quotes + EXCLUDED.quotes
        RETURNING p.speaker_id, p.scope, p.grain, p.kinds, p.outlet, p.month, p.quotes
    ), moved AS (
        SELECT u.scope, u.grain, u.kinds, u.outlet, u.month,
            coalesce(sp.speaker_type, 'unknown') AS speaker_type,
            coalesce(sp.gender, 'unknown') AS gender,
            coalesce(sp.gender_source, 'none') AS gender_source,
            CASE WHEN u.speaker_id IS NULL THEN 0
                 ELSE (u.quotes > 0)::int - (u.quotes - g.delta > 0)::int END AS people,
            g.delta AS quotes
        FROM upserted u
        JOIN grained g ON coalesce(g.speaker_id, -1) = coalesce(u.speaker_id, -1)
            AND g.scope = u.scope AND g.grain = u.grain AND g.kinds = u.kinds
            AND coalesce(g.outlet, '') = coalesce(u.outlet, '')
            AND coalesce(g.month, '0001-01-01') = coalesce(u.month, '0001-01-01')
            AND g.speaker_id IS NOT DISTINCT FROM u.speaker_id
            AND g.outlet IS NOT DISTINCT FROM u.outlet
            AND g.month IS NOT DISTINCT FROM u.month
        LEFT JOIN annotations_speaker sp ON sp.id = u.speaker_id
    )
    INSERT INTO annotations_voicepeople AS v
        (scope, grain, kinds, outlet, month, speaker_type, gender, gender_source, people, quotes)
        SELECT scope, grain, kinds, outlet, month, speaker_type, gender, gender_source,
            sum(people), sum(quotes)
        FROM moved GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT (scope, grain, kinds, outlet, month, speaker_type, gender, gender_source)
        DO UPDATE SET people = v.people + EXCLUDED.people, quotes = v.quotes + EXCLUDED.quotes;
    DELETE FROM annotations_voicepresence WHERE quotes <= 0;
    DELETE FROM annotations_voicepeople WHERE quotes <= 0 AND people <= 0;
END
$$;
""".replace("IN_MASK", IN_MASK.format(kind="s.kind"))

# 0016's summary function, handing its kinds on as well (same signature).
COUNT_ADD = _m("0016_voice_count_triggers").ADD.replace(
    "    DELETE FROM annotations_voicecount WHERE quotes <= 0;\n",
    "    DELETE FROM annotations_voicecount WHERE quotes <= 0;\n"
    "    PERFORM annotations_voicepeople_add(\n"
    "        speakers, outlets, months, statuses, kinds, deltas);\n",
)
assert "annotations_voicepeople_add" in COUNT_ADD

ON_PROFILE_CHANGE = """
CREATE OR REPLACE FUNCTION annotations_voicepeople_on_profile_change()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO annotations_voicepeople AS v
        (scope, grain, kinds, outlet, month, speaker_type, gender, gender_source, people, quotes)
        SELECT scope, grain, kinds, outlet, month, speaker_type, gender, gender_source,
            sum(people), sum(quotes)
        FROM (
            SELECT scope, grain, kinds, outlet, month, OLD.speaker_type::text AS speaker_type,
                OLD.gender::text AS gender, OLD.gender_source::text AS gender_source,
                -1 AS people, -quotes AS quotes
            FROM annotations_voicepresence WHERE speaker_id = OLD.id
            UNION ALL
            SELECT scope, grain, kinds, outlet, month, NEW.speaker_type::text, NEW.gender::text,
                NEW.gender_source::text, 1, quotes
            FROM annotations_voicepresence WHERE speaker_id = NEW.id
        ) AS moved
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT (scope, grain, kinds, outlet, month, speaker_type, gender, gender_source)
        DO UPDATE SET people = v.people + EXCLUDED.people, quotes = v.quotes + EXCLUDED.quotes;
    DELETE FROM annotations_voicepeople WHERE quotes <= 0 AND people <= 0;
    RETURN NULL;
END
$$;
"""

# The summaries recounted from VoiceCount (itself exact), with the masks; SHARE mode keeps
# writers out until the migration commits. Emptied first, refilled before the unique
# indexes are built (faster than inserting into them).
EMPTY = [
    "LOCK TABLE annotations_quote IN SHARE MODE",
    "TRUNCATE annotations_voicepresence, annotations_voicepeople",
]
BACKFILL = [
    """
    INSERT INTO annotations_voicepresence (speaker_id, scope, grain, kinds, outlet, month, quotes)
    SELECT v.speaker_id, s.scope, g.grain, m.kinds,
        CASE WHEN g.grain IN (1, 3) THEN v.outlet END,
        CASE WHEN g.grain IN (2, 3) THEN v.month END,
        sum(v.quotes)
    FROM annotations_voicecount v
    JOIN (VALUES (1), (2)) AS s(scope)
        ON v.status IN ('confirmed', 'corrected') OR (s.scope = 2 AND v.status = 'candidate')
    JOIN generate_series(1, 7) AS m(kinds) ON IN_MASK
    CROSS JOIN (VALUES (0), (1), (2), (3)) AS g(grain)
    GROUP BY 1, 2, 3, 4, 5, 6
    """.replace("IN_MASK", IN_MASK.format(kind="v.kind")),
    """
    INSERT INTO annotations_voicepeople
        (scope, grain, kinds, outlet, month, speaker_type, gender, gender_source, people, quotes)
    SELECT p.scope, p.grain, p.kinds, p.outlet, p.month, coalesce(sp.speaker_type, 'unknown'),
        coalesce(sp.gender, 'unknown'), coalesce(sp.gender_source, 'none'),
        count(p.speaker_id), sum(p.quotes)
    FROM annotations_voicepresence p LEFT JOIN annotations_speaker sp ON sp.id = p.speaker_id
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    """,
]
ANALYZE = ["ANALYZE annotations_voicepresence", "ANALYZE annotations_voicepeople"]

BACKWARD = [
    "DELETE FROM annotations_voicepresence WHERE kinds <> 7",
    "DELETE FROM annotations_voicepeople WHERE kinds <> 7",
    _m("0017_voice_people").PEOPLE_ADD,
    _m("0017_voice_people").COUNT_ADD,
    _m("0017_voice_people").ON_PROFILE_CHANGE,
    "DROP FUNCTION IF EXISTS "
    "annotations_voicepeople_add(bigint[], text[], date[], text[], text[], int[])",
]


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0017_voice_people"),
    ]

    operations = [
        run_sql_on_postgresql(EMPTY, []),
        migrations.RemoveConstraint(
            model_name="voicepeople",
            name="voice_people_unique",
        ),
        migrations.RemoveConstraint(
            model_name="voicepresence",
            name="voice_presence_unique",
        ),
        migrations.RemoveIndex(
            model_name="voicepresence",
            name="voice_presence_cell",
        ),
        migrations.AddField(
            model_name="voicepeople",
            name="kinds",
            field=models.SmallIntegerField(default=7, help_text="Kinds counted (kind_mask)."),
        ),
        migrations.AddField(
            model_name="voicepresence",
            name="kinds",
            field=models.SmallIntegerField(default=7, help_text="Kinds counted (kind_mask)."),
        ),
        run_sql_on_postgresql(BACKFILL, []),
        migrations.AddIndex(
            model_name="voicepresence",
            index=models.Index(
                fields=["scope", "grain", "kinds", "outlet", "month", "quotes"],
                name="voice_presence_cell_kinds",
            ),
        ),
        migrations.AddConstraint(
            model_name="voicepeople",
            constraint=models.UniqueConstraint(
                fields=(
                    "scope",
                    "grain",
                    "kinds",
                    "outlet",
                    "month",
                    "speaker_type",
                    "gender",
                    "gender_source",
                ),
                name="voice_people_unique_kinds",
                nulls_distinct=False,
            ),
        ),
        migrations.AddConstraint(
            model_name="voicepresence",
            constraint=models.UniqueConstraint(
                fields=("speaker", "scope", "grain", "kinds", "outlet", "month"),
                name="voice_presence_unique_kinds",
                nulls_distinct=False,
            ),
        ),
        # The most quoted of the corpus or of an outlet, in order from an index.
        migrations.AddIndex(
            model_name="voicepresence",
            index=models.Index(
                models.F("scope"),
                models.F("grain"),
                models.F("kinds"),
                models.OrderBy(models.F("quotes"), descending=True),
                models.F("speaker"),
                condition=models.Q(("month__isnull", True), ("outlet__isnull", True)),
                name="voice_presence_top_all",
            ),
        ),
        migrations.AddIndex(
            model_name="voicepresence",
            index=models.Index(
                models.F("scope"),
                models.F("grain"),
                models.F("kinds"),
                models.F("outlet"),
                models.OrderBy(models.F("quotes"), descending=True),
                models.F("speaker"),
                condition=models.Q(("month__isnull", True), ("outlet__isnull", False)),
                name="voice_presence_top_outlet",
            ),
        ),
        run_sql_on_postgresql(
            [
                PEOPLE_ADD,
                COUNT_ADD,
                ON_PROFILE_CHANGE,
                "DROP FUNCTION IF EXISTS "
                "annotations_voicepeople_add(bigint[], text[], date[], text[], int[])",
                *ANALYZE,
            ],
            BACKWARD,
        ),
    ]
