from django.db import migrations

from ._postgresql import run_sql_on_postgresql

# PostgreSQL keeps annotations_voicecount exact: after every INSERT, UPDATE or DELETE on
# annotations_quote (COPY, bulk SQL and the admin included) a statement-level trigger adds
# the statement's changes, grouped by (speaker, outlet, month, status, kind), in one
# set-based upsert however many rows it wrote; an article whose outlet or date changes
# moves its quotes' counts. Concurrent writers of one row are serialised by ON CONFLICT's
# row lock (and keys are upserted in a fixed order, so two bulk writers do not deadlock);
# a row whose count reaches 0 is deleted. Every status counts: the dashboard filters on it.
# SQLite has no triggers here; the dashboard counts quotes there instead.
ADD = """
CREATE OR REPLACE FUNCTION annotations_voicecount_add(
    speakers bigint[], outlets text[], months date[], statuses text[], kinds text[], deltas int[]
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO annotations_voicecount AS v (speaker_id, outlet, month, status, kind, quotes)
        SELECT d.speaker_id, d.outlet, d.month, d.status, d.kind, sum(d.delta)
        FROM unnest(speakers, outlets, months, statuses, kinds, deltas)
            AS d(speaker_id, outlet, month, status, kind, delta)
        GROUP BY 1, 2, 3, 4, 5
        HAVING sum(d.delta) <> 0
        ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (speaker_id, outlet, month, status, kind)
        DO UPDATE SET quotes = v.quotes + EXCLUDED.quotes;
    DELETE FROM annotations_voicecount WHERE quotes <= 0;
END
$$;
"""

ON_QUOTE_WRITE = """
CREATE OR REPLACE FUNCTION annotations_voicecount_on_quote_write()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM annotations_voicecount_add(
            array_agg(q.speaker_id), array_agg(a.outlet::text),
            array_agg(date_trunc('month', a.published)::date), array_agg(q.status::text),
            array_agg(q.kind::text), array_agg(1))
        FROM new_quotes q JOIN annotations_article a ON a.id = q.article_id;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM annotations_voicecount_add(
            array_agg(q.speaker_id), array_agg(a.outlet::text),
            array_agg(date_trunc('month', a.published)::date), array_agg(q.status::text),
            array_agg(q.kind::text), array_agg(-1))
        FROM old_quotes q JOIN annotations_article a ON a.id = q.article_id;
    ELSE
        PERFORM annotations_voicecount_add(
            array_agg(k.speaker_id), array_agg(a.outlet::text),
            array_agg(date_trunc('month', a.published)::date), array_agg(k.status),
            array_agg(k.kind), array_agg(k.delta))
        FROM (
            SELECT o.speaker_id, o.article_id, o.status::text, o.kind::text, -1 AS delta
            FROM old_quotes o JOIN new_quotes n USING (id)
            WHERE (o.speaker_id, o.article_id, o.status, o.kind)
                IS DISTINCT FROM (n.speaker_id, n.article_id, n.status, n.kind)
            UNION ALL
            SELECT n.speaker_id, n.article_id, n.status::text, n.kind::text, 1
            FROM old_quotes o JOIN new_quotes n USING (id)
            WHERE (o.speaker_id, o.article_id, o.status, o.kind)
                IS DISTINCT FROM (n.speaker_id, n.article_id, n.status, n.kind)
        ) AS k JOIN annotations_article a ON a.id = k.article_id;
    END IF;
    RETURN NULL;
END
$$;
"""

ON_ARTICLE_MOVE = """
CREATE OR REPLACE FUNCTION annotations_voicecount_on_article_move()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM annotations_voicecount_add(
        array_agg(k.speaker_id), array_agg(k.outlet), array_agg(k.month),
        array_agg(k.status), array_agg(k.kind), array_agg(k.delta))
    FROM (
        SELECT q.speaker_id, OLD.outlet::text AS outlet,
            date_trunc('month', OLD.published)::date AS month, q.status::text, q.kind::text,
            -1 AS delta
        FROM annotations_quote q WHERE q.article_id = OLD.id
        UNION ALL
        SELECT q.speaker_id, NEW.outlet::text, date_trunc('month', NEW.published)::date,
            q.status::text, q.kind::text, 1
        FROM annotations_quote q WHERE q.article_id = NEW.id
    ) AS k;
    RETURN NULL;
END
$$;
"""

# An editor's profile value is never replaced by an inferred one, whoever writes (the
# engine's services, a script, the admin): the change is refused unless the writer is an
# editor's action that says so (services.profiles sets annotations.profile_reset for
# "give it back to the engine").
PROTECT_EDITOR = """
CREATE OR REPLACE FUNCTION annotations_speaker_protect_editor()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('annotations.profile_reset', true), '') = 'on' THEN
        RETURN NEW;
    END IF;
    IF OLD.gender_source = 'editor' AND NEW.gender_source <> 'editor' THEN
        RAISE EXCEPTION 'speaker %: an editor set the gender; an inferred value cannot replace it', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.speaker_type_source = 'editor' AND NEW.speaker_type_source <> 'editor' THEN
        RAISE EXCEPTION 'speaker %: an editor set the type; an inferred value cannot replace it', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.role_source = 'editor' AND NEW.role_source <> 'editor' THEN
        RAISE EXCEPTION 'speaker %: an editor set the role; an inferred value cannot replace it', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
"""

TRIGGERS = [
    "CREATE TRIGGER annotations_voicecount_after_insert AFTER INSERT ON annotations_quote "
    "REFERENCING NEW TABLE AS new_quotes FOR EACH STATEMENT "
    "EXECUTE FUNCTION annotations_voicecount_on_quote_write()",
    "CREATE TRIGGER annotations_voicecount_after_update AFTER UPDATE ON annotations_quote "
    "REFERENCING OLD TABLE AS old_quotes NEW TABLE AS new_quotes FOR EACH STATEMENT "
    "EXECUTE FUNCTION annotations_voicecount_on_quote_write()",
    "CREATE TRIGGER annotations_voicecount_after_delete AFTER DELETE ON annotations_quote "
    "REFERENCING OLD TABLE AS old_quotes FOR EACH STATEMENT "
    "EXECUTE FUNCTION annotations_voicecount_on_quote_write()",
    "CREATE TRIGGER annotations_voicecount_after_article_move "
    "AFTER UPDATE OF outlet, published ON annotations_article FOR EACH ROW "
    "WHEN (OLD.outlet IS DISTINCT FROM NEW.outlet "
    "OR date_trunc('month', OLD.published) IS DISTINCT FROM date_trunc('month', NEW.published)) "
    "EXECUTE FUNCTION annotations_voicecount_on_article_move()",
    "CREATE TRIGGER annotations_speaker_protect_editor BEFORE UPDATE ON annotations_speaker "
    "FOR EACH ROW EXECUTE FUNCTION annotations_speaker_protect_editor()",
]

# Existing quotes, counted once; SHARE mode keeps writers out until the migration commits.
# The rows a trigger emptied, found without scanning the table (almost always none).
EMPTIED_INDEX = "CREATE INDEX voice_count_emptied ON annotations_voicecount (id) WHERE quotes <= 0"

BACKFILL = [
    "LOCK TABLE annotations_quote IN SHARE MODE",
    "INSERT INTO annotations_voicecount (speaker_id, outlet, month, status, kind, quotes) "
    "SELECT q.speaker_id, a.outlet, date_trunc('month', a.published)::date, q.status, q.kind, "
    "count(*) FROM annotations_quote q JOIN annotations_article a ON a.id = q.article_id "
    "GROUP BY 1, 2, 3, 4, 5",
    "ANALYZE annotations_voicecount",
]

DROP = [
    "DROP INDEX IF EXISTS voice_count_emptied",
    "DROP TRIGGER IF EXISTS annotations_voicecount_after_insert ON annotations_quote",
    "DROP TRIGGER IF EXISTS annotations_voicecount_after_update ON annotations_quote",
    "DROP TRIGGER IF EXISTS annotations_voicecount_after_delete ON annotations_quote",
    "DROP TRIGGER IF EXISTS annotations_voicecount_after_article_move ON annotations_article",
    "DROP TRIGGER IF EXISTS annotations_speaker_protect_editor ON annotations_speaker",
    "DROP FUNCTION IF EXISTS annotations_voicecount_on_quote_write()",
    "DROP FUNCTION IF EXISTS annotations_voicecount_on_article_move()",
    "DROP FUNCTION IF EXISTS annotations_speaker_protect_editor()",
    "DROP FUNCTION IF EXISTS annotations_voicecount_add(bigint[], text[], date[], text[], text[], int[])",
]


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0015_speaker_profile"),
    ]

    operations = [
        run_sql_on_postgresql(
            [
                EMPTIED_INDEX,
                ADD,
                ON_QUOTE_WRITE,
                ON_ARTICLE_MOVE,
                PROTECT_EDITOR,
                *TRIGGERS,
                *BACKFILL,
            ],
            DROP,
        ),
    ]
