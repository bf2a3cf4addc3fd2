"""Server time of large uploads on the Add articles page, the path that timed out (issue 15).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsquotes \\
        .venv/bin/python benchmarks/import_upload.py [--articles 30000] [--gold-articles 2000]

Creates a throw-away PostgreSQL database (``nq_bench_import`` unless TEST_DATABASE_NAME
says otherwise) on the server of DATABASE_URL, then posts two generated JSONL files
(text written here, not anyone's news) through Django's test client as an editor, the
way the browser does, and prints for each the seconds the request took, its status, the
SQL queries and what was stored:

* --articles short articles without quotes (30,000 is a 2.4 MB file);
* --gold-articles articles with 10 gold quotes each, by 50 speakers (20,000 quotes, ~1 MB).

gunicorn kills a request after GUNICORN_TIMEOUT (30 s): both must answer well under that.
The database is dropped at the end.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsquotes.settings")
os.environ.setdefault("TEST_DATABASE_NAME", "nq_bench_import")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from annotations.models import Article, Quote, Speaker  # noqa: E402
from annotations.roles import EDITOR  # noqa: E402


def short_articles(n: int) -> bytes:
    lines = [
        json.dumps({"text": f"Council note {i}: the ferry runs late.", "outlet": "Bench Post"})
        for i in range(n)
    ]
    return ("\n".join(lines) + "\n").encode()


def gold_articles(n: int, per_article: int = 10, speakers: int = 50) -> bytes:
    lines = []
    for i in range(n):
        text, quotes = "", []
        for j in range(per_article):
            name = f"Ann{(i * per_article + j) % speakers} Lee"
            said = f'"Plan {i}.{j} goes on," said {name}. '
            start = len(text)
            quote_end = start + said.index(",") + 2
            name_start = start + said.index(name)
            quotes.append(
                {
                    "quote_span": [start, quote_end],
                    "speaker_span": [name_start, name_start + len(name)],
                    "speaker_name": name,
                }
            )
            text += said
        lines.append(json.dumps({"text": text.strip(), "outlet": "Bench Post", "quotes": quotes}))
    return ("\n".join(lines) + "\n").encode()


def post(client, name: str, data: bytes) -> None:
    upload = SimpleUploadedFile(name, data, content_type="application/json")
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.post("/articles/add/", {"files": [upload]})
        seconds = time.perf_counter() - started
    print(
        f"{name}: {len(data) / 1e6:.1f} MB, {seconds:.1f} s, status {response.status_code}, "
        f"{len(queries)} queries; stored {Article.objects.count()} articles, "
        f"{Quote.objects.count()} quotes, {Speaker.objects.count()} speakers",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=30000)
    parser.add_argument("--gold-articles", type=int, default=2000)
    args = parser.parse_args()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        editor = User.objects.create_user("bench-editor", password="x")
        editor.groups.add(Group.objects.get_or_create(name=EDITOR)[0])
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(editor)
        post(client, "short.jsonl", short_articles(args.articles))
        post(client, "gold.jsonl", gold_articles(args.gold_articles))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
