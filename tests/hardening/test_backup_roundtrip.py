"""export_editorial / import_editorial: everything editors did comes back exactly."""

import datetime
import io
import json

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations import backup
from annotations.models import (
    ApiToken,
    Article,
    Quote,
    Speaker,
    SpeakerAlias,
    SpeakerMerge,
    SpeakerMergeSuggestion,
    Statement,
    StatementTotal,
)
from tests.factories import make_article, make_quote, make_speaker

pytestmark = pytest.mark.django_db

HOSTILE = 'Ünïcode «quotes» <b>bold</b> "\u202eRTL\u202c" e\u0301 \U0001f600 a\\b\ttab\r\nCRLF'


def _as(user, instance):
    """Save ``instance`` with ``user`` recorded in its history, as the request middleware does."""
    instance._history_user = user
    instance.save()
    del instance._history_user


@pytest.fixture
def newsroom(alice, bob, rachel, admin_user):
    """A little of every kind of editorial work, with history written by two editors."""
    first = make_article(
        text='"We will rebuild," said Ana Lopez. ' + HOSTILE,
        url="https://news.example/a/1",
        published=datetime.date(2024, 2, 29),
        external_id="ext-1",
        imported_by=alice,
        claimed_by=bob,
        claimed_at=datetime.datetime(2024, 3, 1, 9, 15, 30, 123456, tzinfo=datetime.UTC),
        extraction_state=Article.Extraction.DONE,
        extracted_with="engine 1.0",
        extracted_at=datetime.datetime(2024, 3, 1, 9, 0, 0, 654321, tzinfo=datetime.UTC),
    )
    second = make_article(extraction_state=Article.Extraction.FAILED, extraction_error="boom")
    lopez = make_speaker("Ana Lopez", external_id="Q42", description="Mayor")
    duplicate = make_speaker("A. Lopez", origin=Speaker.Origin.MODEL)
    SpeakerAlias.objects.create(speaker=lopez, name="Mayor Lopez")
    _as(alice, SpeakerAlias(speaker=lopez, name="Señora López"))
    duplicate.merged_into = lopez
    _as(alice, duplicate)
    SpeakerMerge.objects.create(
        source=duplicate, target=lopez, moved_quote_ids=[1, 2], moved_alias_ids=[], merged_by=alice
    )
    reed = make_speaker("Tom Reed")
    SpeakerMergeSuggestion.objects.create(
        speaker=min(lopez, reed, key=lambda s: s.pk),
        other=max(lopez, reed, key=lambda s: s.pk),
        score=61.5,
        reason="surname",
    )

    confirmed = make_quote(
        first,
        '"We will rebuild,"',
        speaker=lopez,
        speaker_text="Ana Lopez",
        speaker_start=first.text.index("Ana"),
        speaker_end=first.text.index("Ana") + len("Ana Lopez"),
        cue_text="said",
        cue_start=first.text.index("said"),
        cue_end=first.text.index("said") + 4,
        confidence=0.8333333333333334,
        fingerprint="abc123",
        extractor_version="engine 1.0",
    )
    confirmed.status, confirmed.version, confirmed.updated_by = Quote.Status.CONFIRMED, 2, alice
    _as(alice, confirmed)
    corrected = make_quote(first, HOSTILE, kind=Quote.Kind.INDIRECT, created_by=alice)
    corrected.speaker, corrected.status, corrected.version = reed, Quote.Status.CORRECTED, 2
    _as(bob, corrected)
    corrected.status, corrected.version = Quote.Status.REJECTED, 3
    _as(alice, corrected)
    make_quote(second, "rebuild the bridge", confidence=None, is_floating=True)
    ApiToken.objects.create(user=rachel, name="laptop", key_hash=ApiToken.hash_key("secret"))
    return {"quote": confirmed, "article": first}


def _user_fields(model):
    return [f.attname for f in model._meta.concrete_fields if f.related_model is User]


def snapshot() -> dict[str, list[dict]]:
    """Every exported row, with user ids replaced by usernames (accounts get new ids)."""
    names = dict(User.objects.values_list("pk", "username"))
    rows = {}
    for model in backup.editorial_models():
        user_fields = _user_fields(model)
        rows[model._meta.label_lower] = [
            {k: names.get(v) if k in user_fields else v for k, v in row.items()}
            for row in model._default_manager.order_by("pk").values()
        ]
    groups = {
        user.username: sorted(g.name for g in user.groups.all())
        for user in User.objects.prefetch_related("groups")
    }
    rows["auth.user"] = [
        {k: v for k, v in row.items() if k != "id"} | {"groups": groups[row["username"]]}
        for row in User.objects.order_by("username").values()
    ]
    return rows


def empty_the_database():
    """TRUNCATE ... RESTART IDENTITY, as a fresh database has it (in the test's transaction)."""
    models = [*backup.editorial_models(), User, User.groups.through, User.user_permissions.through]
    tables = [m._meta.db_table for m in models] + ["django_admin_log"]
    with connection.cursor() as cursor:
        # Rows written in this transaction have deferred checks pending, which TRUNCATE refuses.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in connection.ops.sql_flush(
            no_style(), tables, reset_sequences=True, allow_cascade=True
        ):
            cursor.execute(sql)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def export_to(path):
    call_command("export_editorial", str(path), verbosity=0)
    return path


def test_round_trip_restores_every_row_exactly(newsroom, tmp_path):
    before = snapshot()
    assert before["annotations.historicalquote"], "the fixture must have written history"
    path = export_to(tmp_path / "backup.jsonl")
    empty_the_database()
    assert not Article.objects.exists() and not User.objects.exists()

    call_command("import_editorial", str(path), verbosity=0)

    assert snapshot() == before


def test_round_trip_keeps_microseconds_of_history(newsroom, tmp_path):
    stamps = list(Quote.history.order_by("history_id").values_list("history_date", flat=True))
    assert any(stamp.microsecond % 1000 for stamp in stamps)
    path = export_to(tmp_path / "backup.jsonl")
    empty_the_database()

    call_command("import_editorial", str(path), verbosity=0)

    assert list(Quote.history.order_by("history_id").values_list("history_date", flat=True)) == (
        stamps
    )


def test_restored_history_names_who_did_what(newsroom, tmp_path):
    path = export_to(tmp_path / "backup.jsonl")
    empty_the_database()

    call_command("import_editorial", str(path), verbosity=0)

    quote = Quote.objects.get(status=Quote.Status.REJECTED)
    steps = [
        (h.history_user.username if h.history_user else None, h.status)
        for h in quote.history.order_by("history_id")
    ]
    assert steps == [(None, "candidate"), ("bob", "corrected"), ("alice", "rejected")]


def test_new_rows_after_restore_do_not_reuse_restored_keys(newsroom, tmp_path):
    highest = Article.objects.order_by("-pk").first().pk
    path = export_to(tmp_path / "backup.jsonl")
    empty_the_database()
    call_command("import_editorial", str(path), verbosity=0)

    article = make_article()

    assert article.pk == highest + 1


def test_restore_keeps_permalink_ids(newsroom, tmp_path):
    quote, article = newsroom["quote"], newsroom["article"]
    path = export_to(tmp_path / "backup.jsonl")
    empty_the_database()

    call_command("import_editorial", str(path), verbosity=0)

    restored = Quote.objects.get(pk=quote.pk)
    assert (restored.article_id, restored.text) == (article.pk, quote.text)


def test_restore_refuses_a_database_that_holds_editorial_rows(newsroom, tmp_path):
    path = export_to(tmp_path / "backup.jsonl")
    before = snapshot()

    with pytest.raises(CommandError, match="not empty"):
        call_command("import_editorial", str(path), verbosity=0)

    assert snapshot() == before


def test_restore_keeps_an_account_that_already_exists(newsroom, tmp_path):
    path = export_to(tmp_path / "backup.jsonl")
    empty_the_database()
    ada = User.objects.create_user("ada", password="a new password")

    call_command("import_editorial", str(path), verbosity=0)

    ada.refresh_from_db()
    assert ada.check_password("a new password")
    assert Article.objects.filter(imported_by__username="alice").exists()


def _restore_bytes(data: bytes):
    return backup.restore(io.BytesIO(data))


def _lines(path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


@pytest.fixture
def backup_file(newsroom, tmp_path):
    path = export_to(tmp_path / "backup.jsonl")
    empty_the_database()
    return path


def _database_is_empty():
    return not backup.existing_editorial_rows() and not User.objects.exists()


def test_a_truncated_backup_is_refused_and_nothing_restored(backup_file):
    lines = _lines(backup_file)

    with pytest.raises(backup.BackupError, match="cut short"):
        _restore_bytes(b"".join(lines[: len(lines) // 2]))

    assert _database_is_empty()


def test_a_line_of_garbage_is_refused_naming_the_line(backup_file):
    lines = _lines(backup_file)
    lines[3] = b'{"model": "annotations.quote", "pk": 1, "fie\n'

    with pytest.raises(backup.BackupError, match="line 4: malformed JSON"):
        _restore_bytes(b"".join(lines))

    assert _database_is_empty()


def test_a_quote_whose_text_no_longer_matches_its_span_is_refused(backup_file):
    lines = _lines(backup_file)
    number = next(i for i, line in enumerate(lines) if b'"model": "annotations.quote"' in line)
    obj = json.loads(lines[number])
    obj["fields"]["text"] += "!"
    lines[number] = json.dumps(obj).encode() + b"\n"

    with pytest.raises(backup.BackupError, match=f"line {number + 1}: the database refused"):
        _restore_bytes(b"".join(lines))

    assert _database_is_empty()


def test_a_field_of_the_wrong_type_is_refused(backup_file):
    lines = _lines(backup_file)
    number = next(i for i, line in enumerate(lines) if b'"model": "annotations.article"' in line)
    obj = json.loads(lines[number])
    obj["fields"]["published"] = "last Tuesday"
    lines[number] = json.dumps(obj).encode() + b"\n"

    with pytest.raises(backup.BackupError, match=f"line {number + 1}: the annotations.article"):
        _restore_bytes(b"".join(lines))

    assert _database_is_empty()


def test_a_file_that_is_not_a_backup_is_refused(backup_file):
    with pytest.raises(backup.BackupError, match="not a newsquotes editorial backup"):
        _restore_bytes(b'{"text": "an article, not a backup"}\n')

    assert _database_is_empty()


def test_a_backup_from_a_newer_schema_is_refused(backup_file):
    lines = _lines(backup_file)
    header = json.loads(lines[0])
    header["migrations"]["annotations"].append("9999_from_the_future")
    lines[0] = json.dumps(header).encode() + b"\n"

    with pytest.raises(backup.BackupError, match="9999_from_the_future"):
        _restore_bytes(b"".join(lines))

    assert _database_is_empty()


def test_a_model_outside_the_backup_is_refused(backup_file):
    lines = _lines(backup_file)
    lines.insert(1, b'{"model": "sessions.session", "pk": "x", "fields": {}}\n')

    with pytest.raises(backup.BackupError, match="line 2: model 'sessions.session'"):
        _restore_bytes(b"".join(lines))

    assert _database_is_empty()


def test_every_annotations_model_but_the_derived_summaries_is_in_the_backup():
    exported = {m._meta.label_lower for m in backup.exported_models()}
    models = {m._meta.label_lower for m in apps.get_app_config("annotations").get_models()}

    assert models - exported == {
        "annotations.statement",
        "annotations.statementtotal",
        "annotations.voicecount",
        "annotations.voicegroup",
        "annotations.voicepeople",
        "annotations.voicepresence",
    }


def test_restored_quotes_have_their_statements_recounted(newsroom, tmp_path):
    if not Statement.is_maintained():
        pytest.skip("the Statement table is kept by PostgreSQL triggers")
    before = list(Statement.rows().order_by("speaker", "fingerprint"))
    totals_before = StatementTotal.totals(repeated_only=False)
    assert before, "the fixture must have reviewed quotes with speakers"
    path = export_to(tmp_path / "backup.jsonl")
    empty_the_database()

    call_command("import_editorial", str(path), verbosity=0)

    assert list(Statement.rows().order_by("speaker", "fingerprint")) == before
    assert StatementTotal.totals(repeated_only=False) == totals_before


@pytest.fixture(scope="module")
def small_backup(django_db_setup, django_db_blocker, tmp_path_factory):
    """A backup of a little data, made once: the fuzz test below damages copies of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        user = User.objects.create_user("fuzz-editor")
        article = make_article(text='"A quote," said Ana Lopez.', imported_by=user)
        quote = make_quote(article, '"A quote,"', speaker=make_speaker(), created_by=user)
        _as(user, quote)
        path = export_to(tmp_path_factory.mktemp("backup") / "small.jsonl")
        transaction.set_rollback(True)
    return path.read_bytes().splitlines(keepends=True)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_damaged_backup_is_refused_with_a_clear_error_and_nothing_restored(
    small_backup, data, db
):
    lines = list(small_backup)
    index = data.draw(st.integers(0, len(lines) - 1))
    damage = data.draw(
        st.one_of(
            st.binary(max_size=30),
            st.sampled_from(
                [b"[" * 5000, b"1" * 5000, b"\xff\xfe", b"{}", b"null", b'{"model": 1}']
            ),
            st.just(lines[index][: len(lines[index]) // 2]),
        )
    )
    lines[index] = damage + b"\n"

    try:
        backup.restore(io.BytesIO(b"".join(lines)))
    except backup.BackupError as error:
        assert str(error)
        assert _database_is_empty()
    else:
        # Harmless damage (a blank or whitespace line): everything came back.
        assert Quote.objects.count() == 1
