"""Helpers for the import tests: write files, run the command, count what is stored."""

from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations.models import Article, Quote, Speaker


@dataclass
class ImportRun:
    out: str
    err: str
    failed: CommandError | None

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def run_import(*paths, **options) -> ImportRun:
    """``manage.py import_articles`` as the command line runs it; never queues extraction
    unless asked, so the tests need no worker."""
    options.setdefault("no_extract", True)
    out, err = StringIO(), StringIO()
    failed = None
    try:
        call_command("import_articles", *map(str, paths), stdout=out, stderr=err, **options)
    except CommandError as error:
        failed = error
    return ImportRun(out.getvalue(), err.getvalue(), failed)


def stored_counts() -> dict[str, int]:
    return {
        "articles": Article.objects.count(),
        "quotes": Quote.objects.count(),
        "speakers": Speaker.objects.count(),
    }


@pytest.fixture
def write(tmp_path):
    """Write a file under a temporary folder: text as UTF-8, bytes as they are."""

    def write(name: str, content: str | bytes):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write
