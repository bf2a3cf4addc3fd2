"""Import: one file's articles and their gold quotes, stored all or nothing.

Gold quotes are people's work: stored confirmed, origin human, with their speakers matched
or created like the engine's (services.speakers.speakers_for_names).
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from ..importers import ArticleRecord, ImportFileError
from ..models import Article, Quote, content_hash, quote_fingerprint
from .speakers import speakers_for_names


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

    In a fixed number of queries per thousand records (existing articles looked up, rows
    written with bulk_create, every gold speaker matched in one match_speakers call), so
    that a 20 MB upload is stored well inside the web server's request timeout.
    """
    result = ImportResult()
    try:
        with transaction.atomic():
            by_url, by_hash = _stored_articles(records)
            new: list[tuple[ArticleRecord, Article]] = []
            for record in records:
                digest = content_hash(record.text)
                existing = (by_url.get(record.url) if record.url else None) or by_hash.get(digest)
                if existing is not None:
                    result.skipped.append((record, existing))
                    continue
                article = _article(record, user=user, digest=digest)
                if record.url:
                    by_url[record.url] = article
                by_hash[digest] = article
                new.append((record, article))
            Article.objects.bulk_create([article for _, article in new], batch_size=BATCH)
            quotes = _gold_quotes(new, user=user, source=source)
            Quote.objects.bulk_create(quotes, batch_size=BATCH)
            Quote.history.bulk_history_create(
                quotes, batch_size=BATCH, default_user=user, default_change_reason="import"
            )
            result.imported = [article for _, article in new]
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as error:
        raise ImportFileError(source, f"the database refused it ({error})") from None
    return result


BATCH = 1000


def _stored_articles(records) -> tuple[dict, dict]:
    """The articles already stored under the records' urls and content hashes."""
    urls = sorted({record.url for record in records if record.url})
    hashes = sorted({content_hash(record.text) for record in records})
    by_url: dict[str, Article] = {}
    by_hash: dict[str, Article] = {}
    for i in range(0, len(urls), BATCH):
        for article in Article.objects.filter(url__in=urls[i : i + BATCH]).order_by("pk"):
            by_url.setdefault(article.url, article)
    for i in range(0, len(hashes), BATCH):
        chunk = hashes[i : i + BATCH]
        for article in Article.objects.filter(content_hash__in=chunk).order_by("pk"):
            by_hash.setdefault(article.content_hash, article)
    return by_url, by_hash


def _article(record: ArticleRecord, *, user, digest: str) -> Article:
    # bulk_create skips Article.save(), which is what sets content_hash: set it here.
    return Article(
        text=record.text,
        content_hash=digest,
        outlet=record.outlet,
        url=record.url,
        title=record.title,
        published=record.published,
        external_id=record.external_id,
        imported_by=user,
    )


def _gold_quotes(new: list[tuple[ArticleRecord, Article]], *, user, source: str) -> list[Quote]:
    """Unsaved Quotes for the gold quotes of the new articles, speakers matched or created."""
    names = {}
    for i, (record, _) in enumerate(new):
        seen_spans = set()
        for index, gold in enumerate(record.quotes, 1):
            key = (gold.start, gold.end, gold.speaker_start)
            if key in seen_spans:
                raise ImportFileError(
                    source, f"quote {index} repeats the span of an earlier quote", record.line
                )
            seen_spans.add(key)
            if gold.speaker_name:
                names[(i, index)] = (gold.speaker_name, gold.speaker_text)
    speakers = speakers_for_names(names)
    quotes = []
    for i, (record, article) in enumerate(new):
        for index, gold in enumerate(record.quotes, 1):
            quotes.append(
                Quote(
                    article=article,
                    start=gold.start,
                    end=gold.end,
                    text=gold.text,
                    kind=gold.kind or _kind_of(gold.text),
                    speaker=speakers.get((i, index)),
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
            )
    return quotes


QUOTE_MARKS = '"\u201c\u201d\u201e\u00ab\u00bb\u2018'


def _kind_of(text: str) -> str:
    """Gold files rarely say the kind: marks around the whole text make it direct."""
    stripped = text.strip()
    if stripped[:1] in QUOTE_MARKS:
        return Quote.Kind.DIRECT
    if any(mark in stripped for mark in QUOTE_MARKS):
        return Quote.Kind.MIXED
    return Quote.Kind.INDIRECT
