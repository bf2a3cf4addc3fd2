"""Read article files into plain records, checking everything before anything is stored.

Four formats, recognised by extension: the plain-text seed format (``.txt``), the quote
JSONL format (``.jsonl``), CSV with a header (``.csv``) and saved web pages (``.html``).
Every problem raises :class:`ImportFileError` naming the file and line.
"""

import csv
import io
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

FORMATS = {".txt": "text", ".jsonl": "jsonl", ".csv": "csv", ".html": "html", ".htm": "html"}
TEXT_HEADER_KEYS = ("title", "url", "date")
CSV_COLUMNS = ("url", "outlet", "title", "date", "text")
MAX_FIELD_CHARS = 10_000_000


class ImportFileError(Exception):
    """A file that cannot be imported, with where and why."""

    def __init__(self, source: str, message: str, line: int | None = None):
        self.source, self.line, self.message = source, line, message
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")


@dataclass
class GoldQuote:
    """A quote that arrives with its article, already decided by a person."""

    start: int
    end: int
    text: str
    speaker_text: str = ""
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_name: str = ""
    cue_text: str = ""
    cue_start: int | None = None
    cue_end: int | None = None
    kind: str = ""


@dataclass
class ArticleRecord:
    text: str
    line: int | None = None
    outlet: str = ""
    url: str = ""
    title: str = ""
    published: date | None = None
    external_id: str = ""
    quotes: list[GoldQuote] = field(default_factory=list)


def find_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """The importable files named, walking folders (sorted, hidden files skipped)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and not hidden and child.suffix.lower() in FORMATS:
                    yield child
        else:
            yield path


def detect_format(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise ImportFileError(name, f"unknown format '{suffix or name}' (expected one of {known})")
    return FORMATS[suffix]


def read_path(path: Path) -> list[ArticleRecord]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportFileError(str(path), f"cannot be read ({error.strerror})") from None
    return parse(str(path), data)


def parse(name: str, data: bytes) -> list[ArticleRecord]:
    """Every article in one file's bytes; raises ImportFileError on the first problem."""
    kind = detect_format(name)
    text = _decode(name, data)
    records = {"text": _parse_text, "jsonl": _parse_jsonl, "csv": _parse_csv, "html": _parse_html}[
        kind
    ](name, text)
    if not records:
        raise ImportFileError(name, "holds no article")
    for record in records:
        _check_storable(name, record)
        _check_url(name, record)
    return records


WEB_SCHEMES = ("http", "https")  # an article's url: the same rule for files and the form


def _check_url(source: str, record: ArticleRecord) -> None:
    """The article page links its url: only web addresses, never javascript: or data:.

    urlsplit drops the tabs, newlines and leading spaces a browser would drop too, so
    "java\tscript:" is seen as the javascript: it is.
    """
    scheme = urlsplit(record.url).scheme.lower()
    if scheme and scheme not in WEB_SCHEMES:
        raise ImportFileError(
            source,
            f"the url '{record.url[:60]}' is not a web address (use http:// or https://)",
            record.line,
        )


# Characters the database cannot store: lone UTF-16 surrogates (JSON "\ud800") cannot
# be encoded as UTF-8, and PostgreSQL text cannot hold NUL (JSON "\u0000").
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _check_storable(source: str, record: ArticleRecord) -> None:
    """Refuse what the database would refuse, so that no import fails half-way in SQL."""
    from .models import Article, Quote, SpeakerAlias

    def limit(model, name):
        return model._meta.get_field(name).max_length

    values = [
        ("the text", record.text, None),
        ("the title", record.title, limit(Article, "title")),
        ("the outlet", record.outlet, limit(Article, "outlet")),
        ("the url", record.url, limit(Article, "url")),
        ("the id", record.external_id, limit(Article, "external_id")),
    ]
    for index, quote in enumerate(record.quotes, 1):
        values += [
            (f"quote {index}: the speaker name", quote.speaker_name, limit(Quote, "speaker_name")),
            (f"quote {index}: the speaker", quote.speaker_text, limit(SpeakerAlias, "name")),
            (f"quote {index}: the verb", quote.cue_text, limit(Quote, "cue_text")),
        ]
    for label, value, max_length in values:
        if bad := _UNSTORABLE.search(value):
            raise ImportFileError(
                source,
                f"{label} holds the character U+{ord(bad.group()):04X} at position "
                f"{bad.start()}, which cannot be stored",
                record.line,
            )
        if max_length is not None and len(value) > max_length:
            raise ImportFileError(
                source,
                f"{label} is {len(value)} characters long; at most {max_length} are allowed",
                record.line,
            )


def _decode(name: str, data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFileError(
            name,
            f"is not UTF-8 text (byte 0x{data[error.start]:02x} cannot be decoded); "
            "convert it to UTF-8 and import again",
            line,
        ) from None
    if "\x00" in text:
        raise ImportFileError(name, "holds NUL bytes: it looks like a binary file, not text")
    return text


def _parse_date(source: str, value, line: int | None) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ImportFileError(
            source, f"date '{value}' is not a date in the form YYYY-MM-DD", line
        ) from None


def _require_text(source: str, text, line: int | None) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ImportFileError(source, "the article text is empty", line)
    return text


def _parse_text(source: str, content: str) -> list[ArticleRecord]:
    """One paragraph a line; optional ``title:``/``url:``/``date:`` lines first; last line
    ``source:<outlet>``."""
    lines = content.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    header, header_line = {}, {}
    first_body_line = 0
    for number, line in enumerate(lines):
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() in TEXT_HEADER_KEYS and key.strip().lower() not in header:
            header[key.strip().lower()] = value.strip()
            header_line[key.strip().lower()] = number + 1
            first_body_line = number + 1
        else:
            break
    outlet = ""
    if lines and lines[-1].lower().startswith("source:"):
        outlet = lines.pop()[len("source:") :].strip()
    body = "\n".join(lines[first_body_line:]).strip("\n")
    record = ArticleRecord(
        text=_require_text(source, body, first_body_line + 1),
        line=first_body_line + 1,
        outlet=outlet,
        url=header.get("url", ""),
        title=header.get("title", ""),
        published=_parse_date(source, header.get("date"), header_line.get("date")),
    )
    return [record]


def _parse_jsonl(source: str, content: str) -> list[ArticleRecord]:
    records = []
    # Lines end at "\n" only: str.splitlines() would also split inside JSON strings that
    # hold U+2028 or U+0085, which JSON allows unescaped. A trailing "\r" is JSON whitespace.
    for number, line in enumerate(content.split("\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except RecursionError:
            raise ImportFileError(source, "malformed JSON (nested too deeply)", number) from None
        except ValueError as error:
            # JSONDecodeError has .msg; a number too long to convert is a plain ValueError.
            reason = getattr(error, "msg", None) or "a number has too many digits"
            raise ImportFileError(source, f"malformed JSON ({reason})", number) from None
        if not isinstance(obj, dict):
            raise ImportFileError(source, "each line must be a JSON object", number)
        text = _require_text(source, obj.get("text"), number)
        record = ArticleRecord(
            text=text,
            line=number,
            outlet=_string(source, obj, "outlet", number),
            url=_string(source, obj, "url", number),
            title=_string(source, obj, "title", number),
            published=_parse_date(source, obj.get("date") or obj.get("published"), number),
            external_id=str(obj.get("id") or ""),
        )
        quotes = obj.get("quotes") or []
        if not isinstance(quotes, list):
            raise ImportFileError(source, "'quotes' must be a list", number)
        record.quotes = [_gold_quote(source, text, q, number, i) for i, q in enumerate(quotes, 1)]
        records.append(record)
    return records


def _string(source, obj, key, line) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise ImportFileError(source, f"'{key}' must be a string", line)
    return str(value).strip()


def _span(source, text, quote, key, line, index, *, required=False):
    """A ``[start, end)`` pair from a quote, checked against the article text."""
    value = quote.get(key)
    if value is None:
        if required:
            raise ImportFileError(source, f"quote {index} has no {key}", line)
        return None, None
    if (
        not isinstance(value, list | tuple)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise ImportFileError(source, f"quote {index}: {key} must be two integers", line)
    start, end = value
    if not 0 <= start < end <= len(text):
        raise ImportFileError(
            source,
            f"quote {index}: {key} [{start}, {end}) is outside the text (length {len(text)})",
            line,
        )
    return start, end


def _gold_quote(source, text, quote, line, index) -> GoldQuote:
    if not isinstance(quote, dict):
        raise ImportFileError(source, f"quote {index} must be a JSON object", line)
    start, end = _span(source, text, quote, "quote_span", line, index, required=True)
    speaker_start, speaker_end = _span(source, text, quote, "speaker_span", line, index)
    cue_start, cue_end = _span(source, text, quote, "verb_span", line, index)
    for key, s, e in [
        ("quote", start, end),
        ("speaker", speaker_start, speaker_end),
        ("verb", cue_start, cue_end),
    ]:
        given = quote.get(key)
        if s is not None and given is not None and text[s:e] != given:
            raise ImportFileError(
                source,
                f"quote {index}: '{key}' does not match the text at its span "
                f"({text[s:e][:40]!r} in the text, {str(given)[:40]!r} in the file)",
                line,
            )
    kind = quote.get("kind") or ""
    if kind not in ("", "direct", "indirect", "mixed"):
        raise ImportFileError(source, f"quote {index}: unknown kind '{kind}'", line)
    return GoldQuote(
        start=start,
        end=end,
        text=text[start:end],
        speaker_text=text[speaker_start:speaker_end] if speaker_start is not None else "",
        speaker_start=speaker_start,
        speaker_end=speaker_end,
        speaker_name=_string(source, quote, "speaker_name", line),
        cue_text=text[cue_start:cue_end] if cue_start is not None else "",
        cue_start=cue_start,
        cue_end=cue_end,
        kind=kind,
    )


def _parse_csv(source: str, content: str) -> list[ArticleRecord]:
    csv.field_size_limit(MAX_FIELD_CHARS)
    # strict: a quote left open is an error wherever it is (without it, one open at the
    # end of the file silently swallowed the rest into the last field).
    reader = csv.DictReader(io.StringIO(content, newline=""), strict=True)
    try:
        columns = [c.strip().lower() for c in reader.fieldnames or []]
    except csv.Error as error:
        raise ImportFileError(source, f"malformed CSV ({error})", 1) from None
    if "text" not in columns:
        raise ImportFileError(
            source, f"the CSV header has no 'text' column (expected {', '.join(CSV_COLUMNS)})", 1
        )
    reader.fieldnames = columns
    records = []
    # Report the line a row starts on: a quoted text field can span many lines.
    next_row_line = reader.line_num + 1
    try:
        for row in reader:
            line, next_row_line = next_row_line, reader.line_num + 1
            if None in row:
                raise ImportFileError(source, "the row has more fields than the header", line)
            if not any((v or "").strip() for v in row.values()):
                continue
            records.append(
                ArticleRecord(
                    text=_require_text(source, row.get("text"), line),
                    line=line,
                    outlet=(row.get("outlet") or "").strip(),
                    url=(row.get("url") or "").strip(),
                    title=(row.get("title") or "").strip(),
                    published=_parse_date(source, row.get("date"), line),
                )
            )
    except csv.Error as error:
        raise ImportFileError(source, f"malformed CSV ({error})", reader.line_num) from None
    return records


def _parse_html(source: str, content: str) -> list[ArticleRecord]:
    # trafilatura strips navigation, adverts and boilerplate and keeps paragraphs.
    import trafilatura

    document = trafilatura.bare_extraction(content, with_metadata=True, include_comments=False)
    if isinstance(document, dict):  # only with as_dict=True, which is not asked for
        raise TypeError("trafilatura answered a dict")
    body = (document.text if document else "") or ""
    title = (document.title if document else "") or ""
    lines = body.split("\n")
    if title and lines and lines[0].strip() == title.strip():
        lines = lines[1:]  # the headline is kept as the title, not as a paragraph
    text = "\n".join(line.strip() for line in lines if line.strip())
    if not text:
        raise ImportFileError(source, "no article text could be found in this web page")
    return [
        ArticleRecord(
            text=text,
            title=title,
            url=(document.url or "") if document else "",
            outlet=(document.sitename or "") if document else "",
            published=_parse_date(source, document.date if document else None, None),
        )
    ]
