"""Server time of the article review page (100 quotes), the queue and each review action.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsquotes \\
        .venv/bin/python benchmarks/review_latency.py [--runs 60] [--queue-articles 300]

    # At the working size: on a generate_corpus database (1M quotes, 100k articles)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsquotes_bench \\
        .venv/bin/python benchmarks/review_latency.py --corpus

With --corpus it runs on DATABASE_URL itself, a database made by generate_corpus: it adds
its editor and its two articles (100 and 10 candidates), measures, and deletes what it
added, so the corpus is left as it was (the queue then has the corpus's ~78k articles).

Creates a throw-away PostgreSQL database (Django's test database machinery, named
``nq_bench_review`` unless TEST_DATABASE_NAME says otherwise) on the server of
DATABASE_URL, seeds it (an article with 100 candidate quotes, one with 10, and a queue of
--queue-articles articles with a dozen candidates each), then sends requests through
Django's test client in this process, so the time measured is the server's: routing,
middleware, session, queries, template rendering; no network. Actions are sent as htmx
requests, as the page sends them, each on a quote at its current version. Prints
p50/p95/max wall time in milliseconds, the median CPU time of this process (the app's
share, without PostgreSQL's; it shows how much of the wall time is waiting when the
machine is busy: the load average is printed first), the median time spent in SQL as
Django measures it, the SQL queries per request, and the longest garbage collection
pause seen in the scenario's requests (the app is frozen out of the collector's reach
first, as newsquotes/wsgi.py does).
Targets (issues #5 and #12): p95 under 100 ms for each, with query counts that do not
grow with the corpus. Without --corpus the database is dropped at the end.
"""

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsquotes.settings")
os.environ.setdefault("TEST_DATABASE_NAME", "nq_bench_review")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from annotations.models import Article, Quote, Speaker  # noqa: E402
from annotations.roles import EDITOR  # noqa: E402
from newsquotes.startup import freeze_loaded_objects  # noqa: E402

HTMX = {"HTTP_HX_REQUEST": "true"}


class GCPauses:
    """Time spent in garbage collections, from gc.callbacks."""

    def __init__(self):
        self.total = 0.0
        self._started = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase, info):
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.total += time.perf_counter() - self._started


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def seed_article(n: int, speakers, title: str) -> tuple[Article, list[Quote]]:
    """An article of ~800 words per dozen quotes, with n candidates over its statements."""
    sentences = [
        f'"Statement {i} about the harbour plan is made here, with a few more words," said '
        f"{speakers[i % len(speakers)].name}. The council met again on Tuesday to hear more.\n"
        for i in range(n)
    ]
    text = "".join(sentences) + f"({title}.)"
    article = Article.objects.create(title=title, outlet="Bench Gazette", text=text)
    quotes, offset = [], 0
    for i, sentence in enumerate(sentences):
        end = sentence.index('," said') + 2
        quotes.append(
            Quote(
                article=article,
                start=offset,
                end=offset + end,
                text=sentence[:end],
                speaker=speakers[i % len(speakers)],
                confidence=(i % 10) / 10,
            )
        )
        offset += len(sentence)
    return article, Quote.objects.bulk_create(quotes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60, help="Requests per scenario.")
    parser.add_argument("--queue-articles", type=int, default=300)
    parser.add_argument(
        "--corpus",
        action="store_true",
        help="Run on DATABASE_URL, a generate_corpus database, and leave it as it was.",
    )
    parser.add_argument(
        "--no-gc-freeze",
        action="store_true",
        help="Leave the loaded app to the garbage collector (to see what freezing it saves).",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")

    # No setup_test_environment(): its template instrumentation would be timed too.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    # As a web process starts (newsquotes/wsgi.py): without it, a full garbage collection
    # walks the loaded app and spaCy (~100 ms) in the middle of one request now and then.
    if not args.no_gc_freeze:
        freeze_loaded_objects()
    if args.corpus:
        if Quote.objects.count() < 100_000:
            sys.exit("--corpus needs a generate_corpus database (DATABASE_URL has few quotes).")
        args.queue_articles = 0
        before = Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        try:
            run(args)
        finally:
            Article.objects.filter(claimed_by__username="bench-editor").update(
                claimed_by=None, claimed_at=None
            )
            Article.objects.filter(pk__gt=before).delete()
            Quote.history.filter(article_id__gt=before).delete()
            Speaker.objects.filter(name__startswith="Speaker Number").delete()
            User.objects.filter(username="bench-editor").delete()
        return
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(args):
    editor = User.objects.create_user("bench-editor")
    editor.groups.add(Group.objects.get(name=EDITOR))
    speakers = [Speaker.objects.create(name=f"Speaker Number{i}") for i in range(12)]
    big, big_quotes = seed_article(100, speakers, "Big")
    small, _ = seed_article(10, speakers, "Small")
    for a in range(args.queue_articles):
        seed_article(12, speakers, f"Queue {a}")
    Quote.objects.filter(article=big).update(
        alternatives=[s.name for s in speakers[:4]]  # the card offers 1, 2, 3
    )
    Article.objects.filter(pk__in=[big.pk, small.pk]).refresh_review_counts()
    if args.queue_articles:
        Article.objects.refresh_review_counts()
    outlet = Article.objects.outlets()[0]
    print(
        f"{Article.objects.count()} articles, {Quote.objects.count()} quotes "
        f"({'generate_corpus' if args.corpus else 'seeded'}); "
        f"{args.runs} requests per scenario; server {connection.settings_dict['HOST']}"
    )

    client = Client()
    client.force_login(editor)
    client.get(big.get_absolute_url())  # warm templates and connections

    def quote_at(i):
        return Quote.objects.get(pk=big_quotes[i % len(big_quotes)].pk)

    def reset_big():
        Quote.objects.filter(article=big).update(status=Quote.Status.CANDIDATE)

    def mention_data(q, i):
        if i % 2:
            return {"version": q.version, "clear": "1"}
        said = big.text.index(" said ", q.end) + len(" said ")
        return {"version": q.version, "start": said, "end": said + len("Speaker")}

    def span_data(q, i):
        return {"version": q.version, "adjust": "grow_end" if i % 2 == 0 else "shrink_end"}

    scenarios = {
        "review page, 100 quotes": lambda i: ("get", big.get_absolute_url(), None),
        "review page, 10 quotes": lambda i: ("get", small.get_absolute_url(), None),
        "review queue": lambda i: ("get", reverse("review_queue"), None),
        "review queue, page 200": lambda i: ("get", reverse("review_queue"), {"page": 200}),
        "review queue, one outlet": lambda i: (
            "get",
            reverse("review_queue"),
            {"outlet": outlet, "page": 3},
        ),
        "confirm": lambda i: (
            "post",
            reverse("quote_confirm", args=[quote_at(i).pk]),
            {"version": quote_at(i).version},
        ),
        "reject": lambda i: (
            "post",
            reverse("quote_reject", args=[quote_at(i).pk]),
            {"version": quote_at(i).version},
        ),
        "change kind": lambda i: (
            "post",
            reverse("quote_kind", args=[quote_at(i).pk]),
            {"version": quote_at(i).version, "kind": ["mixed", "indirect"][i % 2]},
        ),
        "change speaker": lambda i: (
            "post",
            reverse("quote_speaker", args=[quote_at(i).pk]),
            {"version": quote_at(i).version, "speaker": speakers[(i + 5) % 12].pk},
        ),
        "pick alternative (1)": lambda i: (
            "post",
            reverse("quote_speaker", args=[quote_at(i).pk]),
            {"version": quote_at(i).version, "speaker": speakers[i % 2 + 1].pk},
        ),
        "set speaker mention": lambda i: (
            "post",
            reverse("quote_mention", args=[quote_at(i // 2).pk]),
            mention_data(quote_at(i // 2), i),
        ),
        "adjust span by a word": lambda i: (
            "post",
            reverse("quote_span", args=[quote_at(i).pk]),
            span_data(quote_at(i), i),
        ),
        "add a quote": lambda i: (
            "post",
            reverse("quote_add", args=[big.pk]),
            {"start": quote_at(i).end + 7, "end": quote_at(i).end + 20, "speaker": speakers[0].pk},
        ),
        "undo": lambda i: ("post", reverse("article_undo", args=[big.pk]), {}),
        "confirm all remaining": lambda i: (
            reset_big(),
            "post",
            reverse("article_confirm_remaining", args=[big.pk]),
            {"expected": 100},
        )[1:],
        "speaker autocomplete": lambda i: (
            "get",
            reverse("speaker_suggest"),
            {"speaker_name": f"number{i % 12}"},
        ),
        "autocomplete, alternatives": lambda i: (
            "get",
            reverse("speaker_suggest"),
            {"speaker_name": "", "quote": quote_at(i).pk},
        ),
        "next article (claim)": lambda i: ("post", reverse("article_next"), {"after": big.pk}),
    }

    print(f"load average before the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(
        f"\n{'request':28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'cpu p50':>8} "
        f"{'sql p50':>8} {'queries':>8} {'gc max':>7}"
    )
    worst = 0.0
    pauses = GCPauses()
    for name, make in scenarios.items():
        times, cpu, db, queries, gc_ms = [], [], [], set(), []
        for i in range(args.runs):
            method, url, data = make(i)
            # The log keeps 9,000 queries: once full, CaptureQueriesContext counts none.
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as captured:
                pauses.total = 0.0
                started, cpu_started = time.perf_counter(), time.process_time()
                response = getattr(client, method)(url, data or {}, **HTMX)
                elapsed = (time.perf_counter() - started) * 1000
                cpu.append((time.process_time() - cpu_started) * 1000)
                gc_ms.append(pauses.total * 1000)
            if response.status_code not in (200, 303):
                sys.exit(f"{name}: HTTP {response.status_code}\n{response.content[:500]!r}")
            times.append(elapsed)
            queries.add(len(captured))
            db.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        p95 = percentile(times, 0.95)
        worst = max(worst, p95)
        print(
            f"{name:28} {statistics.median(times):8.1f} {p95:8.1f} {max(times):8.1f} "
            f"{statistics.median(cpu):8.1f} {statistics.median(db):8.1f} "
            f"{'/'.join(str(q) for q in sorted(queries)):>8} {max(gc_ms):7.1f}"
        )
    print(f"\nworst p95: {worst:.1f} ms (target: under 100 ms)")


if __name__ == "__main__":
    main()
