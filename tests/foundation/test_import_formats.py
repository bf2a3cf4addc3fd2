"""Each import format puts the article, and only the article, in the database."""

import json
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from annotations import importers, services
from annotations.models import Article, Quote, Speaker, SpeakerAlias

from .conftest import run_import

pytestmark = pytest.mark.django_db

SAMPLES = Path(settings.BASE_DIR) / "samples"

PIER_TXT = (
    "title: Pier lights switched back on\n"
    "url: https://www.example.org/gazette/pier-lights\n"
    "date: 2025-12-01\n"
    "The pier lights in Port Eldham were switched back on on Friday.\n"
    "\u201cIt feels like Christmas again,\u201d said Mayor Grace Okafor.\n"
    "source:The Harbour Gazette\n"
)


def span(text: str, part: str, after: int = 0) -> list[int]:
    start = text.index(part, after)
    return [start, start + len(part)]


# --- plain text (seed format) -------------------------------------------------------


def test_txt_header_lines_become_title_url_and_date(write):
    run_import(write("pier.txt", PIER_TXT))

    article = Article.objects.get()
    assert article.title == "Pier lights switched back on"
    assert article.url == "https://www.example.org/gazette/pier-lights"
    assert article.published == date(2025, 12, 1)


def test_txt_source_line_becomes_the_outlet(write):
    run_import(write("pier.txt", PIER_TXT))

    assert Article.objects.get().outlet == "The Harbour Gazette"


def test_txt_text_is_the_paragraphs_only_one_per_line(write):
    run_import(write("pier.txt", PIER_TXT))

    assert Article.objects.get().text == (
        "The pier lights in Port Eldham were switched back on on Friday.\n"
        "\u201cIt feels like Christmas again,\u201d said Mayor Grace Okafor."
    )


def test_txt_without_header_lines_is_all_text(write):
    run_import(write("plain.txt", "First paragraph.\nSecond paragraph.\nsource:dailyexample\n"))

    article = Article.objects.get()
    assert (article.text, article.outlet, article.title, article.url, article.published) == (
        "First paragraph.\nSecond paragraph.",
        "dailyexample",
        "",
        "",
        None,
    )


def test_txt_with_windows_line_endings_reads_the_same(write):
    run_import(write("pier.txt", PIER_TXT.replace("\n", "\r\n").encode("utf-8")))

    article = Article.objects.get()
    assert "\r" not in article.text
    assert article.outlet == "The Harbour Gazette"


# --- JSONL with gold quotes ------------------------------------------------------------

FERRY_TEXT = (
    '"The ferry will run on Sunday," said Shona Barclay.\n'
    '"Crews have agreed to cover it."\n'
    "The union said talks would resume on Monday.\n"
    "She said the union had not been asked about it."
)


def ferry_record(**extra) -> dict:
    t = FERRY_TEXT
    record = {
        "id": "ferry-1",
        "outlet": "Kestrel Bay Herald",
        "url": "https://kestrelbay.example.com/news/sunday-ferry",
        "title": "Sunday ferry will run",
        "date": "2025-04-20",
        "text": t,
        "quotes": [
            {
                "quote": '"The ferry will run on Sunday,"',
                "quote_span": span(t, '"The ferry will run on Sunday,"'),
                "speaker": "Shona Barclay",
                "speaker_span": span(t, "Shona Barclay"),
                "speaker_name": "Shona Barclay",
                "verb": "said",
                "verb_span": span(t, "said"),
            },
            {
                "quote": '"Crews have agreed to cover it."',
                "quote_span": span(t, '"Crews have agreed to cover it."'),
                "speaker": "",
                "speaker_span": None,
                "speaker_name": "Shona Barclay",
                "verb": "",
                "verb_span": None,
            },
            {
                "quote": "talks would resume on Monday",
                "quote_span": span(t, "talks would resume on Monday"),
                "speaker": "The union",
                "speaker_span": span(t, "The union"),
                "speaker_name": "Maritime and Harbour Workers' Union",
                "verb": "said",
                "verb_span": span(t, "said", t.index("The union")),
            },
            {
                "quote": "the union had not been asked about it",
                "quote_span": span(t, "the union had not been asked about it"),
                "speaker": "She",
                "speaker_span": span(t, "She"),
                "speaker_name": "Shona Barclay",
                "verb": "said",
                "verb_span": span(t, "said", t.index("She")),
            },
        ],
    }
    record.update(extra)
    return record


@pytest.fixture
def ferry_jsonl(write):
    return write("ferry.jsonl", json.dumps(ferry_record()) + "\n")


def test_jsonl_fields_become_the_article(ferry_jsonl):
    run_import(ferry_jsonl)

    article = Article.objects.get()
    assert (article.external_id, article.outlet, article.url, article.title) == (
        "ferry-1",
        "Kestrel Bay Herald",
        "https://kestrelbay.example.com/news/sunday-ferry",
        "Sunday ferry will run",
    )
    assert article.published == date(2025, 4, 20)
    assert article.text == FERRY_TEXT


def test_jsonl_gold_quotes_are_stored_as_confirmed_human_quotes(ferry_jsonl):
    run_import(ferry_jsonl)

    quotes = list(Quote.objects.order_by("start"))
    assert [q.text for q in quotes] == [
        '"The ferry will run on Sunday,"',
        '"Crews have agreed to cover it."',
        "talks would resume on Monday",
        "the union had not been asked about it",
    ]
    assert {(q.status, q.origin) for q in quotes} == {(Quote.Status.CONFIRMED, Quote.Origin.HUMAN)}


def test_jsonl_gold_quote_keeps_its_speaker_mention_and_cue(ferry_jsonl):
    run_import(ferry_jsonl)

    quote = Quote.objects.get(start=0)
    assert quote.speaker.name == "Shona Barclay"
    assert (quote.speaker_start, quote.speaker_end, quote.speaker_text) == (37, 50, "Shona Barclay")
    assert (quote.cue_start, quote.cue_end, quote.cue_text) == (32, 36, "said")
    assert quote.span_errors() == []


def test_jsonl_floating_gold_quote_has_a_speaker_but_no_mention(ferry_jsonl):
    run_import(ferry_jsonl)

    floating = Quote.objects.get(text='"Crews have agreed to cover it."')
    assert floating.is_floating
    assert floating.speaker_start is None
    assert floating.speaker.name == "Shona Barclay"


def test_jsonl_quotes_by_one_name_share_one_speaker(ferry_jsonl):
    run_import(ferry_jsonl)

    assert sorted(Speaker.objects.values_list("name", flat=True)) == [
        "Maritime and Harbour Workers' Union",
        "Shona Barclay",
    ]
    assert Quote.objects.filter(speaker__name="Shona Barclay").count() == 3


def test_jsonl_pronoun_mention_does_not_become_an_alias(ferry_jsonl):
    run_import(ferry_jsonl)

    assert not SpeakerAlias.objects.filter(normalized="she").exists()
    assert Quote.objects.get(speaker_text="She").speaker.name == "Shona Barclay"


def test_jsonl_gold_quote_kind_follows_its_quotation_marks(ferry_jsonl):
    run_import(ferry_jsonl)

    kinds = dict(Quote.objects.values_list("text", "kind"))
    assert kinds['"The ferry will run on Sunday,"'] == Quote.Kind.DIRECT
    assert kinds["talks would resume on Monday"] == Quote.Kind.INDIRECT


def test_jsonl_holds_one_article_a_line(write):
    second = ferry_record(id="ferry-2", url="", text="Another article.", quotes=[])
    run_import(write("two.jsonl", json.dumps(ferry_record()) + "\n\n" + json.dumps(second)))

    assert sorted(Article.objects.values_list("external_id", flat=True)) == ["ferry-1", "ferry-2"]


def test_import_by_alice_records_her_as_importer_and_author_of_the_gold(alice):
    record = importers.parse("ferry.jsonl", json.dumps(ferry_record()).encode())

    services.import_records(source="ferry.jsonl", records=record, user=alice)

    assert Article.objects.get().imported_by == alice
    assert set(Quote.objects.values_list("created_by", flat=True)) == {alice.pk}


# --- CSV ---------------------------------------------------------------------------------


def test_csv_row_becomes_an_article_with_its_columns(write):
    run_import(
        write(
            "rescue.csv",
            "url,outlet,title,date,text\n"
            "https://kestrelbay.example.com/news/rescue,Kestrel Bay Herald,Kayakers rescued,"
            "2025-08-03,Two kayakers were rescued.\n",
        )
    )

    article = Article.objects.get()
    assert (article.url, article.outlet, article.title, article.published, article.text) == (
        "https://kestrelbay.example.com/news/rescue",
        "Kestrel Bay Herald",
        "Kayakers rescued",
        date(2025, 8, 3),
        "Two kayakers were rescued.",
    )


def test_csv_text_may_run_over_lines_and_hold_commas_and_quote_marks(write):
    run_import(
        write(
            "rescue.csv",
            "url,outlet,title,date,text\n"
            ',Kestrel Bay Herald,,,"Two kayakers, both from Carrick, were rescued.\n'
            '""We were lucky,"" said one."\n',
        )
    )

    assert Article.objects.get().text == (
        'Two kayakers, both from Carrick, were rescued.\n"We were lucky," said one.'
    )


def test_csv_columns_may_come_in_any_order_and_case(write):
    run_import(write("short.csv", "Text,Outlet\nA short article.,The Valley Courier\n"))

    article = Article.objects.get()
    assert (article.text, article.outlet) == ("A short article.", "The Valley Courier")


# --- HTML ----------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8"><title>Harbour wall repaired | The Harbour Gazette</title>
<meta property="og:title" content="Harbour wall repaired">
<meta property="og:site_name" content="The Harbour Gazette">
<meta property="og:url" content="https://www.example.org/gazette/harbour-wall">
<meta property="article:published_time" content="2025-11-20T08:00:00+00:00">
</head><body>
<div class="cookies"><p>We use cookies on this site. Accept all cookies?</p></div>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/subscribe">Subscribe today</a></li></ul></nav>
<main><article>
<h1>Harbour wall repaired</h1>
<p>The harbour wall at Port Eldham has been repaired after a winter storm tore a gap in it
three metres wide, the harbour authority said on Thursday.</p>
<p>\u201cThe fishing fleet can stay in the inner basin again without worrying about the next
spring tide,\u201d said harbour master Neil Drummond, who watched the last stones go in.</p>
<p>The repair cost about \u00a3200,000 and was paid for from the authority's reserves,
according to its annual report.</p>
</article></main>
<footer><p>Sign up to our newsletter for the day's top stories.</p>
<p>&copy; 2025 The Harbour Gazette. All rights reserved.</p></footer>
</body></html>
"""


def test_html_keeps_only_the_article_paragraphs(write):
    run_import(write("wall.html", PAGE))

    assert Article.objects.get().text == (
        "The harbour wall at Port Eldham has been repaired after a winter storm tore a gap in it "
        "three metres wide, the harbour authority said on Thursday.\n"
        "\u201cThe fishing fleet can stay in the inner basin again without worrying about the "
        "next spring tide,\u201d said harbour master Neil Drummond, who watched the last stones "
        "go in.\n"
        "The repair cost about \u00a3200,000 and was paid for from the authority's reserves, "
        "according to its annual report."
    )


def test_html_page_metadata_becomes_title_url_outlet_and_date(write):
    run_import(write("wall.html", PAGE))

    article = Article.objects.get()
    assert (article.title, article.url, article.outlet, article.published) == (
        "Harbour wall repaired",
        "https://www.example.org/gazette/harbour-wall",
        "The Harbour Gazette",
        date(2025, 11, 20),
    )


# --- folders -------------------------------------------------------------------------------


def test_folders_are_walked_for_every_known_format(write, tmp_path):
    write("a.txt", "Article A.\nsource:The Valley Courier")
    write("sub/b.csv", "text\nArticle B.\n")
    write("sub/deeper/c.jsonl", json.dumps({"text": "Article C."}))
    write("sub/d.htm", PAGE)

    run_import(tmp_path)

    assert Article.objects.count() == 4


def test_folder_walk_skips_hidden_files_and_unknown_formats(write, tmp_path):
    write("a.txt", "Article A.")
    write(".draft.txt", "A hidden draft.")
    write(".cache/b.txt", "In a hidden folder.")
    write("notes.md", "Not an article format.")

    run = run_import(tmp_path)

    assert list(Article.objects.values_list("text", flat=True)) == ["Article A."]
    assert run.failed is None


def test_new_articles_are_queued_for_extraction_unless_told_not_to(write):
    run_import(write("a.txt", "Article A."), no_extract=False)
    run_import(write("b.txt", "Article B."), no_extract=True)

    states = dict(Article.objects.values_list("text", "extraction_state"))
    assert states == {
        "Article A.": Article.Extraction.QUEUED,
        "Article B.": Article.Extraction.NOT_STARTED,
    }


# --- the project's sample articles -----------------------------------------------------------


def test_sample_folder_imports_fifteen_articles_and_seventeen_gold_quotes():
    # 9 .txt + 3 in gold-quotes.jsonl + 2 in more-articles.csv + 1 .html; gold: 6 + 5 + 6.
    run = run_import(SAMPLES)

    assert run.failed is None, run.err
    assert (Article.objects.count(), Quote.objects.count()) == (15, 17)
    assert "imported 15, skipped 0 already imported, failed 0 files" in run.out


def test_sample_folder_imported_twice_is_skipped_whole_the_second_time():
    run_import(SAMPLES)

    second = run_import(SAMPLES)

    assert "imported 0, skipped 15 already imported, failed 0 files" in second.out
    assert (Article.objects.count(), Quote.objects.count()) == (15, 17)
