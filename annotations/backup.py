"""Export everything the editors did to one JSON Lines file, and restore it losslessly.

The objects are written by Django's own serialization framework (the ``jsonl`` format
that ``dumpdata`` writes, read back by its deserializer, as ``loaddata`` does), with two
differences that make the round trip exact:

* datetimes keep their microseconds (``DjangoJSONEncoder``, which ``dumpdata`` uses,
  cuts them to milliseconds, so history timestamps would not come back equal);
* the file opens with a header (format, schema migrations) and closes with a trailer
  (object counts), so a truncated or foreign file is refused instead of half-restored.

Articles, speakers, aliases, quotes, merges, their ``simple_history`` records and every
other model of the ``annotations`` app keep their primary keys, so permalinks stay
stable. Accounts and groups travel by natural key (username, group name): one already in
the target is kept as it is, a missing one is created.
"""

import datetime
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError, DeserializedObject
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.utils import timezone

FORMAT = "newsquotes-editorial-backup"
FORMAT_VERSION = 1
# Accounts first: every other object refers to them by username.
ACCOUNT_MODELS = ("auth.group", "auth.user")
SCHEMA_APPS = ("auth", "annotations")
CHUNK_SIZE = 2000


class BackupError(Exception):
    """A backup that cannot be restored (or a target that must not receive it), and why."""

    def __init__(self, message: str, line: int | None = None):
        self.message, self.line = message, line
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass
class RestoreResult:
    read: Counter = field(default_factory=Counter)
    created: Counter = field(default_factory=Counter)
    kept_accounts: list[str] = field(default_factory=list)


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder without its loss of microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


# Summaries the database computes from other rows (Statement, its totals and the Voices
# summaries: PostgreSQL's triggers recount them as the quotes are restored), so a backup
# neither needs nor may write them.
DERIVED_MODELS = (
    "annotations.statement",
    "annotations.statementtotal",
    "annotations.voicecount",
    "annotations.voicegroup",
    "annotations.voicepeople",
    "annotations.voicepresence",
)


def editorial_models() -> list[type[Model]]:
    """Every model of the annotations app but the derived ones, historical records
    included, in a fixed order."""
    models = apps.get_app_config("annotations").get_models()
    return sorted(
        (model for model in models if _label(model) not in DERIVED_MODELS),
        # Live models before their history; otherwise by name, so files diff cleanly.
        key=lambda model: (model.__name__.startswith("Historical"), model._meta.model_name),
    )


def exported_models() -> list[type[Model]]:
    return [apps.get_model(label) for label in ACCOUNT_MODELS] + editorial_models()


def _label(model) -> str:
    return model._meta.label_lower


def _applied_migrations() -> dict[str, list[str]]:
    applied = MigrationRecorder(connection).applied_migrations()
    return {app: sorted(name for a, name in applied if a == app) for app in SCHEMA_APPS}


def export(stream: IO[str]) -> Counter:
    """Write the backup to a text stream; returns the number of objects of each model.

    One transaction, REPEATABLE READ on PostgreSQL, so the file is one consistent
    snapshot even while editors keep working.
    """
    counts: Counter = Counter()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        header = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "exported_at": timezone.now().isoformat(),
            "migrations": _applied_migrations(),
        }
        stream.write(json.dumps(header) + "\n")
        serializer = serializers.get_serializer("jsonl")()
        for model in exported_models():
            queryset = model._default_manager.order_by("pk")
            if model._meta.label_lower == "auth.user":
                queryset = queryset.prefetch_related("groups", "user_permissions")
            for chunk in _chunks(queryset.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
                serializer.serialize(
                    chunk,
                    stream=stream,
                    cls=ExactJSONEncoder,
                    use_natural_foreign_keys=True,
                    use_natural_primary_keys=True,
                )
                counts[_label(model)] += len(chunk)
        stream.write(json.dumps({"end": FORMAT, "counts": dict(counts)}) + "\n")
    return counts


def _chunks(iterator, size) -> Iterator[list]:
    chunk = []
    for item in iterator:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def existing_editorial_rows() -> dict[str, int]:
    """How many rows each editorial model already holds (only those holding some)."""
    counts = {_label(m): m._default_manager.count() for m in editorial_models()}
    return {label: n for label, n in counts.items() if n}


def restore(lines: IO[bytes] | IO[str]) -> RestoreResult:
    """Load a backup into a database whose editorial tables are empty: all or nothing.

    Raises BackupError naming the line and the problem; nothing is written then.
    """
    result = RestoreResult()
    try:
        with transaction.atomic():
            if existing := existing_editorial_rows():
                held = ", ".join(f"{n} {label}" for label, n in sorted(existing.items()))
                raise BackupError(
                    f"the database is not empty (it holds {held}); restore only into a freshly "
                    "migrated database, so that nothing in it is overwritten"
                )
            with connection.constraint_checks_disabled():
                _load(_numbered_lines(lines), result)
            models = exported_models()
            try:
                # Deferred foreign keys are checked here, inside the transaction.
                connection.check_constraints(table_names=[m._meta.db_table for m in models])
            except IntegrityError as error:
                raise BackupError(f"the backup refers to rows it does not hold ({error})") from None
            # New rows must not reuse the restored primary keys.
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)
    except DatabaseError as error:
        raise BackupError(f"the database refused the restore ({error})") from None
    return result


def _numbered_lines(lines) -> Iterator[tuple[int, dict]]:
    for number, raw in enumerate(lines, 1):
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise BackupError("is not UTF-8 text", number) from None
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except RecursionError:
            raise BackupError("malformed JSON (nested too deeply)", number) from None
        except ValueError as error:
            # JSONDecodeError has .msg; a number too long to convert is a plain ValueError.
            reason = getattr(error, "msg", None) or "a number has too many digits"
            raise BackupError(f"malformed JSON ({reason})", number) from None
        if not isinstance(obj, dict):
            raise BackupError("each line must be a JSON object", number)
        yield number, obj


def _load(numbered: Iterator[tuple[int, dict]], result: RestoreResult) -> None:
    first = next(numbered, None)
    if first is None:
        raise BackupError("the file is empty: it is not a newsquotes backup")
    number, header = first
    if header.get("format") != FORMAT:
        raise BackupError(
            "this is not a newsquotes editorial backup (its first line has no "
            f'"format": "{FORMAT}"); make one with python manage.py export_editorial',
            number,
        )
    if header.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"backup format version {header.get('version')!r} is not supported "
            f"(this version reads {FORMAT_VERSION})",
            number,
        )
    _check_schema(header.get("migrations"), number)

    allowed = {_label(m): m for m in exported_models()}
    account_labels = set(ACCOUNT_MODELS)
    trailer = None
    batch = _InsertBatch(result)
    for number, obj in numbered:
        if trailer is not None:
            raise BackupError("there is more after the end-of-backup line", number)
        if obj.get("end") == FORMAT:
            trailer = obj
            continue
        label = obj.get("model")
        if not isinstance(label, str) or not isinstance(obj.get("fields"), dict):
            raise BackupError('an object line needs "model" and "fields"', number)
        label = label.lower()
        if label not in allowed:
            raise BackupError(f"model '{label}' is not part of a newsquotes backup", number)
        if label not in account_labels and "pk" not in obj:
            raise BackupError(f"the {label} object has no primary key", number)
        try:
            (deserialized,) = serializers.deserialize("python", [obj], ignorenonexistent=False)
        except (DeserializationError, ValueError) as error:
            raise BackupError(_deserialization_message(label, error), number) from None
        result.read[label] += 1
        if label in account_labels:
            batch.flush()
            if deserialized.object.pk is not None:
                # Already in the target (same username or group name): keep it as it is.
                result.kept_accounts.append(f"{label} {deserialized.object}")
                continue
            # Accounts carry many-to-many fields (groups): saved one by one, with them.
            _save_one(label, deserialized, number)
            result.created[label] += 1
        else:
            batch.add(label, number, deserialized)
    batch.flush()

    if trailer is None:
        raise BackupError(
            "the file ends before its end-of-backup line: it was cut short; nothing was restored"
        )
    expected = trailer.get("counts")
    read = {label: n for label, n in result.read.items() if n}
    if not isinstance(expected, dict) or {k: v for k, v in expected.items() if v} != read:
        raise BackupError(
            f"the file says it holds {expected} but {read} were read: it is damaged; "
            "nothing was restored"
        )


def _save_one(label, deserialized, number) -> None:
    try:
        with transaction.atomic():
            deserialized.save()
    except DatabaseError as error:
        raise BackupError(f"the database refused this {label} ({error})", number) from None


class _InsertBatch:
    """Rows of one model inserted together: one INSERT for BATCH_SIZE lines, not one each.

    Like loaddata's raw save, bulk_create calls no save() and sends no signal, so derived
    fields keep their stored values and no history is written for restored rows.
    """

    def __init__(self, result: RestoreResult):
        self.result = result
        self.label = None
        self.rows: list[tuple[int, DeserializedObject]] = []

    def add(self, label, number, deserialized) -> None:
        if label != self.label or len(self.rows) >= CHUNK_SIZE:
            self.flush()
            self.label = label
        self.rows.append((number, deserialized))

    def flush(self) -> None:
        if not self.rows:
            return
        model = type(self.rows[0][1].object)
        try:
            with transaction.atomic():
                model._default_manager.bulk_create([d.object for _, d in self.rows])
        except DatabaseError:
            # Find the line the database refuses, to name it.
            for number, deserialized in self.rows:
                _save_one(self.label, deserialized, number)
            raise BackupError(
                f"the database refused the {self.label} objects of lines "
                f"{self.rows[0][0]} to {self.rows[-1][0]}"
            ) from None
        self.result.created[self.label] += len(self.rows)
        self.rows = []


def _check_schema(migrations, line) -> None:
    if not isinstance(migrations, dict):
        raise BackupError('the header has no "migrations"', line)
    applied = _applied_migrations()
    missing = [
        f"{app}.{name}"
        for app, names in migrations.items()
        for name in names
        if name not in applied.get(app, [])
    ]
    if missing:
        raise BackupError(
            "the backup comes from a newer version of newsquotes; this database lacks the "
            f"migrations {', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}: "
            "update the code and run python manage.py migrate first",
            line,
        )


def _deserialization_message(label: str, error: Exception) -> str:
    cause = error.__cause__ or error
    return f"the {label} object cannot be read ({cause})"
