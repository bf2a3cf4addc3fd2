"""Speakers: the people quotes are attributed to, matched, suggested and merged.

Names found by the engine become Speakers: matched to existing ones by name or alias
(annotations.speakers.name_key: titles, case, accents, possessive removed), created when
new, with the forms seen recorded as aliases. What might be the same person but is not
certain becomes a SpeakerMergeSuggestion; merging is an editor's decision, and undoable.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from ..models import (
    Quote,
    Speaker,
    SpeakerAlias,
    SpeakerMerge,
    SpeakerMergeSuggestion,
    normalize_name,
    strip_format_characters,
)
from ..speakers import (
    clean_name,
    is_name,
    merge_score,
    name_key,
    resolve_in_article,
    similar_key_filters,
)
from .profiles import allow_profile_reset, merge_profiles, unmerge_profiles


class SpeakerMergeError(ValueError):
    """A merge that cannot be done or undone, with a message saying why."""


def lock_speaker_matching() -> None:
    """Serialise speaker creation between workers (PostgreSQL; SQLite writes are serial
    anyway), so two workers meeting a new name at once create one Speaker, not two."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SPEAKER_MATCHING_LOCK])


SPEAKER_MATCHING_LOCK = 7_406_334_001  # an arbitrary application-wide advisory lock id


def match_speakers(
    *, names_by_article: dict, origin: str = Speaker.Origin.MODEL, reason: str = "extraction"
) -> dict[tuple, Speaker]:
    """Speakers for names found in articles, in a fixed number of queries.

    ``names_by_article`` maps an article key to [(name, mention), ...]; the result maps
    (article key, name) to a Speaker for every name that names someone. Inside an article a
    lone surname goes to the one full name with that surname; across articles names match
    by key, and multi-word keys also by alias. New names create Speakers (origin model);
    forms seen become aliases; possible duplicates become merge suggestions.
    """
    resolved: dict[tuple, str] = {}
    display: dict[str, str] = {}
    forms: dict[str, set[str]] = defaultdict(set)
    for article_key, pairs in names_by_article.items():
        keys = {name: name_key(name) for name, _ in pairs if is_name(name)}
        keys = {name: key for name, key in keys.items() if key}
        within = resolve_in_article(keys.values())
        for name, mention in pairs:
            if name not in keys:
                continue
            key = within.get(keys[name], keys[name])
            resolved[(article_key, name)] = key
            forms[key].add(" ".join(name.split())[:300])
            if mention and is_name(mention):
                forms[key].add(" ".join(mention.split())[:300])
            if keys[name] == key and len(clean_name(name)) > len(display.get(key, "")):
                display[key] = clean_name(name)[:300]
    if not resolved:
        return {}

    with transaction.atomic():
        lock_speaker_matching()
        keys = set(resolved.values())
        found: dict[str, list[Speaker]] = defaultdict(list)
        merged: dict[str, Speaker] = {}
        named = Speaker.objects.filter(normalized_name__in=keys).select_related("merged_into")
        for speaker in named.order_by("pk"):
            if speaker.merged_into_id is None:
                found[speaker.normalized_name].append(speaker)
            else:
                merged.setdefault(speaker.normalized_name, speaker)
        # A name editors merged away means the speaker it was merged into ("Wallace" into
        # "Ben Wallace"), or re-extraction would undo their merge.
        for key, speaker in merged.items():
            if key not in found:
                found[key].append(_root(speaker))
        # Aliases only for multi-word keys: "Mr Wallace" recorded for Ben Wallace in one
        # article must not pull every other article's lone "Wallace" to him.
        alias_forms = {}
        for key in keys - set(found):
            if " " in key:
                alias_forms[key] = key
                for form in forms[key]:
                    if " " in name_key(form):
                        alias_forms[normalize_name(form)] = key
        if alias_forms:
            aliases = (
                SpeakerAlias.objects.filter(
                    normalized__in=alias_forms, speaker__merged_into__isnull=True
                )
                .select_related("speaker")
                .order_by("speaker_id")
            )
            for alias in aliases:
                if " " in name_key(alias.name):
                    key = alias_forms[alias.normalized]
                    if alias.speaker not in found[key]:
                        found[key].append(alias.speaker)

        suggestions: dict[tuple[int, int], SpeakerMergeSuggestion] = {}
        chosen: dict[str, Speaker] = {}
        for key, speakers in found.items():
            if speakers:
                chosen[key] = speakers[0]
                for other in speakers[1:]:
                    _suggest(suggestions, speakers[0], other, 100.0, "same name")
        new = [
            Speaker(
                name=display.get(key) or key,
                normalized_name=key,
                origin=origin,
            )
            for key in sorted(keys - set(chosen))
        ]
        if new:
            Speaker.objects.bulk_create(new)
            Speaker.history.bulk_history_create(new, default_change_reason=reason)
            chosen.update({speaker.normalized_name: speaker for speaker in new})
            _suggest_for_new(new, suggestions)
        _record_aliases(chosen, forms, reason)
        if suggestions:
            SpeakerMergeSuggestion.objects.bulk_create(suggestions.values(), ignore_conflicts=True)
    return {pair: chosen[key] for pair, key in resolved.items()}


def _suggest(suggestions, a: Speaker, b: Speaker, score: float, reason: str) -> None:
    first, second = sorted([a, b], key=lambda s: s.pk)
    if first.pk != second.pk:
        suggestions.setdefault(
            (first.pk, second.pk),
            SpeakerMergeSuggestion(speaker=first, other=second, score=score, reason=reason),
        )


def _suggest_for_new(new: list[Speaker], suggestions) -> None:
    """Suggest merging each new speaker with existing ones that may be the same person."""
    condition = Q()
    for speaker in new:
        for lookup, value in similar_key_filters(speaker.normalized_name):
            condition |= Q(**{lookup: value})
    others = list(Speaker.objects.active().filter(condition).only("pk", "normalized_name"))
    for speaker in new:
        for other in others:
            scored = merge_score(speaker.normalized_name, other.normalized_name)
            if scored:
                _suggest(suggestions, speaker, other, *scored)


def _record_aliases(chosen: dict[str, Speaker], forms: dict[str, set[str]], reason: str) -> None:
    wanted = {}
    for key, speaker in chosen.items():
        for form in forms[key]:
            normalized = normalize_name(form)
            if normalized and normalized != speaker.normalized_name:
                wanted.setdefault((speaker.pk, normalized), form)
    if not wanted:
        return
    have = set(
        SpeakerAlias.objects.filter(
            speaker_id__in={pk for pk, _ in wanted}, normalized__in={n for _, n in wanted}
        ).values_list("speaker_id", "normalized")
    )
    aliases = [
        SpeakerAlias(speaker_id=pk, normalized=normalized, name=strip_format_characters(name))
        for (pk, normalized), name in wanted.items()
        if (pk, normalized) not in have
    ]
    if aliases:
        SpeakerAlias.objects.bulk_create(aliases)
        SpeakerAlias.history.bulk_history_create(aliases, default_change_reason=reason)


def speaker_for_name(name: str, *, mention: str = "") -> Speaker:
    """The speaker called ``name`` (by name, or alias for full names), created if nobody
    is; ``mention`` (how the text referred to them) is recorded as an alias."""
    return speakers_for_names({None: (name, mention)})[None]


def speakers_for_names(names: dict) -> dict:
    """speaker_for_name for many names at once, in a fixed number of queries: ``names``
    maps any key to (name, mention), the result maps each key to its Speaker."""
    # Each name on its own, as if alone in its article: no surname resolution between them.
    persons = {key: pair for key, pair in names.items() if is_name(pair[0])}
    # Called for gold quotes a person wrote: a new speaker is theirs, not the model's.
    matched = (
        match_speakers(
            names_by_article={key: [pair] for key, pair in persons.items()},
            origin=Speaker.Origin.HUMAN,
            reason="import",
        )
        if persons
        else {}
    )
    result = {
        key: matched[(key, name)] for key, (name, _) in persons.items() if (key, name) in matched
    }
    # Not a person's name ("officials", "the ministry"): kept verbatim, matched exactly.
    others = {key: name for key, (name, _) in names.items() if key not in result}
    if others:
        wanted = {normalize_name(name) for name in others.values()}
        found: dict[str, Speaker] = {}
        for speaker in Speaker.objects.active().filter(normalized_name__in=wanted).order_by("pk"):
            found.setdefault(speaker.normalized_name, speaker)
        for key, name in others.items():
            normalized = normalize_name(name)
            if normalized not in found:
                found[normalized] = Speaker.objects.create(name=" ".join(name.split()))
            result[key] = found[normalized]
    return result


def _root(speaker: Speaker) -> Speaker:
    seen = set()
    while speaker.merged_into_id and speaker.pk not in seen:
        seen.add(speaker.pk)
        speaker = speaker.merged_into
    return speaker


def speaker_merge(*, source: Speaker, target: Speaker, user) -> SpeakerMerge:
    """Merge ``source`` into ``target``: its quotes and aliases move, its name becomes an
    alias, and it stays as a record pointing at ``target``. Undo with speaker_merge_undo.

    Moved quotes get a new version, so an editor with one open sees a conflict instead of
    silently putting the old speaker back.
    """
    if source.pk == target.pk:
        raise SpeakerMergeError("A speaker cannot be merged into itself.")
    with transaction.atomic():
        # NO KEY UPDATE: workers adding aliases (a foreign key to these rows) are not blocked,
        # so a worker that holds this speaker's quotes cannot deadlock with a merge.
        source, target = (
            Speaker.objects.select_for_update(no_key=True).get(pk=source.pk),
            Speaker.objects.select_for_update(no_key=True).get(pk=target.pk),
        )
        for speaker in (source, target):
            if speaker.merged_into_id:
                raise SpeakerMergeError(
                    f"{speaker} was already merged into {speaker.merged_into}; merge that one."
                )
        # Lock the quotes, then list them: an editor giving one of them to someone else
        # meanwhile commits first, and the locked re-read no longer counts it as source's.
        quote_ids = list(
            Quote.objects.select_for_update()
            .filter(speaker=source)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Quote.objects.filter(pk__in=quote_ids, speaker=source).update(
            speaker=target, version=F("version") + 1
        )
        target_forms = set(target.aliases.values_list("normalized", flat=True))
        target_forms.add(target.normalized_name)
        alias_ids = list(
            source.aliases.exclude(normalized__in=target_forms).values_list("pk", flat=True)
        )
        SpeakerAlias.objects.filter(pk__in=alias_ids).update(speaker=target)
        added = []
        if source.normalized_name not in target_forms:
            alias = SpeakerAlias(speaker=target, name=source.name)
            alias._history_user = user
            alias.save()
            added.append(alias.pk)
        source.merged_into = target
        source._history_user = user
        source._change_reason = f"merged into {target.pk}"
        source.save()
        outcome = merge_profiles(source=source, target=target)
        target._history_user = user
        # The history's reason holds 100 characters: the full outcome is on the merge.
        target._change_reason = f"speaker {source.pk} merged in (merge record says what won)"
        target.save()
        SpeakerMergeSuggestion.objects.filter(
            Q(speaker=source, other=target) | Q(speaker=target, other=source),
            status=SpeakerMergeSuggestion.Status.OPEN,
        ).update(
            status=SpeakerMergeSuggestion.Status.ACCEPTED,
            decided_by=user,
            decided_at=timezone.now(),
        )
        return SpeakerMerge.objects.create(
            source=source,
            target=target,
            moved_quote_ids=quote_ids,
            moved_alias_ids=alias_ids,
            added_alias_ids=added,
            profile_outcome=outcome,
            merged_by=user,
        )


def speaker_merge_undo(*, merge: SpeakerMerge, user) -> SpeakerMerge:
    """Put a merge back: the moved quotes and aliases return to the source speaker.

    A moved quote that an editor has since given to yet another speaker keeps that
    editor's choice.
    """
    with transaction.atomic():
        merge = SpeakerMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_at:
            raise SpeakerMergeError("This merge was already undone.")
        source = Speaker.objects.select_for_update(no_key=True).get(pk=merge.source_id)
        if source.merged_into_id != merge.target_id:
            raise SpeakerMergeError(
                f"{source} is no longer merged into {merge.target}; nothing to undo."
            )
        Quote.objects.filter(pk__in=merge.moved_quote_ids, speaker_id=merge.target_id).update(
            speaker=source, version=F("version") + 1
        )
        SpeakerAlias.objects.filter(
            pk__in=merge.moved_alias_ids, speaker_id=merge.target_id
        ).update(speaker=source)
        for alias in SpeakerAlias.objects.filter(pk__in=merge.added_alias_ids):
            alias._history_user = user
            alias.delete()
        source.merged_into = None
        source._history_user = user
        source._change_reason = f"merge into {merge.target_id} undone"
        source.save()
        if merge.profile_outcome:
            target = Speaker.objects.select_for_update(no_key=True).get(pk=merge.target_id)
            unmerge_profiles(target=target, outcome=merge.profile_outcome)
            target._history_user = user
            target._change_reason = f"merge of {source.pk} undone: profile as before"
            with allow_profile_reset():
                target.save()
        merge.undone_at = timezone.now()
        merge.save(update_fields=["undone_at"])
    return merge


def merge_target(speakers: list[Speaker]) -> Speaker:
    """The speaker the others merge into: the fullest name, then the most quotes, then the
    oldest ("Wallace" goes into "Ben Wallace")."""
    counts = dict(
        Speaker.objects.filter(pk__in=[s.pk for s in speakers])
        .annotate(n=Count("quotes"))
        .values_list("pk", "n")
    )
    return max(speakers, key=lambda s: (len(s.normalized_name.split()), counts.get(s.pk, 0), -s.pk))


def merge_suggestion_accept(*, suggestion: SpeakerMergeSuggestion, user) -> SpeakerMerge | None:
    """Merge the two speakers of a suggestion (into the fuller name, then the one with more
    quotes); None when they are already one speaker."""
    a, b = _root(suggestion.speaker), _root(suggestion.other)
    merge = None
    if a.pk != b.pk:
        target = merge_target([a, b])
        source = b if target == a else a
        merge = speaker_merge(source=source, target=target, user=user)
    SpeakerMergeSuggestion.objects.filter(pk=suggestion.pk).update(
        status=SpeakerMergeSuggestion.Status.ACCEPTED, decided_by=user, decided_at=timezone.now()
    )
    return merge


def merge_suggestion_dismiss(*, suggestion: SpeakerMergeSuggestion, user) -> None:
    """Not the same person: the suggestion stays, dismissed, so it is not made again."""
    SpeakerMergeSuggestion.objects.filter(pk=suggestion.pk).update(
        status=SpeakerMergeSuggestion.Status.DISMISSED, decided_by=user, decided_at=timezone.now()
    )
