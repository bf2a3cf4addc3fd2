"""Full-text search in quote texts, the same syntax on PostgreSQL and SQLite.

The syntax is the web's (PostgreSQL's websearch_to_tsquery): words must all occur,
``"a phrase"`` matches the words in that order, ``or`` between two terms matches either,
``-word`` (or ``-"a phrase"``) leaves out quotes that have it. Words are stemmed
("bridges" finds "bridge"), case and accents do not matter, and no word is ignored.

* PostgreSQL: the stored ``search_vector`` column (migration 0008, rebuilt by 0013 with
  the ``newsquotes_english`` configuration: English Snowball stemming without a stop
  list), its GIN index, ``ts_rank`` and ``ts_headline``.
* SQLite: the FTS5 table ``annotations_quote_fts`` (migration 0013: porter tokenizer over
  unicode61, external content kept in sync by triggers), ``bm25`` and ``highlight``. The
  query is translated from the web syntax by ``fts5_query``.

Triggers vanish when Django remakes the quote table on SQLite (an altered column copies
the table), so ``ensure_sqlite_index`` recreates them after every migrate and rebuilds
the index if they were missing.
"""

import re
from dataclasses import dataclass

from django.db import connections
from django.db.models import Expression, FloatField
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# The PostgreSQL text-search configuration of the stored column (migration 0013).
PG_CONFIG = "newsquotes_english"
FTS_TABLE = "annotations_quote_fts"

# Marks around matched words from the database, replaced by <mark> after escaping: two
# control characters that article text (imported through importers.py) never contains.
START_MARK, STOP_MARK = "\x02", "\x03"

SQLITE_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON annotations_quote "
    f"BEGIN INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON annotations_quote "
    f"BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) "
    "VALUES ('delete', old.id, old.text); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE OF text ON annotations_quote "
    f"BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) "
    "VALUES ('delete', old.id, old.text); "
    f"INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text); END",
]
SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(text, "
    "content='annotations_quote', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    *SQLITE_TRIGGERS,
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{event}" for event in ("insert", "delete", "update")),
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]


def ensure_sqlite_index(using: str = "default", **kwargs) -> None:
    """Recreate the FTS5 triggers on SQLite if a table remake dropped them (post_migrate)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, type FROM sqlite_master WHERE name LIKE %s", [f"{FTS_TABLE}%"])
        tables = dict(cursor.fetchall())
        if FTS_TABLE not in tables:
            return  # before migration 0013
        if sum(kind == "trigger" for kind in tables.values()) == len(SQLITE_TRIGGERS):
            return
        for sql in SQLITE_TRIGGERS:
            cursor.execute(sql)
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


# The web syntax --------------------------------------------------------------------------

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD_CHARACTER = re.compile(r"\w")


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or a phrase
    negated: bool = False


def parse(terms: str) -> list[list[Term]]:
    """The web syntax as clauses that must all match, each a list of alternatives.

    ``a "b c" or d -e`` is [[a], ["b c", d], [-e]]. Tokens without a letter or digit
    (punctuation, operators) are dropped, as websearch_to_tsquery drops them.
    """
    clauses: list[list[Term]] = []
    pending_or = False
    for match in _TOKEN.finditer(terms):
        minus, phrase, bare = match.groups()
        if bare is not None:
            if bare.casefold() == "or":
                pending_or = bool(clauses)
                continue
            minus, phrase = ("-", bare[1:]) if bare.startswith("-") else ("", bare)
        words = tuple(w for w in phrase.replace('"', " ").split() if _WORD_CHARACTER.search(w))
        if not words:
            continue
        term = Term(words, negated=bool(minus))
        if pending_or and not term.negated and not clauses[-1][0].negated:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        pending_or = False
    return clauses


def _fts5_string(term: Term) -> str:
    # An FTS5 string is tokenized like the text: several words make a phrase.
    return '"' + " ".join(term.words).replace('"', '""') + '"'


def fts5_query(terms: str) -> tuple[str, str]:
    """(must match, must not match) FTS5 expressions of the web syntax; either may be ""."""
    positive, negative = [], []
    for clause in parse(terms):
        if clause[0].negated:
            negative.append(_fts5_string(clause[0]))
        else:
            positive.append("(" + " OR ".join(_fts5_string(term) for term in clause) + ")")
    return " AND ".join(positive), " OR ".join(negative)


def _match_ids(expression: str):
    from django.db.models.expressions import RawSQL

    return RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [expression])


def sqlite_search(quotes, terms: str):
    """``quotes`` matching ``terms`` on SQLite (FTS5)."""
    positive, negative = fts5_query(terms)
    if not positive and not negative:
        return quotes.none()
    if positive:
        quotes = quotes.filter(pk__in=_match_ids(positive))
    if negative:
        quotes = quotes.exclude(pk__in=_match_ids(negative))
    return quotes


class Bm25Rank(Expression):
    """-bm25 of the quote for an FTS5 query (higher is better), following the quote
    table's alias when the queryset becomes a subquery (like StoredSearchVector)."""

    output_field = FloatField()
    contains_column_references = True
    possibly_multivalued = False

    def __init__(self, expression: str, alias: str | None = None):
        super().__init__()
        self.expression, self.alias = expression, alias

    def resolve_expression(self, query=None, *args, **kwargs):
        return Bm25Rank(self.expression, self.alias or query.get_initial_alias())

    def relabeled_clone(self, relabels):
        return Bm25Rank(self.expression, relabels.get(self.alias, self.alias))

    def get_group_by_cols(self):
        return [self]

    def as_sql(self, compiler, connection):
        column = f"{compiler.quote_name(self.alias)}.{compiler.quote_name('id')}"
        sql = (
            f"(SELECT -bm25({FTS_TABLE}) FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND rowid = {column})"
        )
        return sql, (self.expression,)


def sqlite_rank(terms: str) -> Expression | None:
    positive, _ = fts5_query(terms)
    return Bm25Rank(positive) if positive else None


# Highlighting ------------------------------------------------------------------------------


def _as_html(marked: str, original: str) -> SafeString | None:
    """The database's marked-up text, escaped, with <mark> around the matched words; None
    if the marks do not sit in the original text (then the caller shows it plain)."""
    if marked.replace(START_MARK, "").replace(STOP_MARK, "") != original:
        return None
    if START_MARK not in marked:
        return None
    # Adjacent matched words make one mark (FTS5 marks a phrase whole, PostgreSQL each word).
    marked = re.sub(f"{STOP_MARK}(\\s+){START_MARK}", r"\1", marked)
    html = escape(marked).replace(START_MARK, "<mark>").replace(STOP_MARK, "</mark>")
    return mark_safe(html)  # escaped above: only our <mark> tags are markup


def highlight(quotes: list, terms: str) -> None:
    """Set ``highlighted`` (HTML with the matched words in <mark>) on each of ``quotes``
    that the search ``terms`` match; a page of quotes, so one small query."""
    if not quotes or not terms.strip():
        return
    from .models import Quote

    using = quotes[0]._state.db or "default"
    vendor = connections[using].vendor
    ids = [quote.pk for quote in quotes]
    marked: dict[int, str] = {}
    if vendor == "postgresql":
        from django.contrib.postgres.search import SearchHeadline, SearchQuery

        query = SearchQuery(terms, config=PG_CONFIG, search_type="websearch")
        headline = SearchHeadline(
            "text",
            query,
            config=PG_CONFIG,
            start_sel=START_MARK,
            stop_sel=STOP_MARK,
            highlight_all=True,
        )
        rows = Quote.objects.using(using).filter(pk__in=ids).annotate(marked=headline)
        marked = dict(rows.values_list("pk", "marked"))
    elif vendor == "sqlite":
        positive, _ = fts5_query(terms)
        if not positive:
            return
        placeholders = ", ".join("%s" for _ in ids)
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, highlight({FTS_TABLE}, 0, %s, %s) FROM {FTS_TABLE} "
                f"WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})",
                [START_MARK, STOP_MARK, positive, *ids],
            )
            marked = dict(cursor.fetchall())
    for quote in quotes:
        if quote.pk in marked:
            quote.highlighted = _as_html(marked[quote.pk], quote.text)
