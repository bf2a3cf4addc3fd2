"""Fuzzing the importers: broken files give a clear ImportFileError and change nothing.

Whatever bytes arrive, ``importers.parse`` returns articles or raises ImportFileError (never
another exception), and neither ``services.import_records`` nor the ``import_articles``
command leaves anything behind when a file is refused.
"""

import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from annotations import importers, services
from annotations.models import Article, Quote, Speaker, SpeakerAlias

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
EXTENSIONS = [".jsonl", ".csv", ".html", ".txt"]
FUZZ = settings(max_examples=200, deadline=None)
FUZZ_DB = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def parse_or_clear_error(name: str, data: bytes):
    """The records parsed, or the ImportFileError raised; any other exception fails the test."""
    try:
        records = importers.parse(name, data)
    except importers.ImportFileError as error:
        assert str(error).startswith(name) and error.message
        return error
    assert records and all(isinstance(r, importers.ArticleRecord) for r in records)
    assert all(r.text.strip() for r in records)
    return records


# --- Strategies -----------------------------------------------------------------------

# Text that is awkward in every way a newsroom file can be: markup, quotes of every kind,
# right-to-left and combining marks, CR/LF, and the two characters a database refuses.
awkward_text = st.text(
    st.one_of(
        st.characters(),
        st.sampled_from(
            [
                "<",
                ">",
                "&",
                '"',
                "'",
                ",",
                "\n",
                "\r",
                "\u201c",
                "\u201d",
                "\u202e",
                "\u0301",
                "\ufeff",
                "\x00",
                "\ud800",
                "\udfff",
            ]
        ),
    ),
    max_size=60,
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    awkward_text,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
span_values = st.one_of(
    st.tuples(st.integers(-5, 200), st.integers(-5, 200)).map(list),
    st.tuples(st.integers(), st.integers()).map(list),
    st.lists(st.integers(0, 50), max_size=4),
    json_values,
)


@st.composite
def quote_objects(draw, text, wild=True):
    quote = {}
    for key in ["quote_span", "speaker_span", "verb_span"]:
        if key == "quote_span" and not wild or draw(st.booleans()):
            if text and (not wild or draw(st.booleans())):
                # A real span of the text, so that the checks past the span run too.
                start = draw(st.integers(0, len(text) - 1))
                quote[key] = [start, draw(st.integers(start + 1, len(text)))]
            else:
                quote[key] = draw(span_values)
    # Tame quotes leave out the texts that must match their spans, and name known kinds.
    keys = ["quote", "speaker", "verb", "speaker_name", "kind"] if wild else ["speaker_name"]
    for key in keys:
        if draw(st.booleans()):
            values = json_values if wild else awkward_text
            quote[key] = draw(
                st.one_of(values, st.sampled_from(["direct", "indirect", "mixed", "x" * 400]))
            )
    if not wild and draw(st.booleans()):
        quote["kind"] = draw(st.sampled_from(["direct", "indirect", "mixed", ""]))
    return quote


@st.composite
def jsonl_articles(draw, wild=True):
    """An article object in the quote JSONL format, with any field possibly wrong.

    ``wild`` objects may have any JSON anywhere; the others have the right types, so
    that more of them get past parsing and reach the database.
    """
    values = json_values if wild else awkward_text
    text = draw(awkward_text.filter(str.strip) | values)
    obj = {"text": text}
    good_dates = st.sampled_from(["2024-02-29", "0001-01-01", "", "2024-12-31"])
    dates = good_dates | st.sampled_from(["2023-02-29", "29/02/2024"])
    too_long = st.just("x" * 2500)
    for key in ["id", "url", "title", "outlet", "date", "published"]:
        if draw(st.booleans()):
            if wild:
                obj[key] = draw(values | dates | too_long)
            else:
                obj[key] = draw(good_dates if key in ("date", "published") else values)
    if draw(st.booleans()):
        quotes = st.lists(quote_objects(text if isinstance(text, str) else "", wild), max_size=4)
        obj["quotes"] = draw(quotes | json_values if wild else quotes)
    return obj


@st.composite
def jsonl_files(draw, wild=True):
    lines = [
        json.dumps(obj, ensure_ascii=draw(st.booleans()))
        for obj in draw(st.lists(jsonl_articles(wild), min_size=1, max_size=3))
    ]
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    return draw(mutated(data)) if wild else data


@st.composite
def csv_files(draw):
    header = draw(
        st.one_of(
            st.just(["url", "outlet", "title", "date", "text"]),
            st.lists(st.sampled_from(["text", "date", "TEXT ", "", "x", "url"]), max_size=6),
        )
    )
    rows = draw(st.lists(st.lists(awkward_text, max_size=7), max_size=4))

    def cell(value):
        return '"' + value.replace('"', '""') + '"' if draw(st.booleans()) else value

    lines = [",".join(header)] + [",".join(cell(v) for v in row) for row in rows]
    data = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines).encode("utf-8", "surrogatepass")
    return draw(mutated(data))


@st.composite
def html_files(draw):
    tags = st.sampled_from(["p", "div", "article", "title", "h1", "script", "style", "a", "br"])
    parts = draw(
        st.lists(
            st.one_of(
                tags.map(lambda t: f"<{t}>"),
                tags.map(lambda t: f"</{t}>"),
                st.just('<meta property="og:title" content="x\'"">'),
                st.just("<!--"),
                st.just("<![CDATA["),
                awkward_text,
            ),
            max_size=30,
        )
    )
    # Lone surrogates become the invalid UTF-8 that old encoders write.
    return draw(mutated("".join(parts).encode("utf-8", "surrogatepass")))


@st.composite
def text_files(draw):
    header = draw(
        st.lists(
            st.sampled_from(["title: T", "url: u", "date: 2024-01-01", "date: nope", "Date:"]),
            max_size=3,
        )
    )
    body = draw(st.lists(awkward_text, max_size=4))
    tail = draw(st.sampled_from(["", "source: Outlet", "source:"]))
    return draw(mutated("\n".join([*header, *body, tail]).encode("utf-8", "surrogatepass")))


@st.composite
def mutated(draw, data: bytes):
    """``data`` as it is, or damaged the ways files get damaged in transit."""
    damage = draw(
        st.sampled_from(["none", "truncate", "insert", "replace", "bom", "crlf", "latin1"])
    )
    if damage == "truncate" and data:
        return data[: draw(st.integers(0, len(data) - 1))]
    if damage in ("insert", "replace"):
        position = draw(st.integers(0, len(data)))
        junk = draw(
            st.one_of(
                st.binary(min_size=1, max_size=4),
                st.sampled_from([b"\x00", b"\xff", b"\xc3", b"\xed\xa0\x80"]),
            )
        )
        return data[:position] + junk + data[position + (damage == "replace") :]
    if damage == "bom":
        return b"\xef\xbb\xbf" + data
    if damage == "crlf":
        return data.replace(b"\n", b"\r\n")
    if damage == "latin1":
        return data.decode("utf-8", "replace").encode("latin-1", "replace")
    return data


def sample_files():
    return sorted(path for path in SAMPLES.iterdir() if path.suffix in importers.FORMATS)


# --- Parsing never fails other than clearly --------------------------------------------


@FUZZ
@given(data=st.binary(max_size=2000), extension=st.sampled_from(EXTENSIONS))
@example(data=b"[" * 100_000, extension=".jsonl")
@example(
    data=b'{"text": "x", "quotes": [{"quote_span": [0, 1' + b"0" * 5000 + b"]}]}",
    extension=".jsonl",
)
def test_random_bytes_parse_or_fail_clearly(data, extension):
    parse_or_clear_error("fuzz" + extension, data)


@FUZZ
@given(data=jsonl_files())
@example(data=b'{"text": "ab\\ud800cd"}')
@example(data=b'{"text": "ab\\u0000cd"}')
def test_broken_jsonl_parses_or_fails_clearly(data):
    parse_or_clear_error("fuzz.jsonl", data)


@FUZZ
@given(data=csv_files())
def test_broken_csv_parses_or_fails_clearly(data):
    parse_or_clear_error("fuzz.csv", data)


@settings(max_examples=100, deadline=None)
@given(data=html_files())
def test_broken_html_parses_or_fails_clearly(data):
    parse_or_clear_error("fuzz.html", data)


@FUZZ
@given(data=text_files())
def test_broken_text_parses_or_fails_clearly(data):
    parse_or_clear_error("fuzz.txt", data)


@pytest.mark.parametrize("path", sample_files(), ids=lambda p: p.name)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_damaged_sample_files_parse_or_fail_clearly(path, data):
    damaged = data.draw(mutated(path.read_bytes()))
    parse_or_clear_error(path.name, damaged)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"[" * 100_000, "nested too deeply"),
        (b'{"text": "x", "id": 1' + b"0" * 5000 + b"}", "too many digits"),
        (b'{"text": "ab\\ud800cd"}', "U+D800 at position 2"),
        (b'{"text": "ab\\u0000cd"}', "U+0000 at position 2"),
        (b'{"text": "abc", "title": "' + b"t" * 501 + b'"}', "the title is 501 characters"),
        (
            b'{"text": "abc", "quotes": [{"quote_span": [0, 1], "speaker_name": "'
            + b"n" * 301
            + b'"}]}',
            "quote 1: the speaker name is 301 characters",
        ),
        (
            b'{"text": "abc", "quotes": [{"quote_span": [0, 1], "speaker_name": ["a"]}]}',
            "'speaker_name' must be a string",
        ),
    ],
    ids=["deep", "long-number", "surrogate", "nul", "long-title", "long-speaker", "speaker-list"],
)
def test_jsonl_that_the_database_would_refuse_is_refused_when_parsed(data, expected):
    with pytest.raises(importers.ImportFileError, match=re.escape(expected)):
        importers.parse("bad.jsonl", data)


# --- Refused files change nothing --------------------------------------------------------


def editorial_counts():
    return [m.objects.count() for m in (Article, Quote, Speaker, SpeakerAlias)]


@pytest.mark.django_db
@FUZZ_DB
@given(data=jsonl_files(wild=False))
@example(data=b'{"text": "ab\\ud800cd"}')
@example(data=b'{"text": "ab\\u0000cd"}')
@example(data=b'{"text": "abc", "outlet": "' + b"o" * 201 + b'"}')
@example(data=b'{"text": "abc", "quotes": [{"quote_span": [0, 1], "verb_span": [0, 3]}]}')
def test_import_records_stores_a_whole_file_or_nothing(data):
    outcome = parse_or_clear_error("fuzz.jsonl", data)
    if isinstance(outcome, importers.ImportFileError):
        return
    before = editorial_counts()
    # Each example in its own savepoint, rolled back, so examples do not see each other.
    with transaction.atomic():
        try:
            result = services.import_records(source="fuzz.jsonl", records=outcome)
        except importers.ImportFileError:
            assert editorial_counts() == before
        else:
            assert Article.objects.count() == before[0] + len(result.imported)
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.one_of(
        jsonl_files().map(lambda d: ("f.jsonl", d)),
        csv_files().map(lambda d: ("f.csv", d)),
        text_files().map(lambda d: ("f.txt", d)),
    )
)
def test_import_command_refuses_a_broken_file_with_a_clear_error(tmp_path_factory, data):
    name, content = data
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(content)
    before = editorial_counts()
    with transaction.atomic():
        try:
            call_command("import_articles", str(path), "--no-extract", verbosity=0)
        except CommandError as error:
            assert "could not be imported" in str(error)
            assert editorial_counts() == before
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_file_refused_half_way_leaves_no_article_behind(tmp_path, capsys):
    good = {"text": "A good article.", "url": "https://news.example/good"}
    bad = {"text": "abc", "quotes": [{"quote_span": [0, 2]}, {"quote_span": [0, 2]}]}
    path = tmp_path / "half.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")

    with pytest.raises(CommandError):
        call_command("import_articles", str(path), "--no-extract")

    assert "quote 2 repeats the span" in capsys.readouterr().err
    assert not Article.objects.exists()
