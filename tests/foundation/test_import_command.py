"""manage.py import_articles: bad files don't stop good ones; nothing is imported twice."""

import json

import pytest

from annotations.models import Article, Quote

from .conftest import run_import, stored_counts

pytestmark = pytest.mark.django_db

BRIDGE = (
    "url: https://www.example.org/gazette/bridge\n"
    "\u201cThe bridge reopens on Monday,\u201d said Mayor Grace Okafor.\n"
    "source:The Harbour Gazette\n"
)


def test_one_bad_file_among_good_ones_fails_alone(write, tmp_path):
    write("1-bridge.txt", BRIDGE)
    bad = write("2-broken.jsonl", "{not json")
    write("3-more.csv", "text\nA second good article.\nA third good article.\n")

    run = run_import(tmp_path)

    assert Article.objects.count() == 3
    assert run.error_lines == [
        f"error: {bad}:1: malformed JSON (Expecting property name enclosed in double quotes)"
    ]


def test_one_bad_file_makes_the_command_exit_non_zero(write, tmp_path):
    write("1-bridge.txt", BRIDGE)
    write("2-broken.jsonl", "{not json")

    run = run_import(tmp_path)

    assert run.failed is not None
    assert "1 file(s) could not be imported" in str(run.failed)
    assert "imported 1, skipped 0 already imported, failed 1 file" in run.out


def test_dry_run_writes_nothing(write, tmp_path):
    write("1-bridge.txt", BRIDGE)
    write("2-gold.jsonl", json.dumps({"text": "Quoted.", "quotes": [{"quote_span": [0, 6]}]}))

    run = run_import(tmp_path, dry_run=True)

    assert stored_counts() == {"articles": 0, "quotes": 0, "speakers": 0}
    assert "would import 2, skipped 0 already imported, failed 0 files" in run.out


def test_dry_run_still_reports_bad_files(write, tmp_path):
    write("1-bridge.txt", BRIDGE)
    bad = write("2-broken.csv", "url,title\nhttps://www.example.org/x,No text column\n")

    run = run_import(tmp_path, dry_run=True)

    assert run.failed is not None
    assert run.error_lines[0].startswith(f"error: {bad}:1: the CSV header has no 'text' column")


def test_reimporting_the_same_url_duplicates_nothing_and_says_so(write):
    path = write("bridge.txt", BRIDGE)
    run_import(path)
    article = Article.objects.get()

    run = run_import(path, verbosity=2)

    assert Article.objects.count() == 1
    assert "imported 0, skipped 1 already imported" in run.out
    assert f"{path}: skipped, already imported as article {article.pk}" in run.out


def test_same_url_with_changed_text_is_skipped_not_updated(write):
    run_import(write("bridge.txt", BRIDGE))

    run_import(write("bridge-v2.txt", BRIDGE.replace("Monday", "Tuesday")))

    assert list(Article.objects.values_list("text", flat=True)) == [
        "\u201cThe bridge reopens on Monday,\u201d said Mayor Grace Okafor."
    ]


def test_same_text_under_another_url_is_the_same_article(write):
    run_import(write("bridge.txt", BRIDGE))

    run = run_import(write("mirror.txt", BRIDGE.replace("/gazette/", "/mirror/")))

    assert Article.objects.count() == 1
    assert "imported 0, skipped 1 already imported" in run.out


def test_same_text_with_other_whitespace_is_the_same_article(write):
    run_import(write("a.txt", "The bridge reopens on Monday.\nThe mayor was there."))

    run_import(write("b.txt", "The bridge  reopens on Monday.\r\nThe mayor was there.\n\n"))

    assert Article.objects.count() == 1


def test_article_repeated_within_one_file_is_stored_once(write):
    line = json.dumps({"url": "https://www.example.org/twice", "text": "Said twice."})

    run = run_import(write("twice.jsonl", f"{line}\n{line}\n"))

    assert Article.objects.count() == 1
    assert "imported 1, skipped 1 already imported" in run.out


def test_reimport_never_overwrites_alice_s_correction_of_a_gold_quote(write, alice):
    text = '"We are ready," said Morag Tulloch.'
    path = write(
        "gold.jsonl",
        json.dumps(
            {
                "url": "https://www.example.org/ready",
                "text": text,
                "quotes": [{"quote_span": [0, 15], "speaker_name": "Morag Tulloch"}],
            }
        ),
    )
    run_import(path)
    quote = Quote.objects.get()
    quote.status, quote.speaker_name, quote.updated_by = Quote.Status.CORRECTED, "M. Tulloch", alice
    quote.save()

    run_import(path)

    quote.refresh_from_db()
    assert (quote.status, quote.speaker_name, quote.updated_by) == (
        Quote.Status.CORRECTED,
        "M. Tulloch",
        alice,
    )
    assert Quote.objects.count() == 1


def test_no_importable_file_is_an_error(tmp_path):
    (tmp_path / "notes.md").write_text("nothing to import")

    run = run_import(tmp_path)

    assert run.failed is not None
    assert "No importable files found in: " + str(tmp_path) in str(run.failed)
