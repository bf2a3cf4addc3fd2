"""Permalinks of articles, quotes and speakers, for pages, exports, the API and commands.

Below the views: exports, the API and management commands import this module, never
``annotations.views``. Each URL pattern is reversed once (an export writes a link per
row) and a missing URL name is an error (NoReverseMatch), never a silently empty link.
"""

from functools import lru_cache

from django.urls import reverse

_PLACEHOLDER = 987654321


@lru_cache
def url_pattern(name: str) -> str:
    """The path of URL ``name`` with ``{}`` where its one id goes: ``/articles/{}/``."""
    return reverse(name, args=[_PLACEHOLDER]).replace(str(_PLACEHOLDER), "{}")


def article_url(article_id) -> str:
    """The article page (editors review there; researchers read it)."""
    return url_pattern("article_review").format(article_id)


def quote_url(article_id, quote_id) -> str:
    """The article page, scrolled to the quote."""
    return f"{article_url(article_id)}#quote-{quote_id}"


def speaker_url(speaker_id) -> str:
    """The speaker's page, or "" for a quote without a speaker."""
    return url_pattern("speaker_detail").format(speaker_id) if speaker_id else ""
