"""The benchmark's figures (bench/run.py): wrk's output read, each page held against
the ceiling and its targets, printed as one table, and two JSON runs compared."""

import json
import subprocess
from pathlib import Path

LUA_SCRIPT = Path(__file__).resolve().parent / "wrk_report.lua"
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


def parse_wrk(output: str) -> dict:
    """The figures wrk_report.lua prints from done()."""
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
    header = (
        "endpoint",
        "req/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "queries",
        "sql ms",
        "app cpu ms",
        "db cpu ms",
        "% ceiling",
        "target",
        "met",
    )
    lines = []

    def figure(value):
        return "" if value is None else f"{value:.1f}"

    for row in rows:
        # One decimal: 49.6% must not read as a met 50%.
        share = "" if row.get("share") is None else f"{row['share']:.1%}"
        met = {True: "yes", False: "NO", None: ""}[row.get("met")]
        queries = "" if row.get("queries") is None else str(row["queries"])
        target = ", ".join(check["target"] for check in row.get("targets", []))
        lines.append(
            (
                row["name"],
                f"{row['rps']:.1f}",
                f"{row['p50_ms']:.1f}",
                f"{row['p99_ms']:.1f}",
                str(row["errors"]),
                queries,
                figure(row.get("sql_ms")),
                figure(row.get("app_cpu_ms")),
                figure(row.get("db_cpu_ms")),
                share,
                target,
                met,
            )
        )
    widths = [max(len(cells[i]) for cells in [header, *lines]) for i in range(len(header))]

    def render(cells):
        # Names and targets left-aligned, figures right-aligned.
        return "  ".join(
            cell.ljust(width) if i in (0, 10, 11) else cell.rjust(width)
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
    """Two runs side by side: req/s, p50 and queries per endpoint, with the change in req/s
    and the ratio of the p50s (the data-set growth target: home p50 at most 1.5 x)."""
    old_rows = {row["name"]: row for row in old["endpoints"]}
    header = (
        "endpoint",
        "req/s old",
        "req/s new",
        "change",
        "p50 old",
        "p50 new",
        "p50 x",
        "queries old",
        "queries new",
    )
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
                f"{row['p50_ms'] / before['p50_ms']:.2f}" if before["p50_ms"] else "",
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
