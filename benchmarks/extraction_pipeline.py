"""End-to-end extraction throughput on PostgreSQL: engine alone, extract_quotes, db_workers.

    .venv/bin/python benchmarks/extraction_pipeline.py [--articles 256] [--small 64]

Builds a scratch database (``nq_bench_extraction`` on the server of DATABASE_URL, default
postgres://postgres@127.0.0.1:5432), imports the GGT dev articles from ../shared/data
(repeated to --articles, made distinct, without gold quotes) with import_articles, then
prints articles/s for:

* the engine alone (extract_texts over the same texts, no database),
* storing alone (the same candidates through store_candidates, no engine),
* ``extract_quotes --all`` in one process (claims, speaker matching, batched writes),
* one and two ``db_worker`` processes taking the queued tasks,

and the database queries per article for two corpus sizes (they should not grow). Model
loading is left out of every rate (the pipeline is loaded once in this process; workers
are timed after each has loaded it on a warm-up task). Targets (issue #4): the database
path keeps >= 85% of the engine-alone rate, and two workers on two cores are >= 1.6x one.
Other processes on the machine slow every row: the CPU column and the load average say how
much to trust the wall-clock rates. Skips cleanly without the data.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "ggt_dev.jsonl"
if not DATA.exists():
    DATA = Path("/work/shared/data/ggt_dev.jsonl")
BENCH_DB = "nq_bench_extraction"


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsquotes")
    if not url.startswith("postgres"):
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    return url.rsplit("/", 1)[0]


def recreate_database(base: str) -> str:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    return f"{base}/{BENCH_DB}"


def write_corpus(path: Path, n: int) -> int:
    """n articles: the GGT articles over and over, each copy made unique by a tag line,
    without gold quotes (so every candidate is stored, none skipped)."""
    records = [json.loads(line) for line in DATA.read_text().splitlines() if line.strip()]
    with path.open("w") as out:
        for i in range(n):
            record, copy = records[i % len(records)], i // len(records)
            text = record["text"] + f"\n\n(Benchmark copy {copy}.)"
            out.write(json.dumps({"id": f"{record['id']}-{copy}", "text": text}) + "\n")
    return n


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def reset_extraction():
    """Forget every extraction (quotes, speakers), as if the articles were just imported."""
    from django.db import connection

    from annotations.models import Article, Quote, Speaker, SpeakerAlias, SpeakerMergeSuggestion

    tables = [
        model._meta.db_table
        for model in (Quote, Quote.history.model, SpeakerMergeSuggestion, SpeakerAlias)
    ]
    tables += [SpeakerAlias.history.model._meta.db_table, Speaker.history.model._meta.db_table]
    from django_tasks_db.models import DBTaskResult

    tables += [Speaker._meta.db_table, DBTaskResult._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    Article.objects.update(
        extraction_state="not_started",
        extraction_attempts=0,
        extracted_at=None,
        extraction_candidates=None,
    )


def timed_extract_quotes() -> tuple[float, int, int]:
    """extract_quotes --all in this process: (articles/s, queries, articles done)."""
    import io

    from django.core.management import call_command
    from django.db import connection

    from annotations.models import Article

    counter = QueryCounter()
    out = io.StringIO()
    started = time.monotonic()
    with connection.execute_wrapper(counter):
        call_command("extract_quotes", "--all", stdout=out, verbosity=0)
    elapsed = time.monotonic() - started  # the pipeline is loaded already (cached)
    print("   ", out.getvalue().strip())
    done = Article.objects.filter(extraction_state="done").count()
    return done / elapsed, counter.count, done


def run_workers(n: int, env: dict) -> tuple[float, float, float, float]:
    """Articles/s of n db_workers over the whole corpus, model loading left out; the wall
    time with start-up; the workers' CPU seconds per article; the cores they got.

    Each worker first gets a one-article warm-up task (loading the model takes seconds, so
    no worker gets two); the corpus is queued once all are warm, and timed until done.
    """
    from django_tasks_db.models import DBTaskResult

    from annotations import services
    from annotations.models import Article

    reset_extraction()
    corpus = list(Article.objects.values_list("pk", flat=True))
    warm_up = [
        Article.objects.create(text=f"Warm-up article {i} for worker start-up.") for i in range(n)
    ]
    started = time.monotonic()
    for article in warm_up:
        services.queue_extraction(articles=[article])
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.1",
                "--verbosity",
                "0",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
        )
        for _ in range(n)
    ]
    try:
        warm = Article.objects.filter(pk__in=[a.pk for a in warm_up], extraction_state="done")
        wait_until(lambda: warm.count() == n)
        ran = {tuple(ids) for ids in DBTaskResult.objects.values_list("worker_ids", flat=True)}
        if len(ran) != n:
            print(f"    (warning: the warm-up tasks ran on {len(ran)} worker(s), not {n})")
        t0, cpu0 = time.monotonic(), sum(process_cpu(w.pid) for w in workers)
        services.queue_extraction(articles=corpus)
        done = Article.objects.filter(pk__in=corpus, extraction_state="done")
        wait_until(lambda: done.count() == len(corpus))
        seconds = time.monotonic() - t0
        cpu = sum(process_cpu(w.pid) for w in workers) - cpu0
        rate = len(corpus) / seconds
    finally:
        for worker in workers:
            worker.terminate()  # SIGTERM: a db_worker stops between tasks
        for worker in workers:
            worker.wait()
    wall = time.monotonic() - started
    Article.objects.filter(pk__in=[a.pk for a in warm_up]).delete()
    return rate, wall, cpu / len(corpus), cpu / seconds


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a running process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until(condition, timeout=3600.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            sys.exit("timed out waiting for the workers")
        time.sleep(0.1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=256, help="corpus size (large)")
    parser.add_argument("--small", type=int, default=64, help="the small size, a prefix")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"SKIP: {DATA} not found (the GGT dev set lives in shared/data)")
        return
    if not 0 < args.small < args.articles:
        sys.exit("--small must be between 0 and --articles")

    url = recreate_database(server_url())
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-not-secret",
        "ALLOWED_HOSTS": "localhost",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"], cwd=ROOT, env=env, check=True
    )
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsquotes.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from annotations import services
    from annotations.models import Article

    print(f"PostgreSQL {BENCH_DB}; engine {services.extraction_engine().EXTRACTOR_VERSION};")
    print(f"batch size {settings.EXTRACTION_BATCH_SIZE}; {os.cpu_count()} cores; load avg "
          f"{os.getloadavg()[0]:.1f} at start")  # fmt: skip

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        write_corpus(corpus, args.articles)
        t = time.monotonic()
        call_command("import_articles", str(corpus), "--no-extract", verbosity=0)
        import_rate = args.articles / (time.monotonic() - t)

    # Queries at the small size: extract only the first articles.
    nlp = services.extraction_pipeline()
    all_articles = list(Article.objects.order_by("pk").values_list("pk", "text"))
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        stats = services.extract_articles(
            articles_or_ids=[pk for pk, _ in all_articles[: args.small]], nlp=nlp, force=True
        )
    small_queries, small_done = counter.count, stats.articles

    texts = [text for _, text in all_articles]
    engine = services.extraction_engine()
    batch = settings.EXTRACTION_BATCH_SIZE
    wall, cpu = time.monotonic(), time.process_time()
    results = list(engine.extract_texts(nlp, texts, batch_size=batch))
    engine_rate = len(texts) / (time.monotonic() - wall)
    engine_cpu = (time.process_time() - cpu) / len(texts)
    n_candidates = sum(map(len, results))

    # The database part alone: the same candidates stored batch by batch, no engine.
    reset_extraction()
    articles = list(Article.objects.order_by("pk").only("pk", "text"))
    wall, cpu = time.monotonic(), time.process_time()
    for i in range(0, len(articles), batch):
        services.store_candidates(
            pairs=list(zip(articles[i : i + batch], results[i : i + batch], strict=True)),
            extractor_version=engine.EXTRACTOR_VERSION,
        )
    store_rate = len(articles) / (time.monotonic() - wall)
    store_cpu = (time.process_time() - cpu) / len(articles)

    reset_extraction()
    cpu = time.process_time()
    command_rate, large_queries, done = timed_extract_quotes()
    command_cpu = (time.process_time() - cpu) / done

    one_rate, one_wall, one_cpu, one_cores = run_workers(1, env)
    two_rate, two_wall, two_cpu, two_cores = run_workers(2, env)

    n = len(texts)
    print()
    print(f"corpus: {n} articles ({n_candidates} candidates), imported at {import_rate:.1f}/s")
    print(f"{'path':<46}{'articles/s':>11}{'vs engine':>10}{'CPU ms/article':>16}")
    rows = [
        ("engine alone (extract_texts, no database)", engine_rate, engine_cpu),
        ("storing alone (store_candidates, no engine)", store_rate, store_cpu),
        ("extract_quotes --all, one process", command_rate, command_cpu),
        (f"1 db_worker (wall {one_wall:.0f}s with start-up)", one_rate, one_cpu),
        (f"2 db_workers (wall {two_wall:.0f}s with start-up)", two_rate, two_cpu),
    ]
    for label, rate, cpu in rows:
        print(f"{label:<46}{rate:>11.2f}{rate / engine_rate:>10.0%}{cpu * 1000:>16.0f}")
    print("(CPU: of this process, or of the workers; PostgreSQL's own CPU is not in it)")
    print()
    print(f"database path keeps {command_rate / engine_rate:.0%} of the engine rate (target 85%)")
    print(
        f"  by CPU time, which other processes on the machine disturb less: "
        f"{engine_cpu / command_cpu:.0%}"
    )
    print(f"two workers vs one: {two_rate / one_rate:.2f}x (target 1.6x on two idle cores)")
    print(
        f"  the machine gave one worker {one_cores:.2f} cores and two workers {two_cores:.2f}; "
        f"per core of CPU they got, two did {two_rate / two_cores / (one_rate / one_cores):.2f}x "
        "the work of one"
    )
    for label, queries, articles in [
        ("small", small_queries, small_done),
        ("large", large_queries, done),
    ]:
        batches = -(-articles // batch)
        print(
            f"queries, {label} corpus: {queries} for {articles} articles = "
            f"{queries / articles:.2f} per article, {queries / batches:.1f} per batch of {batch}"
        )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (other processes share the cores)")


if __name__ == "__main__":
    main()
