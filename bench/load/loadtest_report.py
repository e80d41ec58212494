"""Figures and pass/fail checks after bench/load/loadtest.sh's locust run.

Reads locust's CSV (per-endpoint count and percentiles), the locustfile's results
(posts accepted per member, statuses, 429s), the gunicorn log (status codes as the
server saw them, tracebacks) and the database (the posts that really exist). Exits 1
when any check fails. Run by loadtest.sh with its environment (the same database)."""

import collections
import csv
import json
import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microblog.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db.models import Count  # noqa: E402

from posts.models import Post  # noqa: E402

# The access log line: '<x-forwarded-for> <peer> "<request line>" <status> ...' (deploy/gunicorn.conf.py).
ACCESS = re.compile(r'^\S+ \S+ "(?P<method>[A-Z]+) (?P<path>\S+) [^"]*" (?P<status>\d{3}) ')
# A request that failed inside Django or gunicorn leaves one of these in the log.
ERRORS = re.compile(r"Traceback|Internal Server Error|WORKER TIMEOUT|\[CRITICAL\]|Worker .* was sent")
WORKER_ERRORS = re.compile(r"Traceback|ERROR/|CRITICAL/|WorkerLostError|raised unexpected")


def percentile(ordered: list[float], p: float) -> float:
    """The p-th percentile of sorted values (nearest rank, as locust reports them)."""
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def main() -> int:
    results = json.loads(Path(os.environ["LOAD_RESULTS_FILE"]).read_text())
    with open(os.environ["LOAD_STATS"], newline="") as stats_file:
        stats = list(csv.DictReader(stats_file))
    web_log = Path(os.environ["LOAD_WEB_LOG"]).read_text(errors="replace").splitlines()
    failures = []

    # Per endpoint, as locust measured it.
    print(f"\n{'endpoint':46} {'count':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6} {'fail':>5}  (ms)")
    total = None
    for row in stats:
        line = (
            f"{row['Name'][:46]:46} {row['Request Count']:>7} {row['50%']:>6} {row['95%']:>6} "
            f"{row['99%']:>6} {float(row['Max Response Time']):>6.0f} {row['Failure Count']:>5}"
        )
        if row["Name"] == "Aggregated":
            total = row
        else:
            print(line)
    print(line if total else "(no requests)")
    if total is None or int(total["Request Count"]) == 0:
        failures.append("no requests were made")
    else:
        print(
            f"\ntotal: {total['Request Count']} requests, {float(total['Requests/s']):.1f} req/s over the run "
            f"(ramp-up included), members: {results['members']}"
        )

    # What members wait for, by kind: page views and logins apart (the goals: page views
    # p95 < 500 ms, logins p95 < 2 s), and what the load generator itself cost the machine.
    print()
    for kind in ("page view", "login"):
        times = sorted(results["times"].get(kind, []))
        if times:
            print(
                f"{kind + 's':11} {len(times):>6} requests  p50 {percentile(times, 50):>6.0f} ms  "
                f"p95 {percentile(times, 95):>6.0f} ms  p99 {percentile(times, 99):>6.0f} ms  max {times[-1]:>6.0f} ms"
            )
        else:
            print(f"{kind + 's':11} none")
    wall = results.get("generator_wall_seconds") or 0
    if wall:
        cpu = results["generator_cpu_seconds"]
        cores = os.cpu_count() or 1
        print(
            f"load generator (locust): {cpu:.0f} s CPU over {wall:.0f} s = {100 * cpu / wall:.0f}% of one core "
            f"({100 * cpu / wall / cores:.0f}% of this machine's {cores} cores)"
        )

    # Status codes as the server saw them (every request, the guesser's too).
    server = collections.Counter()
    server_429 = collections.Counter()
    for entry in filter(None, map(ACCESS.match, web_log)):
        status = int(entry["status"])
        server[status // 100 * 100 if status != 429 else 429] += 1
        if status == 429:
            server_429[f"{entry['method']} {entry['path'].split('?')[0]}"] += 1
    print(
        "server statuses:", ", ".join(f"{k if k == 429 else f'{k // 100}xx'}: {v}" for k, v in sorted(server.items()))
    )
    # A changed access_log_format would otherwise make the status checks vacuous.
    if total is not None and sum(server.values()) < int(total["Request Count"]):
        failures.append(f"only {sum(server.values())} requests found in the gunicorn access log")
    if server[500]:
        failures.append(f"{server[500]} responses with a 5xx status in the gunicorn log")

    errors = [line for line in web_log if ERRORS.search(line)]
    if errors:
        failures.append(f"{len(errors)} error lines in the gunicorn log, first: {errors[0][:200]}")
    # The Celery worker indexes every new post for search and delivers the message mails.
    worker_log = Path(os.environ["LOAD_WORKER_LOG"]).read_text(errors="replace").splitlines()
    tasks = sum("succeeded in" in line for line in worker_log)
    worker_errors = [line for line in worker_log if WORKER_ERRORS.search(line)]
    print(f"Celery worker: {tasks} tasks succeeded, {len(worker_errors)} error lines")
    if worker_errors:
        failures.append(f"{len(worker_errors)} error lines in the worker log, first: {worker_errors[0][:200]}")

    # Everything the locustfile did not expect: 5xx, 4xx, unexpected 429, connection errors, timeouts.
    for what, count in sorted(results["unexpected"].items()):
        failures.append(f"unexpected: {what} x{count}")

    print("\n429 by endpoint (server log):", dict(server_429) or "none")
    print("429 expected (locust):", results["expected_429"] or "none")
    for name, why in results["expected_429_reasons"].items():
        print(f"  intended: {name}: {why}")
    if sum(server_429.values()) != sum(results["expected_429"].values()):
        failures.append(f"429s in the server log ({dict(server_429)}) are not all the intended ones")
    token_probe = "POST /api/tokens [wrong password]"
    if not results["expected_429"].get(token_probe):
        failures.append(f"no 429 for {token_probe}: the token throttle did not work under load")
    # The lockout counts wrong passwords in Redis, shared by both gunicorn workers: exactly
    # LOGIN_FAILURES_LIMIT are let through, whichever worker answers.
    limit = settings.LOGIN_FAILURES_LIMIT
    print(
        f"login lockout: {results['login_guesses']} wrong passwords for one account, "
        f"locked out from guess {results['first_lockout']} on (limit {limit})"
    )
    # One lockout for every way in: the wrong passwords the API checked count too.
    expected_lockout = limit - results["token_failures"] + 1
    print(f"  ({results['token_failures']} wrong passwords through POST /api/tokens counted toward it)")
    if results["first_lockout"] != expected_lockout:
        failures.append(f"the account was locked out at guess {results['first_lockout']}, not {expected_lockout}")

    print("double clicks (two requests at once):", results["double_clicks"] or "none")

    # Lost (or duplicated) posts: what the site accepted against what is in the database.
    accepted = collections.Counter(results["posts_accepted"])
    started = datetime.fromtimestamp(int(os.environ["LOAD_STARTED"]), tz=UTC)
    stored = collections.Counter(
        dict(
            Post.objects.filter(created__gte=started)
            .values_list("author__username")
            .annotate(n=Count("pk"))
            .values_list("author__username", "n")
        )
    )
    new_posts = Post.objects.count() - int(os.environ["LOAD_POSTS_BEFORE"])
    print(
        f"\nposts accepted: {sum(accepted.values())}, new in the database: {new_posts} "
        f"(by {len(stored)} members; {sum(stored.values())} dated since the start)"
    )
    if sum(accepted.values()) != new_posts:
        failures.append(f"posts accepted ({sum(accepted.values())}) != new posts in the database ({new_posts})")
    mismatched = {name: (accepted[name], stored[name]) for name in accepted | stored if accepted[name] != stored[name]}
    if mismatched:
        failures.append(f"posts accepted != stored for {len(mismatched)} members, e.g. {list(mismatched.items())[:3]}")
    if not accepted:
        failures.append("no post was accepted")

    if failures:
        print("\nload: FAILED")
        for failure in failures:
            print("  -", failure)
        return 1
    print("\nload: passed (no 5xx, no connection errors, 429 only where intended, no lost posts)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
