"""Import: one file's articles and their gold quotes, stored all or nothing.

Gold quotes are people's work: stored confirmed, origin human, with their speakers matched
or created like the engine's (services.speakers.speaker_for_name).
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from ..importers import ArticleRecord, ImportFileError
from ..models import Article, Quote, content_hash, quote_fingerprint
from .speakers import speaker_for_name


@dataclass
class ImportResult:
    imported: list[Article] = field(default_factory=list)
    skipped: list[tuple[ArticleRecord, Article]] = field(default_factory=list)


def find_existing_article(record: ArticleRecord) -> Article | None:
    """The article already stored under this record's url or content, if any."""
    if record.url:
        found = Article.objects.filter(url=record.url).first()
        if found:
            return found
    return Article.objects.filter(content_hash=content_hash(record.text)).first()


def import_records(
    *, source: str, records: list[ArticleRecord], user=None, dry_run: bool = False
) -> ImportResult:
    """Store one file's articles and their gold quotes, all or nothing.

    An article whose url or content is already stored is skipped, never updated. Within
    the file, a repeated article is skipped too. With ``dry_run`` the whole file is
    validated against the database and then rolled back.
    """
    result = ImportResult()
    try:
        with transaction.atomic():
            for record in records:
                existing = find_existing_article(record)
                if existing is not None:
                    result.skipped.append((record, existing))
                    continue
                result.imported.append(_store_article(record, user=user, source=source))
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as error:
        raise ImportFileError(source, f"the database refused it ({error})") from None
    return result


def _store_article(record: ArticleRecord, *, user, source: str) -> Article:
    article = Article.objects.create(
        text=record.text,
        outlet=record.outlet,
        url=record.url,
        title=record.title,
        published=record.published,
        external_id=record.external_id,
        imported_by=user,
    )
    seen_spans = set()
    for index, gold in enumerate(record.quotes, 1):
        key = (gold.start, gold.end, gold.speaker_start)
        if key in seen_spans:
            raise ImportFileError(
                source, f"quote {index} repeats the span of an earlier quote", record.line
            )
        seen_spans.add(key)
        speaker = (
            speaker_for_name(gold.speaker_name, mention=gold.speaker_text)
            if (gold.speaker_name)
            else None
        )
        Quote.objects.create(
            article=article,
            start=gold.start,
            end=gold.end,
            text=gold.text,
            kind=gold.kind or _kind_of(gold.text),
            speaker=speaker,
            speaker_start=gold.speaker_start,
            speaker_end=gold.speaker_end,
            speaker_text=gold.speaker_text,
            speaker_name=gold.speaker_name,
            is_floating=gold.speaker_start is None,
            cue_text=gold.cue_text,
            cue_start=gold.cue_start,
            cue_end=gold.cue_end,
            fingerprint=quote_fingerprint(gold.text),
            status=Quote.Status.CONFIRMED,
            origin=Quote.Origin.HUMAN,
            created_by=user,
            updated_by=user,
        )
    return article


QUOTE_MARKS = '"\u201c\u201d\u201e\u00ab\u00bb\u2018'


def _kind_of(text: str) -> str:
    """Gold files rarely say the kind: marks around the whole text make it direct."""
    stripped = text.strip()
    if stripped[:1] in QUOTE_MARKS:
        return Quote.Kind.DIRECT
    if any(mark in stripped for mark in QUOTE_MARKS):
        return Quote.Kind.MIXED
    return Quote.Kind.INDIRECT
