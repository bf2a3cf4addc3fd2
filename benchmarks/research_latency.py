"""Server times of the research pages and API on a large corpus, and export memory.

Run against a database filled by ``manage.py generate_corpus`` (see its docstring):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsquotes_bench \\
        .venv/bin/python benchmarks/research_latency.py [--runs 40] [--explain]

Each scenario sends requests through Django's test client in this process (so the time is
the server's: URL routing, middleware, queries, templates; no network), with varied
parameters (speakers of every popularity, random outlets, date ranges and words), and
prints p50/p95/max in milliseconds. ``--explain`` prints EXPLAIN ANALYZE of the slowest
query of each scenario. Last, a full CSV export runs in a child process and its peak
resident memory is printed.

The database connection is kept between requests (CONN_MAX_AGE=60), as production runs
(docs/production.md); CONN_MAX_AGE=0 in the environment measures a connection a request.

First the app's tables and indexes are read into the operating system's file cache
(pg_prewarm's "read" mode, when the server has the extension; ``--cold`` skips it), as a
database server that has been serving them holds them: on a freshly started machine the
first request to touch each part of the 4.8 GB corpus waits on the disk instead (a phrase
search: 306 ms cold, 39 ms warm), which is the disk's latency, not the page's.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsquotes.settings")
os.environ.setdefault("CONN_MAX_AGE", "60")  # as in production: docs/production.md

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from annotations.models import Article, Quote, Speaker  # noqa: E402
from annotations.roles import RESEARCHER  # noqa: E402
from newsquotes.startup import freeze_loaded_objects  # noqa: E402


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="Requests per scenario.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--cold", action="store_true", help="Do not warm the file cache first.")
    parser.add_argument(
        "--only", default="", help="Run only the scenarios whose name contains this text."
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL (DATABASE_URL) with a corpus from generate_corpus.")
    quote_total = Quote.objects.count()
    if quote_total < 1000:
        sys.exit("The database has almost no quotes: run manage.py generate_corpus first.")
    print(
        f"database {connection.settings_dict['NAME']}: {Article.objects.count():,} articles, "
        f"{quote_total:,} quotes, {Speaker.objects.count():,} speakers"
    )

    if not args.cold:
        warm_the_file_cache()

    # As a web process starts (newsquotes/wsgi.py): no full garbage collection walks the
    # loaded app in the middle of a request.
    freeze_loaded_objects()
    user, _ = User.objects.get_or_create(username="benchmark-researcher")
    user.groups.add(Group.objects.get(name=RESEARCHER))
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    rng = random.Random(args.seed)

    # Parameters drawn from the data: speakers of every popularity (the most quoted ones,
    # since they are the slowest, and random ones), outlets, date windows, words.
    top = list(Quote.objects.reviewed().speaker_counts().values_list("speaker", flat=True)[:20])
    speaker_ids = list(Speaker.objects.values_list("pk", flat=True))
    outlets = list(Article.objects.order_by().values_list("outlet", flat=True).distinct())
    sample_texts = list(
        Quote.objects.filter(pk__in=[rng.randint(1, quote_total) for _ in range(300)]).values_list(
            "text", flat=True
        )
    )
    # Two ways to pick a search word: any distinct word (mostly rare ones, as most words
    # are), or a word picked from a random quote (so as common as it is in the corpus:
    # some are in most quotes, like "the").
    tokens = [[w.strip('",.').lower() for w in t.split()[1:] if len(w) > 3] for t in sample_texts]
    words = sorted({w for ts in tokens for w in ts})
    # Two consecutive words of a quote, as a phrase a researcher copies from one.
    phrases = [
        f"{a}+{b}"
        for t in sample_texts
        for a, b in zip(t.split()[1:], t.split()[2:], strict=False)
        if a.isalpha() and b.isalpha()
    ]
    article_total = Article.objects.count()
    titles = Article.objects.filter(pk__in=[rng.randint(1, article_total) for _ in range(300)])
    title_words = sorted(
        {w.lower() for t in titles.values_list("title", flat=True) for w in t.split()}
    )

    def common_word():
        return rng.choice(rng.choice(tokens) or words)

    def speaker():
        return rng.choice(top) if rng.random() < 0.3 else rng.choice(speaker_ids)

    def window():
        year = rng.randint(2015, 2025)
        month = rng.randint(1, 10)
        return f"date_from={year}-{month:02d}-01&date_to={year}-{month + 2:02d}-28"

    def outlet():
        return rng.choice(outlets).replace(" ", "+")

    def year():
        year = rng.randint(2015, 2025)
        return f"date_from={year}-01-01&date_to={year}-12-31"

    def july_to_june():
        year = rng.randint(2015, 2024)
        return f"date_from={year}-07-01&date_to={year + 1}-06-30"

    def years(n):
        """A range of ``n`` years starting on a random day of a random month: whole
        months from the speakers' month bits (over MONTH_BITS_FROM) and edge days."""
        start = rng.randint(2015, 2025 - n)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        return f"date_from={start}-{month:02d}-{day:02d}&date_to={start + n}-{month:02d}-{day:02d}"

    def first_cursor():
        response = client.get("/api/quotes?limit=50")
        return response.json()["next_cursor"]

    deep_cursor = first_cursor()
    scenarios = [
        ("quote list, unfiltered", lambda: "/quotes/"),
        ("quote list, page 2 (cursor)", lambda: f"/quotes/?cursor={deep_cursor}"),
        ("quote list, by speaker", lambda: f"/quotes/?speaker={speaker()}"),
        (
            "quote list, outlet + date range",
            lambda: f"/quotes/?outlet={rng.choice(outlets).replace(' ', '+')}&{window()}",
        ),
        ("full-text search, any word", lambda: f"/quotes/?q={rng.choice(words)}"),
        (
            "  same, best match first",
            lambda: f"/quotes/?q={rng.choice(words)}&sort=relevance",
        ),
        ("full-text search, word from a quote", lambda: f"/quotes/?q={common_word()}"),
        (
            "  same, best match first",
            lambda: f"/quotes/?q={common_word()}&sort=relevance",
        ),
        (
            "full-text search, two words",
            lambda: f"/quotes/?q={rng.choice(words)}+{rng.choice(words)}",
        ),
        ("speaker page", lambda: f"/speakers/{speaker()}/"),
        ("speaker page, most quoted speaker", lambda: f"/speakers/{top[0]}/"),
        ("top speakers, unfiltered", lambda: "/speakers/"),
        (
            "top speakers, outlet + date range",
            lambda: f"/speakers/?outlet={rng.choice(outlets).replace(' ', '+')}&{window()}",
        ),
        ("repeated statements, unfiltered", lambda: "/statements/"),
        ("  every statement (repeated=0)", lambda: "/statements/?repeated=0"),
        ("  by speaker", lambda: f"/statements/?speaker={speaker()}"),
        (
            "  outlet + date range",
            lambda: f"/statements/?outlet={rng.choice(outlets).replace(' ', '+')}&{window()}",
        ),
        ("articles, unfiltered", lambda: "/research/articles/"),
        ("articles, title search", lambda: f"/research/articles/?q={rng.choice(title_words)}"),
        ("API quotes, first page", lambda: "/api/quotes"),
        ("API quotes, by speaker", lambda: f"/api/quotes?speaker={speaker()}"),
        # New with issue 14: search syntax, candidates included, aggregates.
        (
            "search, a phrase of two words",
            lambda: f"/quotes/?q=%22{rng.choice(phrases)}%22",
        ),
        (
            "search, word -word",
            lambda: f"/quotes/?q={rng.choice(words)}+-{common_word()}",
        ),
        (
            "search, word or word",
            lambda: f"/quotes/?q={rng.choice(words)}+or+{rng.choice(words)}",
        ),
        (
            "quote list, unreviewed included",
            lambda: "/quotes/?status=confirmed&status=corrected&status=candidate",
        ),
        (
            "quote list, outlet in lower case",
            lambda: f"/quotes/?outlet={rng.choice(outlets).lower().replace(' ', '+')}",
        ),
        ("API counts, unfiltered", lambda: "/api/counts"),
        ("API counts, by speaker", lambda: f"/api/counts?speaker={speaker()}"),
        ("API top speakers", lambda: "/api/top-speakers"),
        (
            "API top speakers, outlet + date range",
            lambda: f"/api/top-speakers?outlet={rng.choice(outlets).replace(' ', '+')}&{window()}",
        ),
        ("API statements", lambda: "/api/statements"),
        # Voices (annotations/voices.py): VoicePeople answers those without dates (kinds
        # included) or a calendar year (their year cells); other date ranges read
        # VoicePeople's and VoicePresence's months and the quotes of the days at their
        # edges, the most of them twelve months across two years.
        ("voices page, unfiltered", lambda: "/voices/"),
        ("voices page, with candidates", lambda: "/voices/?candidates=on"),
        ("voices page, one outlet", lambda: f"/voices/?outlet={outlet()}"),
        ("voices page, one year", lambda: f"/voices/?{year()}"),
        ("voices page, outlet + one year", lambda: f"/voices/?outlet={outlet()}&{year()}"),
        ("voices page, direct quotes only", lambda: "/voices/?kind=direct"),
        ("voices page, outlet + date range", lambda: f"/voices/?outlet={outlet()}&{window()}"),
        ("voices page, July to June", lambda: f"/voices/?{july_to_june()}"),
        ("voices page, three years", lambda: f"/voices/?{years(3)}"),
        ("voices page, ten years", lambda: f"/voices/?{years(10)}"),
        ("API voices, by outlet", lambda: "/api/voices?by=outlet"),
        ("API voices, by month", lambda: "/api/voices?by=month"),
        ("API voices, outlet by month", lambda: f"/api/voices?by=month&outlet={outlet()}"),
        ("API voices, by outlet,month", lambda: "/api/voices?by=outlet,month"),
        ("API voices, one year by outlet", lambda: f"/api/voices?by=outlet&{year()}"),
        ("API voices, July to June by outlet", lambda: f"/api/voices?by=outlet&{july_to_june()}"),
        ("API voices, ten years by outlet", lambda: f"/api/voices?by=outlet&{years(10)}"),
        ("API voices, ten years by month", lambda: f"/api/voices?by=month&{years(10)}"),
    ]
    scenarios = [(name, url) for name, url in scenarios if args.only in name]

    # "db ms": the median time of the request's queries, so that a slow scenario says
    # whether its time goes to the database or to Python (filters, rendering).
    print(f"\n{'scenario':<38} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'db ms':>7}  queries")
    explain = []
    for name, make_url in scenarios:
        times, database_times, slowest = [], [], (0.0, None)
        for run in range(args.runs + 3):
            url = make_url()
            reset_queries()  # past 9,000 logged queries the capture comes back empty
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                sys.exit(f"{url} answered {response.status_code}")
            if run < 3:
                continue  # warm-up: connection, templates, caches
            times.append(elapsed)
            database_times.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
            # The page's own queries: session and user look-ups are the same everywhere.
            own = [
                q
                for q in queries.captured_queries
                if 'FROM "django_session"' not in q["sql"]
                and 'FROM "auth_' not in q["sql"]
                and not q["sql"].startswith("EXPLAIN")
            ]
            query = max(own or queries.captured_queries, key=lambda q: float(q["time"]))
            if float(query["time"]) > slowest[0]:
                slowest = (float(query["time"]), query["sql"], url)
        print(
            f"{name:<38} {statistics.median(times):>8.1f} {percentile(times, 0.95):>8.1f} "
            f"{max(times):>8.1f} {statistics.median(database_times):>7.1f}  "
            f"{len(queries.captured_queries)}"
        )
        explain.append((name, *slowest))

    if args.explain:
        for name, seconds, sql, url in explain:
            print(f"\n=== {name}: slowest query {seconds * 1000:.0f} ms ({url})")
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
                print("\n".join(row[0] for row in cursor.fetchall()))

    if not args.skip_export:
        export_memory()


def warm_the_file_cache():
    """Read the app's tables and indexes into the OS file cache (not PostgreSQL's own
    buffers, which are far smaller), with pg_prewarm when the server has it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_prewarm'")
        if cursor.fetchone() is None:
            print("file cache not warmed: the server has no pg_prewarm extension")
            return
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        started = time.perf_counter()
        cursor.execute(
            "SELECT coalesce(sum(pg_prewarm(c.oid, 'read')), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i', 't') "
            "AND c.relname NOT LIKE 'pg_%'"
        )
        (blocks,) = cursor.fetchone()
    seconds = time.perf_counter() - started
    print(f"file cache warmed: {blocks * 8 / 1024:,.0f} MB read in {seconds:.0f} s")


EXPORT_CHILD = """
import os, resource, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsquotes.settings")
import django
django.setup()
from django.test import Client
from django.contrib.auth.models import User
client = Client(HTTP_HOST="localhost")
client.force_login(User.objects.get(username="benchmark-researcher"))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
everything = "status=confirmed&status=corrected&status=candidate&status=rejected"
response = client.get("/quotes/export.{fmt}?" + everything)
rows = size = 0
for chunk in response.streaming_content:
    size += len(chunk)
    rows += chunk.count(b"\\n")
print(rows, size, time.perf_counter() - started, before,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def export_memory():
    print()
    for fmt in ("csv", "jsonl", "gold-jsonl"):
        child = subprocess.run(
            [sys.executable, "-c", EXPORT_CHILD.format(root=str(ROOT), fmt=fmt)],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ,
        )
        rows, size, seconds, before, peak = child.stdout.split()
        print(
            f"full {fmt.upper()} export of every quote (all statuses): {int(rows):,} lines, "
            f"{int(size) / 1e6:,.0f} MB in {float(seconds):.0f} s; peak RSS of the process "
            f"{int(peak) / 1024:.0f} MB (after start-up {int(before) / 1024:.0f} MB)"
        )


if __name__ == "__main__":
    main()
