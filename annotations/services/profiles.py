"""Speaker profiles: what extraction infers, what editors set, and what a merge keeps.

An editor's value is never replaced by an inferred one: inference writes a field only
while its source is not "editor" (and PostgreSQL's trigger of migration 0016 refuses
the write if code ever tried). Among inferred genders the stronger evidence stays
(title > pronoun > first name > none, annotations.extraction.profiles.SOURCE_STRENGTH),
so re-extracting an article that says less never loses what another article said.
"""

import datetime
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from ..extraction.profiles import SOURCE_STRENGTH, SpeakerProfile
from ..models import (
    Article,
    Gender,
    GenderSource,
    ProfileSource,
    Speaker,
    SpeakerRole,
    SpeakerType,
)

PROFILE_FIELDS = (
    "speaker_type",
    "speaker_type_source",
    "gender",
    "gender_source",
    "gender_evidence",
    "gender_quote",
    "role",
    "affiliation",
    "role_source",
    "role_evidence",
    "role_quote",
)


class ProfileEditError(ValueError):
    """An edit that cannot be saved, with a message saying why (nothing was changed)."""


@dataclass(frozen=True)
class Observation:
    """One article's profile of one speaker, with the quote it was seen with."""

    speaker_id: int
    article_id: int
    quote_id: int | None
    profile: "SpeakerProfile"


def gender_rank(gender: str, source: str) -> float:
    """How much a (gender, source) says: a known gender by its source's strength; an
    ambiguous first name (unknown, from the name) a little more than no evidence."""
    if source == GenderSource.EDITOR:
        return 10
    if gender == Gender.UNKNOWN:
        return 0.5 if source == GenderSource.NAME else 0
    return SOURCE_STRENGTH.get(source, 0)


def record_observations(observations: list[Observation], *, reason: str = "extraction") -> int:
    """Apply what extraction saw to the speakers' profiles; returns how many changed.

    Runs inside the caller's transaction (store_candidates). Speakers are locked in id
    order, so concurrent workers and editors take turns.
    """
    if not observations:
        return 0
    by_speaker: dict[int, list[Observation]] = {}
    for observation in observations:
        by_speaker.setdefault(observation.speaker_id, []).append(observation)
    with transaction.atomic():
        speakers = list(
            Speaker.objects.select_for_update(no_key=True).filter(pk__in=by_speaker).order_by("pk")
        )
        published = dict(
            Article.objects.filter(pk__in={o.article_id for o in observations}).values_list(
                "pk", "published"
            )
        )
        changed = [s for s in speakers if _apply(s, by_speaker[s.pk], published)]
        for speaker in changed:
            speaker._change_reason = reason  # type: ignore[attr-defined]
        if changed:
            bulk_update_with_history(
                changed, Speaker, list(PROFILE_FIELDS), default_change_reason=reason
            )
        _record_roles(observations)
    return len(changed)


def _apply(speaker: Speaker, seen: list[Observation], published: dict) -> bool:
    before = [getattr(speaker, f) for f in PROFILE_FIELDS]
    if speaker.speaker_type_source != ProfileSource.EDITOR:
        types = [o.profile.speaker_type for o in seen if o.profile.speaker_type != "unknown"]
        if types and speaker.speaker_type == SpeakerType.UNKNOWN:
            speaker.speaker_type = max(set(types), key=types.count)
    if speaker.gender_source != GenderSource.EDITOR:
        best = max(seen, key=lambda o: gender_rank(o.profile.gender, o.profile.gender_source))
        p = best.profile
        if gender_rank(p.gender, p.gender_source) > gender_rank(
            speaker.gender, speaker.gender_source
        ):
            speaker.gender, speaker.gender_source = p.gender, p.gender_source
            speaker.gender_evidence = p.gender_evidence[:300]
            speaker.gender_quote_id = best.quote_id
    if speaker.role_source != ProfileSource.EDITOR:
        with_role = [o for o in seen if o.profile.role or o.profile.affiliation]
        if with_role:
            # the latest article's role: people change jobs
            newest = max(
                with_role, key=lambda o: (published.get(o.article_id) or _EPOCH, o.article_id)
            )
            speaker.role = newest.profile.role[:200]
            speaker.affiliation = newest.profile.affiliation[:200]
            speaker.role_evidence = newest.profile.role_evidence[:300]
            speaker.role_quote_id = newest.quote_id
    return before != [getattr(speaker, f) for f in PROFILE_FIELDS]


_EPOCH = datetime.date(1, 1, 1)


def _record_roles(observations: list[Observation]) -> None:
    """The role per article: inferred rows are replaced, an editor's row is kept."""
    rows: dict[tuple[int, int], Observation] = {}
    for o in observations:
        if o.profile.role or o.profile.affiliation:
            rows.setdefault((o.speaker_id, o.article_id), o)
    if not rows:
        return
    existing = {
        (r.speaker_id, r.article_id): r
        for r in SpeakerRole.objects.filter(
            speaker_id__in={k[0] for k in rows}, article_id__in={k[1] for k in rows}
        )
    }
    create, update = [], []
    now = timezone.now()
    for key, o in rows.items():
        values = {
            "role": o.profile.role[:200],
            "affiliation": o.profile.affiliation[:200],
            "evidence": o.profile.role_evidence[:300],
            "quote_id": o.quote_id,
        }
        row = existing.get(key)
        if row is None:
            create.append(
                SpeakerRole(speaker_id=key[0], article_id=key[1], updated_at=now, **values)
            )
        elif row.source != ProfileSource.EDITOR and any(
            getattr(row, f) != v for f, v in values.items()
        ):
            for f, v in values.items():
                setattr(row, f, v)
            row.updated_at = now
            update.append(row)
    if create:
        SpeakerRole.objects.bulk_create(create, ignore_conflicts=True)
    if update:
        bulk_update_with_history(
            update,
            SpeakerRole,
            ["role", "affiliation", "evidence", "quote_id", "updated_at"],
            default_change_reason="extraction",
        )


def withdraw_evidence(*, quote_id: int, speaker_id: int | None) -> bool:
    """An editor gave the quote to someone else: the gender or role its former speaker
    was inferred to have from it ("he said", "spokeswoman Ann Lowe" at that quote) no
    longer tells anything about them, so that inference is withdrawn (gender unknown with
    no evidence; role and affiliation cleared) until an extraction sees other evidence.
    An editor's value stays; undoing the change does not bring the inference back (the
    next extraction that sees it does). Returns whether the speaker changed; runs in the
    caller's transaction (the article is locked first, as in record_observations)."""
    if speaker_id is None:
        return False
    # Only a speaker whose inference came from this quote is read (and locked).
    speaker = (
        Speaker.objects.select_for_update(no_key=True)
        .filter(Q(gender_quote_id=quote_id) | Q(role_quote_id=quote_id), pk=speaker_id)
        .first()
    )
    if speaker is None:
        return False
    fields = []
    if speaker.gender_quote_id == quote_id and speaker.gender_source != GenderSource.EDITOR:
        speaker.gender, speaker.gender_source = Gender.UNKNOWN, GenderSource.NONE
        speaker.gender_evidence, speaker.gender_quote = "", None
        fields += ["gender", "gender_source", "gender_evidence", "gender_quote"]
    if speaker.role_quote_id == quote_id and speaker.role_source != ProfileSource.EDITOR:
        speaker.role = speaker.affiliation = speaker.role_evidence = ""
        speaker.role_quote = None
        fields += ["role", "affiliation", "role_evidence", "role_quote"]
    if not fields:
        return False
    reason = "evidence withdrawn: its quote was given to another speaker"
    speaker._change_reason = reason  # type: ignore[attr-defined]
    speaker.save(update_fields=fields)
    return True


def link_evidence_quotes(seen) -> None:
    """Point profiles inferred from quotes stored just now at those quotes: (speaker id,
    article id, quote id, profile) each. Only the link columns change (no profile value),
    so the Voices summaries' profile trigger does not fire."""
    for speaker_id, article_id, quote_id, profile in seen:
        Speaker.objects.filter(
            pk=speaker_id,
            gender_quote__isnull=True,
            gender_source=profile.gender_source,
            gender_evidence=profile.gender_evidence[:300],
        ).exclude(gender_source=GenderSource.EDITOR).update(gender_quote_id=quote_id)
        if profile.role or profile.affiliation:
            Speaker.objects.filter(
                pk=speaker_id, role_quote__isnull=True, role_evidence=profile.role_evidence[:300]
            ).exclude(role_source=ProfileSource.EDITOR).update(role_quote_id=quote_id)
            SpeakerRole.objects.filter(
                speaker_id=speaker_id, article_id=article_id, quote__isnull=True
            ).update(quote_id=quote_id)


# ---------------------------------------------------------------- editors


@contextmanager
def allow_profile_reset():
    """Let an editor's action put back inferred values (undoing a merge): the database
    trigger of migration 0016 lets the writes inside this block through, and only them."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('annotations.profile_reset', 'on', true)")
    try:
        yield
    finally:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('annotations.profile_reset', 'off', true)")


EDITABLE = ("speaker_type", "gender", "role", "affiliation")


def speaker_profile_edit(*, speaker: Speaker, user, changes: dict, based_on: dict) -> Speaker:
    """An editor sets some of type, gender, role, affiliation.

    ``based_on`` holds the values the editor saw; if another edit changed one of them
    since, nothing is saved and ProfileEditError names the field. Each field set becomes
    the editor's ("editor" source), which no inference replaces.
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ProfileEditError(f"Cannot edit {', '.join(sorted(unknown))}.")
    if "speaker_type" in changes and changes["speaker_type"] not in SpeakerType.values:
        raise ProfileEditError(
            f"type: {changes['speaker_type']!r} is not one of {SpeakerType.values}."
        )
    if "gender" in changes and changes["gender"] not in Gender.values:
        raise ProfileEditError(f"gender: {changes['gender']!r} is not one of {Gender.values}.")
    for field in ("role", "affiliation"):
        if field in changes and len(changes[field]) > 200:
            raise ProfileEditError(f"{field}: at most 200 characters.")
    with transaction.atomic():
        speaker = Speaker.objects.select_for_update(no_key=True).get(pk=speaker.pk)
        stale = [f for f, v in based_on.items() if f in EDITABLE and getattr(speaker, f) != v]
        if stale:
            raise ProfileEditError(
                "Someone changed this profile while you were editing it ("
                + ", ".join(f"{f} is now {getattr(speaker, f)!r}" for f in stale)
                + "); nothing was saved. Look again and redo your change."
            )
        changes = {
            f: v for f, v in changes.items() if getattr(speaker, f) != v or _is_inferred(speaker, f)
        }
        if not changes:
            return speaker
        if "speaker_type" in changes:
            speaker.speaker_type = changes["speaker_type"]
            speaker.speaker_type_source = ProfileSource.EDITOR
        if "gender" in changes:
            speaker.gender = changes["gender"]
            speaker.gender_source = GenderSource.EDITOR
            speaker.gender_evidence = f"set by {user.get_username()}"[:300]
            speaker.gender_quote = None
        if "role" in changes or "affiliation" in changes:
            speaker.role = changes.get("role", speaker.role).strip()
            speaker.affiliation = changes.get("affiliation", speaker.affiliation).strip()
            speaker.role_source = ProfileSource.EDITOR
            speaker.role_evidence = f"set by {user.get_username()}"[:300]
            speaker.role_quote = None
        speaker._history_user = user  # type: ignore[attr-defined]
        speaker._change_reason = ("profile edited: " + ", ".join(sorted(changes)))[:100]  # type: ignore[attr-defined]
        speaker.save()
    return speaker


def _is_inferred(speaker: Speaker, field: str) -> bool:
    """Confirming an inferred value as it is makes it the editor's."""
    source = {
        "speaker_type": speaker.speaker_type_source,
        "gender": speaker.gender_source,
        "role": speaker.role_source,
        "affiliation": speaker.role_source,
    }[field]
    return source != ProfileSource.EDITOR


# ---------------------------------------------------------------- merges

GROUPS = {
    "type": ("speaker_type", "speaker_type_source"),
    "gender": ("gender", "gender_source", "gender_evidence", "gender_quote_id"),
    "role": ("role", "affiliation", "role_source", "role_evidence", "role_quote_id"),
}


def _source(speaker: Speaker, group: str) -> str:
    return {
        "type": speaker.speaker_type_source,
        "gender": speaker.gender_source,
        "role": speaker.role_source,
    }[group]


def _shown(speaker: Speaker, group: str) -> str:
    if group == "type":
        return speaker.speaker_type
    if group == "gender":
        return speaker.gender
    return ", ".join(part for part in (speaker.role, speaker.affiliation) if part) or "none"


def merge_profiles(*, source: Speaker, target: Speaker) -> dict:
    """Settle target's profile when ``source`` merges into it; returns what won and why.

    An editor's value beats an inferred one whichever speaker has it; two editors' values
    that differ keep the target's (the speaker merged into) and say so; between inferred
    values the stronger evidence wins. The target's values before are kept in the result,
    so an undo can put them back. The caller saves target.
    """
    outcome: dict = {"target_before": {}}
    for group, fields in GROUPS.items():
        outcome["target_before"][group] = {f: getattr(target, f) for f in fields}
        s_editor = _source(source, group) == ProfileSource.EDITOR
        t_editor = _source(target, group) == ProfileSource.EDITOR
        take_source = False
        if s_editor and not t_editor:
            why = "an editor set the merged speaker's value"
            take_source = True
        elif t_editor and not s_editor:
            why = "an editor set this speaker's value"
        elif s_editor and t_editor:
            why = (
                "both set by editors, the same value"
                if _shown(source, group) == _shown(target, group)
                else "both set by editors: this speaker's value kept"
            )
        elif group == "gender":
            take_source = gender_rank(source.gender, source.gender_source) > gender_rank(
                target.gender, target.gender_source
            )
            why = "stronger evidence" if take_source else "evidence at least as strong"
        elif group == "type":
            take_source = target.speaker_type == SpeakerType.UNKNOWN != source.speaker_type
            why = "this speaker's type was unknown" if take_source else "this speaker's type kept"
        else:
            take_source = not (target.role or target.affiliation) and bool(
                source.role or source.affiliation
            )
            why = "this speaker had no role" if take_source else "this speaker's role kept"
        lost = _shown(target if take_source else source, group)
        if take_source:
            for f in fields:
                setattr(target, f, getattr(source, f))
        outcome[group] = {
            "won": _shown(target, group),
            "from": source.name if take_source else target.name,
            "lost": lost,
            "why": why,
        }
    return outcome


def unmerge_profiles(*, target: Speaker, outcome: dict) -> None:
    """Put back target's profile as it was before the merge (an undo). The caller saves."""
    for values in (outcome or {}).get("target_before", {}).values():
        for f, v in values.items():
            setattr(target, f, v)
