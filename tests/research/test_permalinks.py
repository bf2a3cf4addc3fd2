"""Permalinks: one module below views, exports, the API and commands."""

import ast
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

from annotations import permalinks

PACKAGE = Path(__file__).resolve().parents[2] / "annotations"


def test_links_are_the_pages_urls():
    assert permalinks.article_url(7) == reverse("article_review", args=[7])
    assert permalinks.quote_url(7, 31) == reverse("article_review", args=[7]) + "#quote-31"
    assert permalinks.speaker_url(5) == reverse("speaker_detail", args=[5])


def test_a_quote_without_speaker_has_no_speaker_link():
    assert permalinks.speaker_url(None) == ""


def test_a_missing_url_name_is_an_error_not_an_empty_link():
    with pytest.raises(NoReverseMatch):
        permalinks.url_pattern("no_such_page")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = ("." * node.level) + (node.module or "")
            names |= {f"{module}.{alias.name}" for alias in node.names} | {module}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return names


def test_no_module_outside_views_imports_the_views():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "views" or relative.name == "urls.py":
            continue
        names = {name.lstrip(".") for name in _imports(path) if name.startswith(".")}
        names |= {name.removeprefix("annotations.") for name in _imports(path)}
        if any(name.split(".")[0] == "views" for name in names):
            offenders.append(str(relative))
    assert offenders == []
