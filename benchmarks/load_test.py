"""Load test: editors and researchers against the production server, on this machine only.

    python benchmarks/load_test.py [--duration 60] [--editors 6] [--researchers 6]

What it does, bounded in time and only on loopback:

1. (Re)creates a database of its own (default newsquotes_load on the PostgreSQL of
   DATABASE_URL or 127.0.0.1:5432), migrates it, fills it with generate_corpus (made-up
   text) and creates the editor and researcher accounts.
2. Starts the production server: gunicorn with newsquotes/gunicorn.conf.py, DEBUG off,
   WhiteNoise static files, on 127.0.0.1 and a free port.
3. Runs the clients, one thread each, with no think time, for --duration seconds:
   editors confirm, reject or change the speaker of quotes drawn from a small "hot" set
   (so that they collide), each sending the quote version it last saw, as the page does
   (htmx requests, CSRF header); researchers filter quotes by speaker, outlet and words,
   open speaker pages and call the JSON API.
4. Prints throughput, latency percentiles and errors, then checks the database against
   what the clients did: every decision answered 200 is recorded exactly once (the quote's
   version went up by one for it, its history has one entry by that editor, the last one
   is the quote's updated_by), and every 409 left the quote as the winner saved it.

Exit status 0 only with zero errors and a clean database check.
"""

import argparse
import logging
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PASSWORD = "load-test-password-not-secret"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (max 600)")
    parser.add_argument("--editors", type=int, default=6)
    parser.add_argument("--researchers", type=int, default=6)
    parser.add_argument("--web-workers", type=int, default=5, help="gunicorn processes")
    parser.add_argument("--hot", type=int, default=40, help="quotes the editors work on")
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--quotes", type=int, default=50000)
    parser.add_argument("--speakers", type=int, default=500)
    parser.add_argument("--database", default="newsquotes_load", help="database to (re)create")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not 1 <= args.duration <= 600:
        parser.error("--duration must be between 1 and 600 seconds")
    if "load" not in args.database:
        parser.error("--database must have 'load' in its name: it is dropped and re-created")
    return args


def server_url(database: str) -> tuple[str, str]:
    """(URL of the load database, URL of the maintenance database) on a loopback server."""
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsquotes")
    parts = urlsplit(base)
    if parts.scheme not in ("postgres", "postgresql") or parts.hostname not in LOOPBACK:
        sys.exit("The load test needs PostgreSQL on this machine (DATABASE_URL on 127.0.0.1).")
    server = f"{parts.scheme}://{parts.netloc}"
    return f"{server}/{database}", f"{server}/postgres"


def run(*args, env):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- Setting up ---------------------------------------------------------------------------


def create_database(args, maintenance_url: str):
    import psycopg

    with psycopg.connect(maintenance_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{args.database}"')


SYLLABLES = [c + v for c in "bdfklmnprstvz" for v in "aeiou"]


def made_up_words(rng, n) -> str:
    return " ".join(
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(n)
    )


def fill_database(args, rng):
    """Made-up articles, speakers and quotes (nothing copied from real news)."""
    import datetime

    from annotations.models import Article, Quote, Speaker, content_hash, normalize_name

    speakers = []
    for i in range(args.speakers):
        name = f"{made_up_words(rng, 2).title()} {i}"
        speakers.append(Speaker(name=name, normalized_name=normalize_name(name)))
    speakers = Speaker.objects.bulk_create(speakers)
    outlets = [f"The {made_up_words(rng, 1).title()} Times" for _ in range(20)]
    statuses = ["candidate"] * 5 + ["confirmed"] * 3 + ["corrected", "rejected"]
    per_article = max(1, args.quotes // args.articles)
    for first in range(0, args.articles, 1000):
        articles, spans = [], []
        for i in range(first, min(first + 1000, args.articles)):
            sentences = [f'"{made_up_words(rng, 12).capitalize()}."' for _ in range(per_article)]
            text, offsets = "", []
            for sentence in sentences:
                offsets.append((len(text), len(text) + len(sentence)))
                text += sentence + " said someone. " + made_up_words(rng, 20) + ".\n"
            articles.append(
                Article(
                    text=text,
                    content_hash=content_hash(text),
                    outlet=rng.choice(outlets),
                    url=f"https://synthetic.example/{i}",
                    title=made_up_words(rng, 6).capitalize(),
                    published=datetime.date(2020, 1, 1) + datetime.timedelta(days=i % 1500),
                )
            )
            spans.append(offsets)
        articles = Article.objects.bulk_create(articles)
        Quote.objects.bulk_create(
            Quote(
                article=article,
                start=start,
                end=end,
                text=article.text[start:end],
                speaker=rng.choice(speakers),
                status=rng.choice(statuses),
                confidence=round(rng.random(), 3),
            )
            for article, offsets in zip(articles, spans, strict=True)
            for start, end in offsets
        )


def create_accounts(args) -> tuple[list[str], list[str]]:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User

    from annotations.roles import EDITOR, RESEARCHER

    hashed = make_password(PASSWORD)
    names = {EDITOR: [f"editor{i}" for i in range(args.editors)]}
    names[RESEARCHER] = [f"researcher{i}" for i in range(args.researchers)]
    for role, usernames in names.items():
        group = Group.objects.get(name=role)
        for username in usernames:
            user = User.objects.create(username=username, password=hashed)
            user.groups.add(group)
    return names[EDITOR], names[RESEARCHER]


@dataclass
class World:
    hot: list[int]
    initial_versions: dict[int, int]
    speakers: list[int]
    outlets: list[str]
    words: list[str]


def sample_world(args, rng) -> World:
    from annotations.models import Article, Quote, Speaker

    quote_ids = list(Quote.objects.values_list("pk", flat=True))
    hot = rng.sample(quote_ids, min(args.hot, len(quote_ids)))
    versions = dict(Quote.objects.filter(pk__in=hot).values_list("pk", "version"))
    speakers = list(Speaker.objects.active().values_list("pk", flat=True)[:500])
    outlets = list(Article.objects.values_list("outlet", flat=True).distinct()[:40])
    words = [
        w
        for text in Quote.objects.values_list("text", flat=True)[:200]
        for w in re.findall(r"[a-z]{5,}", text.lower())
    ][:200]
    return World(hot, versions, speakers, outlets, words or ["said"])


# --- The clients --------------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str
    status: int  # 0: no answer (connection error or timeout)
    seconds: float
    editor: str = ""
    quote: int = 0
    version: int = 0


@dataclass
class Shared:
    """What the editors' pages show: the last version of each quote anyone saw saved."""

    versions: dict[int, int]
    lock: threading.Lock = field(default_factory=threading.Lock)
    outcomes: list[Outcome] = field(default_factory=list)


def log_in(client, username):
    page = client.get("/accounts/login/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    answer = client.post(
        "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    if answer.status_code != 302:
        raise RuntimeError(f"{username} could not log in ({answer.status_code})")


def timed(client, kind, method, url, **kwargs) -> Outcome:
    import httpx

    started = time.perf_counter()
    try:
        status = client.request(method, url, **kwargs).status_code
    except httpx.HTTPError:
        status = 0
    return Outcome(kind, status, time.perf_counter() - started)


def editor_loop(base, username, world: World, shared: Shared, deadline, rng):
    import httpx

    with httpx.Client(base_url=base, timeout=30) as client:
        log_in(client, username)
        while time.monotonic() < deadline:
            quote = rng.choice(world.hot)
            with shared.lock:
                version = shared.versions[quote]
            action = rng.choice(["confirm", "reject", "speaker"])
            data = {"version": version}
            if action == "speaker":
                data["speaker"] = rng.choice(world.speakers)
            outcome = timed(
                client,
                f"editor {action}",
                "POST",
                f"/quotes/{quote}/{action}/",
                data=data,
                headers={"HX-Request": "true", "X-CSRFToken": client.cookies["csrftoken"]},
            )
            outcome.editor, outcome.quote, outcome.version = username, quote, version
            with shared.lock:
                if outcome.status == 200:
                    shared.versions[quote] = max(shared.versions[quote], version + 1)
                shared.outcomes.append(outcome)


def researcher_loop(base, username, world: World, shared: Shared, deadline, rng):
    import httpx

    with httpx.Client(base_url=base, timeout=30) as client:
        log_in(client, username)
        while time.monotonic() < deadline:
            kind, url = rng.choice(
                [
                    ("research by speaker", f"/quotes/?speaker={rng.choice(world.speakers)}"),
                    ("research by outlet", f"/quotes/?outlet={rng.choice(world.outlets)}"),
                    ("research words", f"/quotes/?q={rng.choice(world.words)}"),
                    ("research speakers", "/speakers/"),
                    ("research speaker", f"/speakers/{rng.choice(world.speakers)}/"),
                    ("api quotes", f"/api/quotes?speaker={rng.choice(world.speakers)}"),
                ]
            )
            outcome = timed(client, kind, "GET", url)
            with shared.lock:
                shared.outcomes.append(outcome)


# --- Checking -----------------------------------------------------------------------------


def check_database(world: World, shared: Shared, editors: list[str]) -> list[str]:
    """Every 200 recorded exactly once, in version order; nothing else changed a quote."""
    from annotations.models import Quote

    problems = []
    saved = defaultdict(list)
    for o in shared.outcomes:
        if o.kind.startswith("editor") and o.status == 200:
            saved[o.quote].append(o)
    History = Quote.history.model
    history = Counter(
        History.objects.filter(
            id__in=world.hot, history_user__username__in=editors, history_type="~"
        ).values_list("id", flat=True)
    )
    for quote in Quote.objects.filter(pk__in=world.hot).select_related("updated_by"):
        mine = sorted(saved[quote.pk], key=lambda o: o.version)
        start = world.initial_versions[quote.pk]
        sent = [o.version for o in mine]
        if sent != list(range(start, start + len(mine))):
            problems.append(f"quote {quote.pk}: saves sent versions {sent} from {start}")
        if quote.version != start + len(mine):
            problems.append(
                f"quote {quote.pk}: version {quote.version}, expected {start} + {len(mine)} saves"
            )
        if history[quote.pk] != len(mine):
            problems.append(
                f"quote {quote.pk}: {history[quote.pk]} history entries for {len(mine)} saves"
            )
        if mine and quote.updated_by.username != mine[-1].editor:
            problems.append(
                f"quote {quote.pk}: last saved by {mine[-1].editor}, "
                f"but updated_by is {quote.updated_by}"
            )
    return problems


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def report(shared: Shared, seconds: float) -> int:
    outcomes = shared.outcomes
    by_kind = defaultdict(list)
    for o in outcomes:
        by_kind[o.kind].append(o)
    print(f"\n{'kind':<22}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  statuses")
    for kind in sorted(by_kind):
        times = [o.seconds * 1000 for o in by_kind[kind]]
        statuses = Counter(o.status for o in by_kind[kind])
        p50, p95, p99 = (percentile(times, f) for f in (0.5, 0.95, 0.99))
        print(
            f"{kind:<22}{len(times):>9}{p50:>9.0f}{p95:>9.0f}{p99:>9.0f}"
            f"  {dict(sorted(statuses.items()))}"
        )
    times = [o.seconds * 1000 for o in outcomes]
    editor_times = [o.seconds * 1000 for o in outcomes if o.kind.startswith("editor")]
    reader_times = [o.seconds * 1000 for o in outcomes if not o.kind.startswith("editor")]
    errors = [
        o
        for o in outcomes
        if not (o.status == 200 or (o.kind.startswith("editor") and o.status == 409))
    ]
    saved = sum(1 for o in outcomes if o.kind.startswith("editor") and o.status == 200)
    conflicts = sum(1 for o in outcomes if o.status == 409)
    rate = len(outcomes) / seconds
    print(
        f"\nall: {len(outcomes)} requests in {seconds:.1f} s = {rate:.1f} req/s; "
        f"p50 {percentile(times, 0.5):.0f} ms, p95 {percentile(times, 0.95):.0f} ms, "
        f"p99 {percentile(times, 0.99):.0f} ms"
    )
    print(
        f"editors: {len(editor_times)} decisions sent, {saved} saved (200), {conflicts} "
        f"conflicts (409), p95 {percentile(editor_times, 0.95):.0f} ms"
    )
    print(f"researchers: {len(reader_times)} queries, p95 {percentile(reader_times, 0.95):.0f} ms")
    print(f"errors (anything but 200, or 409 for a stale version): {len(errors)}")
    for o in errors[:10]:
        print(f"  {o.kind} -> {o.status or 'no answer'}")
    return len(errors)


# --- Main ---------------------------------------------------------------------------------


def main():
    args = parse_args()
    rng = random.Random(args.seed)
    database_url, maintenance_url = server_url(args.database)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_hex(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: no TLS proxy in front, so no HTTPS redirect or secure cookies.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "CONN_MAX_AGE": "60",
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "WARNING",
        "AXES_FAILURE_LIMIT": "1000",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("TEST_DATABASE_NAME", None)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DEBUG", "SECRET_KEY")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsquotes.settings"
    static_root = Path(tempfile.mkdtemp(prefix="newsquotes-load-static-"))
    env["STATIC_ROOT"] = str(static_root)

    print(f"setting up {args.database}: {args.articles} articles, {args.quotes} quotes ...")
    create_database(args, maintenance_url)
    run("migrate", "--verbosity", "0", env=env)
    run("collectstatic", "--noinput", "--verbosity", "0", env=env)

    import django

    django.setup()
    from django.db import connection

    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request
    fill_database(args, rng)
    editors, researchers = create_accounts(args)
    world = sample_world(args, rng)
    connection.close()
    shared = Shared(versions=dict(world.initial_versions))

    port = free_port()
    server_env = {**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(args.web_workers)}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "newsquotes/gunicorn.conf.py"],
        cwd=ROOT,
        env=server_env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        for _ in range(100):
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            sys.exit("the server did not start")
        print(
            f"load: {args.editors} editors + {args.researchers} researchers, no think time, "
            f"for {args.duration:.0f} s against gunicorn ({args.web_workers} workers) on {base}; "
            f"{len(world.hot)} hot quotes; {os.cpu_count()} cores, load average before "
            f"{os.getloadavg()[0]:.1f}"
        )
        started = time.monotonic()
        deadline = started + args.duration
        threads = [
            threading.Thread(
                target=editor_loop,
                args=(base, name, world, shared, deadline, random.Random(rng.random())),
            )
            for name in editors
        ] + [
            threading.Thread(
                target=researcher_loop,
                args=(base, name, world, shared, deadline, random.Random(rng.random())),
            )
            for name in researchers
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.duration + 60)
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(static_root, ignore_errors=True)

    print(f"load average after: {os.getloadavg()[0]:.1f}")
    errors = report(shared, elapsed)
    problems = check_database(world, shared, editors)
    print(f"database check: {len(problems)} lost or duplicated decisions")
    for problem in problems[:20]:
        print("  " + problem)
    sys.exit(1 if errors or problems else 0)


if __name__ == "__main__":
    main()
