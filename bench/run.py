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

from bench import dataset  # noqa: E402
from bench.export import export_figures  # noqa: E402
from bench.report import BenchError, compare, evaluate, format_setup, format_table, measure, run_wrk  # noqa: E402

RESULTS_DIR = ROOT / "bench" / "results"
GUNICORN = Path(sys.executable).parent / "gunicorn"
HOST = "127.0.0.1"
# The rel="next" links followed from the home page to reach its 50th page.
DEEP_PAGE = 50


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
    if not (ROOT / "static" / "vendor" / "bootstrap").is_dir():
        missing.append("Bootstrap in static/vendor: make setup")
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


# --- report --------------------------------------------------------------------------------


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


def select(endpoints: list[dict], options) -> list[dict]:
    """The endpoints --only names (plus the ceiling), without search when there is no index."""
    if options.only:
        wanted = {name.strip() for name in options.only.split(",")} | {"ceiling"}
        unknown = wanted - {endpoint["name"] for endpoint in endpoints}
        if unknown:
            raise BenchError(f"--only: no endpoint named {', '.join(sorted(unknown))}")
        endpoints = [endpoint for endpoint in endpoints if endpoint["name"] in wanted]
    if options.skip_index:
        endpoints = [endpoint for endpoint in endpoints if not endpoint["name"].startswith("search")]
    return endpoints


def check_endpoints(endpoints: list[dict], headers: dict, port: int):
    """Finds the deep home page, then makes sure every page really answers 200:
    a fast redirect to the login page, a 403 or a 500 is no figure."""
    for endpoint in endpoints:
        if endpoint["path"] is None:
            endpoint["path"], endpoint["page"] = deep_page(port, headers["session"])
            if endpoint["page"] < DEEP_PAGE:
                print(f"note: the timeline has only {endpoint['page']} pages; timing the last one.")
    for endpoint in endpoints:
        status, _ = fetch(port, endpoint["path"], headers[endpoint["auth"]])
        if status != 200:
            raise BenchError(f"{endpoint['name']} ({endpoint['path']}) answered {status}, not 200.")


def _stat(pid) -> tuple[str, list[str]] | None:
    """A process's command name and the fields of /proc/<pid>/stat after it (Linux), or None
    once it has ended. After the name, the parent pid is field 1, utime and stime 11 and 12."""
    try:
        name, rest = Path(f"/proc/{pid}/stat").read_text().split(" (", 1)[1].rsplit(")", 1)
    except (OSError, ValueError):
        return None
    return name, rest.split()


def _cpu_seconds(pids) -> dict[int, float]:
    """User plus system CPU seconds of each of the processes `pids` that still runs."""
    spent = {}
    for pid in pids:
        if (stat := _stat(pid)) is not None:
            fields = stat[1]
            spent[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return spent


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two readings: what each process running at the second one spent
    since the first (all of it for one started in between; one that ended is not counted)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def _processes(*, parent: int | None = None, command: str | None = None) -> list[int]:
    """The pids whose parent is `parent` or whose command name is `command`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(entry.name)) is not None:
            name, fields = stat
            if (parent is not None and int(fields[1]) == parent) or name == command:
                found.append(int(entry.name))
    return found


def cpu_meters(server_pid: int) -> dict:
    """What to read the CPU time of, found again at each reading (database connections come
    and go): the gunicorn workers ("app") and, on PostgreSQL on this machine, the server's
    processes ("db"). CPU time per request does not depend on how wrk's few connections
    happened to fall on the workers, as req/s and latency do."""
    from django.db import connection

    meters = {"app": lambda: _processes(parent=server_pid)}
    if connection.vendor == "postgresql":
        meters["db"] = lambda: _processes(command="postgres")
    return meters


def time_endpoints(endpoints: list[dict], headers: dict, options, meters: dict | None = None) -> list[dict]:
    """wrk on each endpoint in turn: a warm-up, then the measured run, with the server's
    CPU time per request (milliseconds) when `meters` names its processes."""
    rows = []
    load = {"connections": options.connections, "threads": options.threads}
    meters = meters or {}
    for endpoint in endpoints:
        url = f"http://{HOST}:{options.port}{endpoint['path']}"
        if options.warmup:
            run_wrk(url, headers[endpoint["auth"]], seconds=options.warmup, **load)
        before = {name: _cpu_seconds(pids()) for name, pids in meters.items()}
        figures = measure(run_wrk(url, headers[endpoint["auth"]], seconds=options.duration, **load))
        for name, pids in meters.items():
            spent = cpu_spent(before[name], _cpu_seconds(pids()))
            figures[f"{name}_cpu_ms"] = spent * 1000 / figures["requests"] if figures["requests"] else None
        rows.append({"name": endpoint["name"], "path": endpoint["path"], **figures})
        print(f"  {endpoint['name']}: {figures['rps']:.1f} req/s, p50 {figures['p50_ms']:.1f} ms", flush=True)
    return rows


def benchmark(options, data_dir: Path) -> dict:
    """The whole run, once Django is set up; the result written as JSON."""
    from django.db import connections

    from posts.models import Post

    started = datetime.datetime.now(datetime.UTC)
    setup = dataset.prepare_data(options)
    member = dataset.bench_member()
    headers = dataset.credentials(member)
    endpoints = select(dataset.endpoints_for(member, options), options)
    member_posts = Post.objects.timeline_for(member).count()
    hits = {} if options.skip_index else dataset.search_hits([options.common_word, options.rare_word])
    # SQLite allows one writer: the server must not wait on a transaction of ours.
    connections.close_all()

    server = start_server(data_dir / "gunicorn.log", options.port)
    try:
        check_endpoints(endpoints, headers, options.port)
        load_before = os.getloadavg()
        rows = time_endpoints(endpoints, headers, options, cpu_meters(server.pid))
    finally:
        stop_server(server)

    counts = dataset.count_queries(endpoints, headers)
    for row in rows:
        row.update(counts[row["name"]])
    if options.export_posts:
        setup["export"] = export_figures(options.export_posts, keep=False)
    evaluate(rows)
    environment = environment_figures(options, member_posts)
    environment |= {"search_hits": hits, "load_average_before": load_before, "member": member.username}
    return {
        "started": started.isoformat(timespec="seconds"),
        "environment": environment,
        "setup": setup,
        "endpoints": rows,
    }


def print_result(result: dict, options):
    environment = result["environment"]
    print()
    print(
        f"{environment['database']} + {environment['cache']}, {environment['posts']:,} posts, "
        f"{environment['members']:,} members, {environment['cpu_count']} CPUs, rev {environment['git_revision']}, "
        f"{options.workers} gunicorn workers, wrk {options.connections} connections x {options.duration} s, "
        f"load average {environment['load_average_before'][0]:.1f} before, {environment['load_average'][0]:.1f} after"
    )
    print(format_setup(result["setup"]))
    print(format_table(result["endpoints"]))


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
    try:
        import django

        django.setup()
        result = benchmark(options, data_dir)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        log = data_dir / "gunicorn.log"
        if log.exists():
            # The scratch folder goes away below: show why the server failed while it can be read.
            print("--- gunicorn log (tail)\n" + "\n".join(log.read_text().splitlines()[-30:]), file=sys.stderr)
        return 1
    finally:
        if scratch:
            shutil.rmtree(data_dir, ignore_errors=True)
    started = datetime.datetime.fromisoformat(result["started"])
    output = options.output or RESULTS_DIR / f"{started:%Y%m%dT%H%M%SZ}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n")
    print_result(result, options)
    print(f"\nwritten to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
