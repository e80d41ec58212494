"""The benchmark harness (bench/run.py) without a server or wrk: parsing wrk's
figures, the targets, the table, the comparison and the environment it serves
with. No figure of the site is asserted here."""

import http.server
import json
import os
import subprocess
import sys
import threading
import time

import pytest

from bench import report, run

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8450/
  2 threads and 4 connections
WRK_JSON {"requests": 1500, "duration_us": 10000000, "bytes": 900000, "non2xx": 3, "connect_errors": 0, \
"read_errors": 1, "write_errors": 0, "timeouts": 0, "latency_us": {"mean": 2600.5, "max": 90000, "p50": 2500, \
"p90": 4000, "p99": 12000}}
"""


def row(name, rps, p50=10.0, errors=0):
    figures = {"rps": rps, "p50_ms": p50, "p99_ms": p50 * 3, "errors": errors, "queries": 4, "sql_ms": 1.25}
    return {"name": name, **figures}


def test_it_reads_the_figures_report_lua_prints():
    figures = report.measure(report.parse_wrk(WRK_OUTPUT))
    assert figures == {
        "requests": 1500,
        "rps": 150.0,
        "p50_ms": 2.5,
        "p90_ms": 4.0,
        "p99_ms": 12.0,
        "errors": 4,  # non-2xx answers and socket errors alike
    }


def test_it_fails_loudly_when_wrk_printed_no_figures():
    with pytest.raises(report.BenchError, match="no figures"):
        report.parse_wrk("unable to connect to 127.0.0.1:8450 Connection refused")


def test_each_endpoint_is_measured_against_the_ceiling_and_its_targets():
    rows = report.evaluate(
        [
            row("ceiling", 1000),
            row("home", 300, p50=20),
            row("home page 50", 250, p50=31),
            row("explore", 200),
            row("notifications poll", 600, errors=2),
            row("search common", 50),
        ]
    )
    by_name = {r["name"]: r for r in rows}
    assert by_name["home"]["share"] == 0.3
    assert by_name["home"]["targets"] == [{"target": "p50<30ms", "met": True}, {"target": ">=25%", "met": True}]
    assert by_name["home"]["met"] is True
    # 31 ms is more than 1.5 x 20 ms.
    assert by_name["home page 50"]["met"] is False
    assert by_name["explore"]["met"] is False
    # Fast enough, but answers that failed spoil it.
    assert by_name["notifications poll"]["targets"][0]["met"] is True
    assert by_name["notifications poll"]["met"] is False
    assert by_name["search common"]["met"] is None


def test_without_a_ceiling_no_share_is_claimed():
    rows = report.evaluate([row("home", 300, p50=20)])
    assert rows[0]["share"] is None
    assert rows[0]["met"] is False


def test_the_table_has_one_line_per_endpoint_with_every_column():
    home = {**row("home", 200, p50=40), "app_cpu_ms": 7.25, "db_cpu_ms": 2.0}
    table = report.format_table(report.evaluate([row("ceiling", 1000), home]))
    lines = table.splitlines()
    assert lines[0].split() == [
        *("endpoint", "req/s", "p50", "ms", "p99", "ms", "errors", "queries", "sql", "ms"),
        *("app", "cpu", "ms", "db", "cpu", "ms", "%", "ceiling", "target", "met"),
    ]
    # A run without CPU figures (another machine than Linux) leaves those cells empty.
    assert lines[2].split() == ["ceiling", "1000.0", "10.0", "30.0", "0", "4", "1.2", "100.0%"]
    assert lines[3].split() == [
        *("home", "200.0", "40.0", "120.0", "0", "4", "1.2", "7.2", "2.0", "20.0%", "p50<30ms,", ">=25%", "NO")
    ]


def test_cpu_time_is_read_for_the_processes_named():
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        assert busy.pid in run._processes(parent=os.getpid())
        start = run._cpu_seconds([busy.pid])
        # A busy machine gives it less than a core: wait until it has spent some, within reason.
        deadline = time.monotonic() + 10
        while run.cpu_spent(start, run._cpu_seconds([busy.pid])) < 0.2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert run.cpu_spent(start, run._cpu_seconds([busy.pid])) >= 0.2
    finally:
        busy.kill()
        busy.wait()
    # A process that is gone is left out of a reading rather than failing the run.
    assert run._cpu_seconds([busy.pid]) == {}


def test_cpu_spent_counts_processes_started_between_readings_and_never_goes_negative():
    # 1 ended (its last seconds are lost, not subtracted), 2 ran on, 3 started in between.
    assert run.cpu_spent({1: 5.0, 2: 1.0}, {2: 1.5, 3: 0.25}) == 0.75


def test_two_runs_compare_endpoint_by_endpoint():
    old = {"started": "a", "environment": {}, "endpoints": [row("home", 100, p50=40), row("gone", 5)]}
    new = {"started": "b", "environment": {}, "endpoints": [row("home", 150, p50=25), row("new", 5)]}
    lines = report.compare(json.loads(json.dumps(old)), new).splitlines()
    assert lines[3].split() == ["home", "100.0", "150.0", "+50%", "40.0", "25.0", "0.62", "4", "4"]
    assert len(lines) == 4  # endpoints missing from either run are left out


@pytest.mark.parametrize(
    ("page_html", "expected"),
    [
        ('<a class="page-link" href="?page=2" rel="next">Older</a>', "?page=2"),
        (
            '<a rel="next" href="?before=2026-01-01T00%3A00%3A00&amp;id=5">Older</a>',
            "?before=2026-01-01T00%3A00%3A00&id=5",
        ),
        ('<a href="?page=1" rel="prev">Newer</a><a href="/x" rel="nofollow next">Older</a>', "/x"),
        ('<a href="?page=1" rel="prev">Newer</a><a href="/next/" rel="nextpage">x</a>', None),
        ("<p>no pagination</p>", None),
    ],
)
def test_it_follows_only_rel_next_links(page_html, expected):
    assert run.next_link(page_html) == expected


def test_the_server_runs_with_debug_off_over_plain_http_with_the_ceiling(tmp_path):
    env = run.server_environment(data_dir=tmp_path, port=8450, workers=2, inherited={"HOME": "/root"})
    assert env["DEBUG"] == "false"
    assert env["BENCHMARK"] == "true"
    assert env["SECURE_SSL_REDIRECT"] == "false"
    assert env["GUNICORN_BIND"] == "127.0.0.1:8450"
    assert env["WEB_CONCURRENCY"] == "2"
    assert "DATABASE_URL" not in env and "REDIS_URL" not in env  # SQLite and the file cache by default
    assert len(env["SECRET_KEY"]) >= 50


def test_the_server_uses_postgresql_and_redis_when_they_are_set(tmp_path):
    inherited = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x", "REDIS_URL": "redis://127.0.0.1:6379/13"}
    env = run.server_environment(data_dir=tmp_path, port=8450, workers=2, inherited=inherited)
    assert env["DATABASE_URL"] == inherited["DATABASE_URL"]
    assert env["REDIS_URL"] == inherited["REDIS_URL"]


def test_quick_mode_shrinks_the_data_and_the_load():
    options = run.parse_args(["--quick"])
    assert (options.posts, options.duration, options.warmup) == (3000, 1, 0)
    assert run.parse_args([]).posts == 200_000
    assert run.parse_args(["--posts", "1000000"]).posts == 1_000_000


def test_durations_are_whole_positive_seconds():
    with pytest.raises(SystemExit):
        run.parse_args(["--duration", "0"])
    with pytest.raises(SystemExit):
        run.parse_args(["--duration", "0.5"])


def test_reuse_needs_the_folder_the_data_was_kept_in(tmp_path):
    with pytest.raises(SystemExit):
        run.parse_args(["--reuse"])
    assert run.parse_args(["--reuse", "--data-dir", str(tmp_path)]).reuse is True


class FakeSite(http.server.BaseHTTPRequestHandler):
    """Home pages 1-3 linked by rel="next" (page 3 is the last), and an inbox that
    redirects to the login page, as a lost session would."""

    def do_GET(self):
        if self.path.startswith("/messages/"):
            self.send_response(302)
            self.send_header("Location", "/accounts/login/?next=/messages/")
            self.end_headers()
            return
        number = int(self.path.partition("page=")[2].partition("&")[0] or 1)
        older = f'<a class="page-link" href="?page={number + 1}&amp;x=1" rel="next">Older</a>' if number < 3 else ""
        body = f"<p>page {number}</p>{older}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_site():
    server = http.server.ThreadingHTTPServer((run.HOST, 0), FakeSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_the_deep_page_is_reached_through_rel_next_links(fake_site):
    assert run.deep_page(fake_site, {}, pages=2) == ("/?page=2&x=1", 2)
    # A shorter timeline: the last page there is, and how far it got.
    assert run.deep_page(fake_site, {}, pages=50) == ("/?page=3&x=1", 3)


def test_a_page_that_does_not_answer_200_stops_the_run(fake_site):
    endpoints = [
        {"name": "home", "path": "/", "auth": "session"},
        {"name": "inbox", "path": "/messages/", "auth": "session"},
    ]
    with pytest.raises(report.BenchError, match=r"inbox \(/messages/\) answered 302"):
        run.check_endpoints(endpoints, {"session": {"Cookie": "sessionid=x"}}, fake_site)


def test_it_names_a_missing_load_generator_and_how_to_install_it(monkeypatch):
    monkeypatch.setattr(run.shutil, "which", lambda name: None)
    assert "wrk (the load generator): apt-get install -y wrk" in run.missing_tools()
    monkeypatch.setattr(run.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert not any("wrk" in tool for tool in run.missing_tools())
