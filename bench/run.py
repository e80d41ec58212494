"""Load benchmark of the main pages (issue 9): `make bench`, or

    .venv/bin/python bench/run.py [--posts 1000000] [--data-dir DIR --reuse] [--quick]
    .venv/bin/python bench/run.py --compare bench/results/OLD.json bench/results/NEW.json

Seeds a data set with `manage.py seed` (SQLite in a scratch DATA_DIR, or the
database DATABASE_URL names; Redis when REDIS_URL is set), builds the search
index, starts gunicorn (2 workers, DEBUG off, plain HTTP on 127.0.0.1) and
drives each page with wrk for a fixed time, logged in as a seeded member. The
constant page /bench/ceiling (BENCHMARK=true) runs through the same middleware
and gives this machine's ceiling. Prints one table and writes it as JSON to
bench/results/. Figures are printed, never asserted."""

import argparse
import datetime
import html
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.export import export_figures  # noqa: E402
from bench.search_rebuild import rebuild_index  # noqa: E402

RESULTS_DIR = ROOT / "bench" / "results"
LUA_SCRIPT = ROOT / "bench" / "report.lua"
GUNICORN = Path(sys.executable).parent / "gunicorn"
HOST = "127.0.0.1"
# Messages put in the benchmarked member's inbox (seed writes none), enough for two pages.
INBOX_MESSAGES = 30
# The rel="next" links followed from the home page to reach its 50th page.
DEEP_PAGE = 50
# (kind, value) per endpoint: p50_ms = p50 below value; share = at least value x the ceiling's
# req/s; p50_vs = p50 at most value[1] x the p50 of endpoint value[0].
TARGETS = {
    "home": [("p50_ms", 30), ("share", 0.25)],
    "home page 50": [("p50_vs", ("home", 1.5))],
    "explore": [("share", 0.25)],
    "profile": [("share", 0.25)],
    "inbox": [("share", 0.25)],
    "notifications poll": [("share", 0.5)],
    "api user detail": [("share", 0.5)],
}
SEED_TARGET_SECONDS = 60
EXPORT_TARGET_SECONDS = 10


class BenchError(Exception):
    """A reason to stop the benchmark, said in one line."""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2000, help="Members to seed (default 2000).")
    parser.add_argument("--follows", type=int, default=50, help="Members each one follows (default 50).")
    parser.add_argument("--posts", type=int, default=200_000, help="Posts to seed over a year (default 200,000).")
    parser.add_argument("--duration", type=int, default=10, help="Seconds of load per endpoint (default 10).")
    parser.add_argument("--warmup", type=int, default=2, help="Seconds of untimed load first (default 2; 0: none).")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4).")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2).")
    parser.add_argument("--port", type=int, default=8450, help="gunicorn's port on 127.0.0.1 (default 8450).")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2).")
    parser.add_argument(
        "--data-dir", type=Path, help="Keep SQLite, the search index and logs here (default: a scratch folder)."
    )
    parser.add_argument(
        "--reuse", action="store_true", help="Benchmark the members and posts already in the database; no seeding."
    )
    parser.add_argument(
        "--wipe", action="store_true", help="Empty a database that already has members before seeding it."
    )
    parser.add_argument(
        "--skip-index",
        action="store_true",
        help="No rebuild_index (minutes for large data sets) and no search rows in the table.",
    )
    parser.add_argument("--export-posts", type=int, default=10_000, help="Posts in the timed export (0: skip).")
    parser.add_argument("--common-word", default="coffee", help="Search query with many hits (default coffee).")
    # Seeded posts draw every word from short lists; "57" appears only in "Day 57 of …" (~75 in 200,000).
    parser.add_argument("--rare-word", default="57", help="Search query with few hits (default 57).")
    parser.add_argument("--only", help="Comma-separated endpoint names to run (the ceiling always runs).")
    parser.add_argument("--output", type=Path, help="JSON file to write (default bench/results/<time>.json).")
    parser.add_argument(
        "--quick", action="store_true", help="Tiny data set and 1 s per endpoint: checks the harness, not the site."
    )
    parser.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"), type=Path, help="Compare two JSON results.")
    options = parser.parse_args(argv)
    # wrk takes whole seconds.
    if options.duration < 1 or options.warmup < 0:
        parser.error("--duration must be at least 1 and --warmup at least 0 (whole seconds).")
    if options.reuse and options.data_dir is None:
        # A scratch folder is new each run, so it never holds the data (or search index) to reuse.
        parser.error("--reuse needs --data-dir: the folder the earlier run kept its data and search index in.")
    if options.quick:
        options.users, options.follows, options.posts = 60, 20, 3000
        options.duration, options.warmup, options.export_posts = 1, 0, 500
    return options


# --- environment ---------------------------------------------------------------------------


def missing_tools() -> list[str]:
    missing = []
    if not shutil.which("wrk"):
        missing.append("wrk (the load generator): apt-get install -y wrk")
    if not GUNICORN.exists():
        missing.append(f"gunicorn in {GUNICORN.parent}: make setup")
    return missing


def server_environment(*, data_dir: Path, port: int, workers: int, inherited: dict) -> dict:
    """The production configuration with DEBUG off, served over plain HTTP on 127.0.0.1
    (no TLS in front on this machine), plus the ceiling page. DATABASE_URL, REDIS_URL and
    ELASTICSEARCH_URL come from `inherited` when set there."""
    env = {
        # Not .env (DEBUG=true for development) and not .env.example (its placeholder database).
        "ENV_FILE": "/dev/null",
        "DJANGO_SETTINGS_MODULE": "microblog.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "BENCHMARK": "true",
        # Plain HTTP: no redirect to https, cookies sent over http, no HSTS.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "BEHIND_PROXY": "false",
        "DATA_DIR": str(data_dir),
        "STATIC_ROOT": str(data_dir / "static"),
        "CONN_MAX_AGE": "60",
        "EMAIL_URL": "consolemail://",
        "LOG_LEVEL": "WARNING",
        # The API allows a member 600 requests a minute; the benchmark sends that in a second.
        # A higher limit keeps the throttle's work (a cache read and write) in every request.
        "API_THROTTLE_USER": "100000000/second",
        "GUNICORN_BIND": f"{HOST}:{port}",
        "WEB_CONCURRENCY": str(workers),
        # No worker recycling in the middle of a measurement.
        "GUNICORN_MAX_REQUESTS": "0",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "ELASTICSEARCH_INDEX"):
        if inherited.get(name):
            env[name] = inherited[name]
    return env


def git_revision() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return "unknown"
    return rev.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


# --- data ----------------------------------------------------------------------------------


def prepare_data(options) -> dict:
    """Seed (and index) the database unless --reuse; the figures of both steps."""
    from django.core.management import call_command

    from accounts.models import User

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    has_members = User.objects.exists()
    if options.reuse:
        if not has_members:
            raise BenchError("--reuse, but the database has no members: run once without --reuse to seed it.")
        return {"reused": True}
    if has_members:
        if not options.wipe:
            raise BenchError(
                "The database already has members. Pass --reuse to benchmark them, "
                "or --wipe to empty it (everything in it is deleted) and seed it again."
            )
        call_command("flush", interactive=False, verbosity=0)
    print(f"seeding {options.users:,} members x {options.follows} follows, {options.posts:,} posts…", flush=True)
    started = time.perf_counter()
    call_command(
        "seed", users=options.users, follows=options.follows, posts=options.posts, seed=1, force=True, verbosity=0
    )
    seed_seconds = time.perf_counter() - started
    print(f"  seed: {seed_seconds:.1f} s", flush=True)
    if options.skip_index:
        return {"reused": False, "seed_seconds": seed_seconds}
    print("  rebuild_index…", flush=True)
    index = rebuild_index(batch_size=1000)
    print(f"  rebuild_index: {index['seconds']:.1f} s", flush=True)
    return {"reused": False, "seed_seconds": seed_seconds, "rebuild_index_seconds": index["seconds"]}


def bench_member():
    """The first seeded member who follows others, with an inbox of INBOX_MESSAGES."""
    from accounts.models import Follow, User
    from messaging.models import Message
    from messaging.services import message_send

    follower_id = Follow.objects.order_by("follower_id").values_list("follower_id", flat=True).first()
    if follower_id is None:
        raise BenchError("No member follows anyone: seed with --follows above 0.")
    member = User.objects.get(pk=follower_id)
    missing = INBOX_MESSAGES - Message.objects.filter(recipient=member).count()
    senders = list(User.objects.filter(follower_set__follower=member).order_by("pk")[:INBOX_MESSAGES])
    for n in range(max(missing, 0)):
        message_send(sender=senders[n % len(senders)], recipient=member, body=f"Benchmark message {n}.")
    return member


def endpoints_for(member, options) -> list[dict]:
    """Every benchmarked page: name, path, how it logs in ("session" or "token")."""
    from django.db.models import Count

    from accounts.models import User

    profile = User.objects.filter(follower_set__follower=member).annotate(n=Count("posts")).order_by("-n", "pk").first()
    since = int(time.time())
    return [
        {"name": "ceiling", "path": "/bench/ceiling", "auth": "session"},
        {"name": "home", "path": "/", "auth": "session"},
        {"name": "home page 50", "path": None, "auth": "session"},
        {"name": "explore", "path": "/explore/", "auth": "session"},
        {"name": "profile", "path": f"/user/{profile.username}/", "auth": "session"},
        {"name": "search common", "path": f"/search/?q={options.common_word}", "auth": "session"},
        {"name": "search rare", "path": f"/search/?q={options.rare_word}", "auth": "session"},
        {"name": "notifications poll", "path": f"/notifications/?since={since}", "auth": "session"},
        {"name": "inbox", "path": "/messages/", "auth": "session"},
        {"name": "api timeline", "path": "/api/timeline", "auth": "token"},
        {"name": "api users page 5", "path": "/api/users?page=5", "auth": "token"},
        {"name": "api user detail", "path": f"/api/users/{profile.pk}", "auth": "token"},
    ]


def credentials(member) -> dict:
    """Request headers per kind of login: a database session and an API token of `member`."""
    from django.conf import settings
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.test import Client
    from django.utils.crypto import get_random_string

    from api.services import token_issue

    client = Client()
    client.force_login(member)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    # A browser sends back the CSRF cookie it was given; without one every page would set a new one.
    csrf = get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
    cookies = f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"
    return {
        "session": {"Cookie": cookies},
        "token": {"Authorization": f"Bearer {token_issue(user=member)}"},
    }


def count_queries(endpoints: list[dict], headers: dict) -> dict:
    """SQL queries of one request to each endpoint, in this process against the same
    database and member (the second request: the first warms per-process caches):
    how many, their total time and the slowest one."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for endpoint in endpoints:
        client = Client(HTTP_HOST=HOST, headers=headers[endpoint["auth"]])
        client.get(endpoint["path"])
        with CaptureQueriesContext(connection) as captured:
            response = client.get(endpoint["path"])
        if response.status_code != 200:
            raise BenchError(f"{endpoint['name']} answered {response.status_code} in-process ({endpoint['path']}).")
        queries = [(float(query["time"]) * 1000, query["sql"]) for query in captured.captured_queries]
        slowest = max(queries, default=(0.0, ""))
        counts[endpoint["name"]] = {
            "queries": len(queries),
            "sql_ms": sum(ms for ms, _ in queries),
            "slowest_sql_ms": slowest[0],
            "slowest_sql": slowest[1][:500],
        }
    return counts


def search_hits(words: list[str]) -> dict:
    from posts.search import post_search

    return {word: post_search(query=word).count() for word in words}


# --- HTTP and load -------------------------------------------------------------------------


def fetch(port: int, path: str, headers: dict) -> tuple[int, str]:
    """GET without following redirects: a 302 to the login page must show as a 302."""
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def next_link(page_html: str) -> str | None:
    """The href of the first <a rel="next"> in a page, unescaped, or None."""
    for tag in re.findall(r"<a\b[^>]*>", page_html):
        if re.search(r'\brel="(?:[^"]*\s)?next(?:\s[^"]*)?"', tag):
            href = re.search(r'\bhref="([^"]*)"', tag)
            if href:
                return html.unescape(href[1])
    return None


def deep_page(port: int, headers: dict, pages: int = DEEP_PAGE) -> tuple[str, int]:
    """The path of the home page's `pages`th page, reached by following rel="next" links
    (keyset pagination has no page numbers); `?page=N` when page 1 has no such link.
    Also returns the page number reached (less when the timeline is shorter)."""
    path, reached = "/", 1
    status, body = fetch(port, path, headers)
    if status != 200:
        raise BenchError(f"home answered {status} while looking for page {pages}.")
    if next_link(body) is None:
        return f"/?page={pages}", pages
    while reached < pages:
        link = next_link(body)
        if link is None:
            break
        path = urljoin(path, link)
        status, body = fetch(port, path, headers)
        if status != 200:
            raise BenchError(f"home page {reached + 1} ({path}) answered {status}.")
        reached += 1
    return path, reached


def start_server(log_path: Path, port: int) -> subprocess.Popen:
    log = log_path.open("ab")
    server = subprocess.Popen(
        [str(GUNICORN), "-c", "deploy/gunicorn.conf.py"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn stopped at start-up (exit {server.returncode}); see {log_path}")
        try:
            if fetch(port, "/healthz", {})[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(server)
    raise BenchError(f"gunicorn did not answer /healthz on port {port} within 60 s; see {log_path}")


def stop_server(server: subprocess.Popen):
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def parse_wrk(output: str) -> dict:
    """The figures report.lua prints from done()."""
    for line in output.splitlines():
        if line.startswith("WRK_JSON "):
            return json.loads(line[len("WRK_JSON ") :])
    raise BenchError(f"wrk printed no figures:\n{output.strip()}")


def run_wrk(url: str, headers: dict, *, seconds: int, connections: int, threads: int) -> dict:
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command += ["-s", str(LUA_SCRIPT), url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if result.returncode != 0:
        raise BenchError(f"wrk failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}")
    return parse_wrk(result.stdout)


def measure(figures: dict) -> dict:
    """req/s, latency in ms and errors from one wrk run."""
    seconds = figures["duration_us"] / 1e6
    latency = figures["latency_us"]
    errors = sum(figures[key] for key in ("non2xx", "connect_errors", "read_errors", "write_errors", "timeouts"))
    return {
        "requests": figures["requests"],
        "rps": figures["requests"] / seconds if seconds else 0.0,
        "p50_ms": latency["p50"] / 1000,
        "p90_ms": latency["p90"] / 1000,
        "p99_ms": latency["p99"] / 1000,
        "errors": errors,
    }


# --- report --------------------------------------------------------------------------------


def describe_target(kind: str, value) -> str:
    if kind == "p50_ms":
        return f"p50<{value:g}ms"
    if kind == "share":
        return f">={value:.0%}"
    return f"p50<={value[1]:g}x {value[0]}"


def evaluate(rows: list[dict]) -> list[dict]:
    """Adds each row's share of the ceiling's req/s and its targets (text, met or not)."""
    by_name = {row["name"]: row for row in rows}
    ceiling = by_name.get("ceiling", {}).get("rps") or 0.0
    for row in rows:
        row["share"] = row["rps"] / ceiling if ceiling else None
        checks = []
        for kind, value in TARGETS.get(row["name"], []):
            if kind == "p50_ms":
                met = row["p50_ms"] < value
            elif kind == "share":
                met = row["share"] is not None and row["share"] >= value
            else:
                other = by_name.get(value[0])
                met = other is not None and row["p50_ms"] <= value[1] * other["p50_ms"]
            checks.append({"target": describe_target(kind, value), "met": met})
        # Errors spoil any figure: a fast 500 is not a fast page.
        row["targets"] = checks
        row["met"] = all(check["met"] for check in checks) and not row["errors"] if checks else None
    return rows


def format_table(rows: list[dict]) -> str:
    header = ("endpoint", "req/s", "p50 ms", "p99 ms", "errors", "queries", "sql ms", "% ceiling", "target", "met")
    lines = []
    for row in rows:
        share = "" if row.get("share") is None else f"{row['share']:.0%}"
        met = {True: "yes", False: "NO", None: ""}[row.get("met")]
        queries = "" if row.get("queries") is None else str(row["queries"])
        sql_ms = "" if row.get("sql_ms") is None else f"{row['sql_ms']:.1f}"
        target = ", ".join(check["target"] for check in row.get("targets", []))
        lines.append(
            (
                row["name"],
                f"{row['rps']:.1f}",
                f"{row['p50_ms']:.1f}",
                f"{row['p99_ms']:.1f}",
                str(row["errors"]),
                queries,
                sql_ms,
                share,
                target,
                met,
            )
        )
    widths = [max(len(cells[i]) for cells in [header, *lines]) for i in range(len(header))]

    def render(cells):
        # Names and targets left-aligned, figures right-aligned.
        return "  ".join(
            cell.ljust(width) if i in (0, 8, 9) else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([render(header), render(["-" * width for width in widths]), *map(render, lines)])


def format_setup(setup: dict) -> str:
    lines = []
    if setup.get("reused"):
        lines.append("data: reused (no seed, no index rebuild)")
    if "seed_seconds" in setup:
        met = "yes" if setup["seed_seconds"] < SEED_TARGET_SECONDS else "NO"
        lines.append(f"seed: {setup['seed_seconds']:.1f} s (target <{SEED_TARGET_SECONDS} s: {met})")
    if "rebuild_index_seconds" in setup:
        lines.append(f"rebuild_index: {setup['rebuild_index_seconds']:.1f} s")
    export = setup.get("export")
    if export:
        met = "yes" if export["seconds"] < EXPORT_TARGET_SECONDS else "NO"
        lines.append(
            f"export of {export['posts']:,} posts: {export['seconds']:.2f} s, {export['bytes'] / 1e6:.1f} MB "
            f"(task body; target <{EXPORT_TARGET_SECONDS} s: {met})"
        )
    return "\n".join(lines)


def compare(old: dict, new: dict) -> str:
    """Two runs side by side: req/s, p50 and queries per endpoint, with the change in req/s."""
    old_rows = {row["name"]: row for row in old["endpoints"]}
    header = ("endpoint", "req/s old", "req/s new", "change", "p50 old", "p50 new", "queries old", "queries new")
    lines = []
    for row in new["endpoints"]:
        before = old_rows.get(row["name"])
        if before is None:
            continue
        change = (row["rps"] / before["rps"] - 1) if before["rps"] else 0.0
        lines.append(
            (
                row["name"],
                f"{before['rps']:.1f}",
                f"{row['rps']:.1f}",
                f"{change:+.0%}",
                f"{before['p50_ms']:.1f}",
                f"{row['p50_ms']:.1f}",
                str(before.get("queries", "")),
                str(row.get("queries", "")),
            )
        )
    widths = [max(len(cells[i]) for cells in [header, *lines]) for i in range(len(header))]
    rendered = [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        )
        for cells in [header, *lines]
    ]
    notes = [
        f"old: {old['started']} {old['environment'].get('database')} {old['environment'].get('posts')} posts "
        f"rev {old['environment'].get('git_revision')}",
        f"new: {new['started']} {new['environment'].get('database')} {new['environment'].get('posts')} posts "
        f"rev {new['environment'].get('git_revision')}",
    ]
    return "\n".join([*notes, *rendered])


# --- main ----------------------------------------------------------------------------------


def environment_figures(options, member_posts: int) -> dict:
    import django
    from django.conf import settings

    from accounts.models import Follow, User
    from posts.models import Post

    return {
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "search": settings.HAYSTACK_CONNECTIONS["default"]["ENGINE"].rsplit(".", 1)[-1],
        "posts": Post.objects.count(),
        "members": User.objects.count(),
        "follows": Follow.objects.count(),
        "timeline_posts": member_posts,
        "git_revision": git_revision(),
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn_workers": options.workers,
        "wrk": {
            "connections": options.connections,
            "threads": options.threads,
            "duration": options.duration,
            "warmup": options.warmup,
        },
    }


def main(argv=None) -> int:
    options = parse_args(argv)
    if options.compare:
        old, new = (json.loads(path.read_text()) for path in options.compare)
        print(compare(old, new))
        return 0
    missing = missing_tools()
    if missing:
        print("bench: missing " + "; ".join(missing), file=sys.stderr)
        return 2

    scratch = options.data_dir is None
    data_dir = Path(tempfile.mkdtemp(prefix="microblog-bench-")) if scratch else options.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        server_environment(data_dir=data_dir, port=options.port, workers=options.workers, inherited=os.environ)
    )
    server = None
    try:
        import django

        django.setup()
        from django.db import connections

        from posts.models import Post

        started = datetime.datetime.now(datetime.UTC)
        setup = prepare_data(options)
        member = bench_member()
        headers = credentials(member)
        endpoints = endpoints_for(member, options)
        if options.only:
            wanted = {name.strip() for name in options.only.split(",")} | {"ceiling"}
            unknown = wanted - {endpoint["name"] for endpoint in endpoints}
            if unknown:
                raise BenchError(f"--only: no endpoint named {', '.join(sorted(unknown))}")
            endpoints = [endpoint for endpoint in endpoints if endpoint["name"] in wanted]
        if options.skip_index:
            endpoints = [endpoint for endpoint in endpoints if not endpoint["name"].startswith("search")]
        member_posts = Post.objects.timeline_for(member).count()
        hits = {} if options.skip_index else search_hits([options.common_word, options.rare_word])
        # SQLite allows one writer: the server must not wait on a transaction of ours.
        connections.close_all()

        log_path = data_dir / "gunicorn.log"
        server = start_server(log_path, options.port)
        for endpoint in endpoints:
            if endpoint["path"] is None:
                endpoint["path"], endpoint["page"] = deep_page(options.port, headers["session"])
                if endpoint["page"] < DEEP_PAGE:
                    print(f"note: the timeline has only {endpoint['page']} pages; timing the last one.")
        # Every page must really answer before it is timed: a fast redirect to the login page is no figure.
        for endpoint in endpoints:
            status, _ = fetch(options.port, endpoint["path"], headers[endpoint["auth"]])
            if status != 200:
                raise BenchError(f"{endpoint['name']} ({endpoint['path']}) answered {status}, not 200; see {log_path}")

        rows = []
        load_before = os.getloadavg()
        for endpoint in endpoints:
            url = f"http://{HOST}:{options.port}{endpoint['path']}"
            load = {"connections": options.connections, "threads": options.threads}
            if options.warmup:
                run_wrk(url, headers[endpoint["auth"]], seconds=options.warmup, **load)
            figures = measure(run_wrk(url, headers[endpoint["auth"]], seconds=options.duration, **load))
            rows.append({"name": endpoint["name"], "path": endpoint["path"], **figures})
            print(f"  {endpoint['name']}: {figures['rps']:.1f} req/s, p50 {figures['p50_ms']:.1f} ms", flush=True)
        stop_server(server)
        server = None

        counts = count_queries(endpoints, headers)
        for row in rows:
            row.update(counts[row["name"]])
        if options.export_posts:
            setup["export"] = export_figures(options.export_posts, keep=False)
        evaluate(rows)

        environment = environment_figures(options, member_posts)
        environment["search_hits"] = hits
        environment["load_average_before"] = load_before
        environment["member"] = member.username
        result = {"started": started.isoformat(timespec="seconds"), "environment": environment, "setup": setup}
        result["endpoints"] = rows
        output = options.output or RESULTS_DIR / f"{started:%Y%m%dT%H%M%SZ}.json"
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(result, indent=2) + "\n")

        print()
        print(
            f"{environment['database']} + {environment['cache']}, {environment['posts']:,} posts, "
            f"{environment['members']:,} members, {environment['cpu_count']} CPUs, rev {environment['git_revision']}, "
            f"{options.workers} gunicorn workers, wrk {options.connections} connections x {options.duration} s, "
            f"load average {load_before[0]:.1f} before, {environment['load_average'][0]:.1f} after"
        )
        print(format_setup(setup))
        print(format_table(rows))
        print(f"\nwritten to {output}")
        return 0
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    finally:
        if server is not None:
            stop_server(server)
        if scratch:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
