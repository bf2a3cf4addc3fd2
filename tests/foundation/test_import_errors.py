"""Bad input: one clear line naming the file and line, and nothing stored from that file."""

import json

import pytest

from tests.factories import make_article

from .conftest import run_import, stored_counts

pytestmark = pytest.mark.django_db

GOOD_LINE = json.dumps({"url": "https://www.example.org/good", "text": "A good article."})


@pytest.fixture(autouse=True)
def existing_article():
    """Something already stored, so that "unchanged" means more than "still empty"."""
    return make_article()


def assert_one_error(run, path, line: int | None, message: str):
    """The import failed with exactly one error line: ``error: FILE:LINE: message``."""
    where = f"{path}:{line}" if line else f"{path}"
    assert run.failed is not None
    assert len(run.error_lines) == 1, run.err
    assert run.error_lines[0].startswith(f"error: {where}: "), run.error_lines[0]
    assert message in run.error_lines[0]


def test_malformed_json_names_its_line_and_stores_nothing(write):
    path = write("bad.jsonl", GOOD_LINE + '\n{"text": "Cut off in the middle\n')
    before = stored_counts()

    run = run_import(path)

    assert_one_error(run, path, 2, "malformed JSON")
    assert stored_counts() == before


def test_json_line_that_is_not_an_object_is_refused(write):
    path = write("list.jsonl", GOOD_LINE + '\n["text", "in a list"]\n')
    before = stored_counts()

    run = run_import(path)

    assert_one_error(run, path, 2, "each line must be a JSON object")
    assert stored_counts() == before


@pytest.mark.parametrize(
    "name, content",
    [
        ("cafe.txt", "title: Caf\xe9 reopens\nThe caf\xe9 on Quay Street has reopened.\n"),
        ("cafe.csv", "text\nFine.\nThe caf\xe9 on Quay Street has reopened.\n"),
    ],
)
def test_latin1_bytes_are_refused_as_not_utf8_with_their_line(write, name, content):
    path = write(name, content.encode("latin-1"))
    before = stored_counts()

    run = run_import(path)

    line = 1 if name.endswith(".txt") else 3
    assert_one_error(run, path, line, "is not UTF-8 text (byte 0xe9 cannot be decoded)")
    assert stored_counts() == before


@pytest.mark.parametrize(
    "name, content, line",
    [
        ("empty.txt", "title: Nothing here\nsource:The Harbour Gazette\n", 2),
        ("empty.jsonl", GOOD_LINE + '\n{"url": "https://www.example.org/e", "text": "  "}', 2),
        ("empty.csv", "url,text\nhttps://www.example.org/a,Fine.\nhttps://www.example.org/b,\n", 3),
    ],
)
def test_article_with_empty_text_is_refused_with_its_line(write, name, content, line):
    path = write(name, content)
    before = stored_counts()

    run = run_import(path)

    assert_one_error(run, path, line, "the article text is empty")
    assert stored_counts() == before


def test_empty_file_is_refused_as_holding_no_article(write):
    path = write("nothing.jsonl", "\n\n")
    before = stored_counts()

    run = run_import(path)

    assert_one_error(run, path, None, "holds no article")
    assert stored_counts() == before


def gold_line(**quote) -> str:
    text = '"We are ready," said Morag Tulloch.'
    return json.dumps({"url": "https://www.example.org/gold", "text": text, "quotes": [quote]})


def test_quote_span_outside_the_text_is_refused(write):
    path = write("gold.jsonl", GOOD_LINE + "\n" + gold_line(quote_span=[20, 99]))
    before = stored_counts()

    run = run_import(path)

    assert_one_error(run, path, 2, "quote 1: quote_span [20, 99) is outside the text (length 35)")
    assert stored_counts() == before


def test_speaker_span_outside_the_text_is_refused(write):
    path = write("gold.jsonl", gold_line(quote_span=[0, 15], speaker_span=[-1, 4]))
    before = stored_counts()

    run = run_import(path)

    assert_one_error(run, path, 1, "quote 1: speaker_span [-1, 4) is outside the text")
    assert stored_counts() == before


def test_quote_whose_text_does_not_match_its_span_is_refused(write):
    path = write("gold.jsonl", gold_line(quote='"We are not ready,"', quote_span=[0, 15]))
    before = stored_counts()

    run = run_import(path)

    assert_one_error(run, path, 1, "quote 1: 'quote' does not match the text at its span")
    assert stored_counts() == before


def test_speaker_whose_text_does_not_match_its_span_is_refused(write):
    path = write(
        "gold.jsonl", gold_line(quote_span=[0, 15], speaker="Angus Beaton", speaker_span=[21, 34])
    )
    before = stored_counts()

    run = run_import(path)

    assert_one_error(run, path, 1, "quote 1: 'speaker' does not match the text at its span")
    assert stored_counts() == before


def test_quote_span_that_is_not_two_integers_is_refused(write):
    path = write("gold.jsonl", gold_line(quote_span=["0", "15"]))
    before = stored_counts()

    run = run_import(path)

    assert_one_error(run, path, 1, "quote 1: quote_span must be two integers")
    assert stored_counts() == before


def test_late_error_in_a_file_leaves_its_earlier_articles_out_too(write):
    # The repeat is only found while storing, after the first article is written: the
    # whole file must still be rolled back.
    repeated = {"quote_span": [0, 15]}
    path = write(
        "repeats.jsonl",
        GOOD_LINE
        + "\n"
        + json.dumps(
            {"text": '"We are ready," said Morag Tulloch.', "quotes": [repeated, repeated]}
        ),
    )
    before = stored_counts()

    run = run_import(path)

    assert_one_error(run, path, 2, "quote 2 repeats the span of an earlier quote")
    assert stored_counts() == before


def test_unknown_format_is_refused_naming_the_extension(write):
    path = write("article.docx", "Looks like text, but the extension is not ours.")
    before = stored_counts()

    run = run_import(path)

    assert_one_error(run, path, None, "unknown format '.docx'")
    assert stored_counts() == before


def test_missing_file_is_reported_not_raised(tmp_path):
    path = tmp_path / "not-there.txt"
    before = stored_counts()

    run = run_import(path)

    assert_one_error(run, path, None, "cannot be read")
    assert stored_counts() == before


def test_csv_without_a_text_column_is_refused(write):
    path = write("no-text.csv", "url,outlet,title,date,body\n,,,,An article in the wrong column\n")
    before = stored_counts()

    run = run_import(path)

    assert_one_error(run, path, 1, "the CSV header has no 'text' column")
    assert stored_counts() == before


def test_csv_row_with_more_fields_than_the_header_is_refused(write):
    path = write("wide.csv", "outlet,text\nThe Valley Courier,Fine.\nThe Valley Courier,One,Two\n")
    before = stored_counts()

    run = run_import(path)

    assert_one_error(run, path, 3, "the row has more fields than the header")
    assert stored_counts() == before


@pytest.mark.parametrize(
    "name, content, line",
    [
        ("bad-date.txt", "title: A\nurl: https://www.example.org/a\ndate: 2025-13-40\nText.\n", 3),
        (
            "bad-date.csv",
            'date,text\n2025-01-02,"Fine,\nover two lines."\n02/01/2025,Text.\n',
            4,
        ),
        ("bad-date.jsonl", GOOD_LINE + '\n{"date": "last Tuesday", "text": "Text."}\n', 2),
    ],
)
def test_bad_date_is_refused_with_its_line(write, name, content, line):
    path = write(name, content)
    before = stored_counts()

    run = run_import(path)

    assert_one_error(run, path, line, "is not a date in the form YYYY-MM-DD")
    assert stored_counts() == before
