from django.db import migrations, models

import annotations.models

from ._postgresql import run_sql_on_postgresql


def _m(name):
    from importlib import import_module

    return import_module(f"annotations.migrations.{name}")


# The months each speaker is quoted in, on VoicePresence's rows of the grains ALL and
# OUTLET (one per speaker, one per speaker and outlet): a bit string, bit i for the month
# first_month + i. Distinct people cannot be added up over months, so a range of several
# years read every month's per-speaker rows (500,000 for ten years at 1M quotes, grouped
# into 184,000 speakers per outlet: 470 ms); with the bits it is one pass over the
# speakers' rows, whatever the range's length.
#
# The quote trigger's function (0018, 0023) sets or clears, after it has written its
# deltas, the bit of each month they touched, from whether that month's row is there.
MONTH_NUMBER = """
CREATE OR REPLACE FUNCTION annotations_month_number(day date) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT extract(year FROM day)::int * 12 + extract(month FROM day)::int - 1
$$;
"""
# Whether a row's bits have a month in [lo, hi] (month numbers). A CASE, so that the
# substring is never asked for a negative length; inlined by the planner.
MONTHS_ANY = """
CREATE OR REPLACE FUNCTION annotations_months_any(first int, bits varbit, lo int, hi int)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN bits IS NULL OR hi < first OR lo > first + length(bits) - 1 THEN false
        ELSE bit_count(substring(bits FROM greatest(lo, first) - first + 1
            FOR least(hi, first + length(bits) - 1) - greatest(lo, first) + 1)) > 0
    END
$$;
"""

# The bits of the rows of grains ALL and OUTLET, recounted from the month rows of grains
# MONTH and OUTLET_MONTH (undated quotes have none): the migration's backfill, and
# generate_corpus's.
BACKFILL = """
WITH present AS (
    SELECT m.speaker_id, m.scope, m.grain - 2 AS grain, m.kinds,
        CASE WHEN m.grain = 3 THEN m.outlet END AS outlet,
        annotations_month_number(m.month) AS n
    FROM annotations_voicepresence m
    WHERE m.grain IN (2, 3) AND m.month IS NOT NULL AND m.quotes > 0
        AND m.speaker_id IS NOT NULL
), spans AS (
    SELECT *, min(n) OVER w AS first, max(n) OVER w AS last FROM present
    WINDOW w AS (PARTITION BY speaker_id, scope, grain, kinds, outlet)
), bits AS (
    SELECT speaker_id, scope, grain, kinds, outlet, min(first) AS first,
        bit_or(lpad('1' || repeat('0', last - n), last - first + 1, '0')::varbit) AS months
    FROM spans GROUP BY 1, 2, 3, 4, 5
)
UPDATE annotations_voicepresence p SET first_month = b.first, months = b.months
FROM bits b
WHERE p.speaker_id = b.speaker_id AND p.scope = b.scope AND p.grain = b.grain
    AND p.kinds = b.kinds AND coalesce(p.outlet, '') = coalesce(b.outlet, '')
    AND p.grain IN (0, 1)
"""

# The bits with month ``n`` (a month number) set or cleared, as (first_month, months): a
# set month before the first or after the last widens them; a cleared one leaves a 0.
MONTHS_WITH = """
CREATE OR REPLACE FUNCTION annotations_months_with(
    first int, bits varbit, n int, present boolean, OUT new_first int, OUT new_bits varbit
) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT
        CASE WHEN bits IS NULL THEN CASE WHEN present THEN n END
             WHEN present AND n < first THEN n
             ELSE first END,
        CASE WHEN bits IS NULL THEN CASE WHEN present THEN B'1'::varbit END
             WHEN n < first THEN CASE WHEN present
                 THEN B'1' || repeat('0', first - n - 1)::varbit || bits ELSE bits END
             WHEN n >= first + length(bits) THEN CASE WHEN present
                 THEN bits || (repeat('0', n - first - length(bits)) || '1')::varbit
                 ELSE bits END
             ELSE set_bit(bits, n - first, present::int) END
$$;
"""

# After the quote trigger's function (0018, 0023) has written a call's deltas: for each
# (speaker, outlet, month) they touched, in each scope and kind mask they counted in, the
# bit of that month in the speaker's row of grain ALL and of grain OUTLET for that outlet
# is made to say whether the month's row is there now. A few index lookups a quote; a bit
# changes only when a speaker's first quote of a month comes or the last one goes. Two
# branches, one a grain, rather than one with IS NOT DISTINCT FROM on the outlet: each
# compares every column of the unique index by equality, so each row is one lookup.
FLIP_BITS = """
    SELECT array_agg(f.id), array_agg(f.n), array_agg(f.present)
    INTO flip_ids, flip_months, flip_present
    FROM (
        WITH touched AS (  -- the cells the call's deltas counted in, as 0018 spreads them
            SELECT DISTINCT d.speaker_id, d.outlet, d.month, s.scope, m.kinds
            FROM unnest(speakers, outlets, months, statuses, kind_names)
                AS d(speaker_id, outlet, month, status, kind)
            JOIN (VALUES (1), (2)) AS s(scope) ON d.status IN ('confirmed', 'corrected')
                OR (s.scope = 2 AND d.status = 'candidate')
            JOIN generate_series(1, 7) AS m(kinds) ON IN_MASK
            WHERE d.speaker_id IS NOT NULL AND d.month IS NOT NULL
        )
        SELECT p.id, annotations_month_number(k.month) AS n, p.first_month, p.months,
            EXISTS (
                SELECT 1 FROM annotations_voicepresence m
                WHERE m.speaker_id = k.speaker_id AND m.scope = k.scope AND m.grain = 2
                    AND m.kinds = k.kinds AND m.outlet IS NULL AND m.month = k.month
                    AND m.quotes > 0
            ) AS present
        FROM touched k JOIN annotations_voicepresence p ON p.speaker_id = k.speaker_id
            AND p.scope = k.scope AND p.grain = 0 AND p.kinds = k.kinds AND p.outlet IS NULL
        UNION ALL
        SELECT p.id, annotations_month_number(k.month), p.first_month, p.months,
            EXISTS (
                SELECT 1 FROM annotations_voicepresence m
                WHERE m.speaker_id = k.speaker_id AND m.scope = k.scope AND m.grain = 3
                    AND m.kinds = k.kinds AND m.outlet = k.outlet AND m.month = k.month
                    AND m.quotes > 0
            )
        FROM touched k JOIN annotations_voicepresence p ON p.speaker_id = k.speaker_id
            AND p.scope = k.scope AND p.grain = 1 AND p.kinds = k.kinds AND p.outlet = k.outlet
    ) AS f
    WHERE annotations_months_any(f.first_month, f.months, f.n, f.n) <> f.present;
    -- Each row's first month to change in one statement; the rows with more (a write
    -- of several months of one speaker) one month at a time after it, each on the row as
    -- it is by then.
    UPDATE annotations_voicepresence p SET (first_month, months) = (
        SELECT new_first, new_bits
        FROM annotations_months_with(p.first_month, p.months, f.n, f.present)
    )
    FROM (
        SELECT DISTINCT ON (id) id, n, present
        FROM unnest(flip_ids, flip_months, flip_present) AS f(id, n, present)
        ORDER BY id, n
    ) AS f
    WHERE p.id = f.id;
    FOR flip IN
        SELECT id, n, present FROM (
            SELECT *, row_number() OVER (PARTITION BY id ORDER BY n) AS nth
            FROM unnest(flip_ids, flip_months, flip_present) AS f(id, n, present)
        ) AS f WHERE nth > 1
    LOOP
        UPDATE annotations_voicepresence p SET (first_month, months) = (
            SELECT new_first, new_bits
            FROM annotations_months_with(p.first_month, p.months, flip.n, flip.present)
        ) WHERE p.id = flip.id;
    END LOOP;
""".replace("IN_MASK", _m("0018_voice_kinds").IN_MASK.format(kind="d.kind"))

# 0023's function, flipping the bits of the months it touched before it returns (the
# emptied rows are deleted by then).
FLIP_VARIABLES = (
    "DECLARE\n    flip record;\n    flip_ids bigint[];\n    flip_months int[];\n"
    "    flip_present boolean[];\n"
)
BEGIN = "RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n"
END = "    DELETE FROM annotations_voicepeople WHERE quotes <= 0 AND people <= 0;\nEND\n"
assert BEGIN in _m("0023_voice_years").PEOPLE_ADD and END in _m("0023_voice_years").PEOPLE_ADD
PEOPLE_ADD = (
    _m("0023_voice_years")
    .PEOPLE_ADD.replace(BEGIN, BEGIN.replace("BEGIN\n", FLIP_VARIABLES + "BEGIN\n"))
    .replace(END, END.replace("END\n", FLIP_BITS.lstrip("\n") + "END\n"))
)
assert FLIP_BITS.strip() in PEOPLE_ADD and FLIP_VARIABLES in PEOPLE_ADD

FORWARD = [
    # SHARE mode keeps writers out until the migration commits.
    "LOCK TABLE annotations_quote IN SHARE MODE",
    MONTH_NUMBER,
    MONTHS_ANY,
    MONTHS_WITH,
    PEOPLE_ADD,
    BACKFILL,
    "ANALYZE annotations_voicepresence",
]
BACKWARD = [
    _m("0023_voice_years").PEOPLE_ADD,
    "DROP FUNCTION IF EXISTS annotations_months_with(int, varbit, int, boolean)",
    "DROP FUNCTION IF EXISTS annotations_months_any(int, varbit, int, int)",
    "DROP FUNCTION IF EXISTS annotations_month_number(date)",
]


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0023_voice_years"),
    ]

    operations = [
        migrations.AddField(
            model_name="voicepresence",
            name="first_month",
            field=models.IntegerField(null=True),
        ),
        migrations.AddField(
            model_name="voicepresence",
            name="months",
            field=annotations.models.BitStringField(null=True),
        ),
        run_sql_on_postgresql(FORWARD, BACKWARD),
        migrations.AddIndex(
            model_name="voicepresence",
            index=models.Index(
                condition=models.Q(("grain__lte", 1)),
                fields=["scope", "grain", "kinds", "outlet", "speaker"],
                include=("first_month", "months"),
                name="voice_presence_months",
            ),
        ),
    ]
