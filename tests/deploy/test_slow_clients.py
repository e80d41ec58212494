"""Issue 21, item 4: idle and slow-header connections must not take the site down.

A production-mode gunicorn (deploy/gunicorn.conf.py, DEBUG off, 2 workers) is
started here; with 50 idle TCP connections and a few that send their headers a
byte at a time held open against it, pages still answer within their normal time.
With the old sync workers 2 such connections (= the worker count) made every
request wait for gunicorn's timeout.

Item 14 (in part): gunicorn's own 414/431 answers were HTML without security headers.
"""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.deploy.test_deploy import production_env

ROOT = Path(__file__).resolve().parents[2]
IDLE = 50
SLOW_HEADERS = 4
PAGE = "/accounts/login/"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _raw(port, request: bytes, timeout=30.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data


def _get(port, path=PAGE, timeout=30.0) -> tuple[int, float]:
    """One plain HTTP/1.0 GET: (status, seconds)."""
    started = time.monotonic()
    data = _raw(port, f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode(), timeout)
    return int(data.split(b" ", 2)[1]), time.monotonic() - started


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("slow-clients")
    port = _free_port()
    env = production_env(
        tmp,
        PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin",
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        REDIS_URL="",
        EMAIL_URL="consolemail://",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        STATIC_MANIFEST="false",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        GUNICORN_LOG_LEVEL="warning",
        # What the measurement compares (bench figures in the closing note): unset, the config's defaults.
        **{k: v for k, v in os.environ.items() if k.startswith("GUNICORN_") and k != "GUNICORN_BIND"},
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            _get(port, "/healthz", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("gunicorn did not start")
            time.sleep(0.2)
    yield port
    server.terminate()
    server.wait(timeout=30)


def _timings(port, count=6):
    answers = [_get(port) for _ in range(count)]
    assert {status for status, _ in answers} == {200}
    return sorted(seconds for _, seconds in answers)


def test_pages_answer_in_their_normal_time_with_50_idle_and_slow_header_connections(gunicorn):
    port = gunicorn
    _timings(port, 2)  # warm-up: the first request of each worker loads the templates
    normal = _timings(port)

    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(IDLE)]
    slow = [socket.create_connection(("127.0.0.1", port)) for _ in range(SLOW_HEADERS)]
    for s in slow:
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    try:
        time.sleep(0.5)  # the server has accepted them all
        loaded = _timings(port)
        for s in slow:
            s.sendall(b"a")  # still trickling
        loaded = sorted(loaded + _timings(port, 4))
    finally:
        for s in idle + slow:
            s.close()

    print(f"\nnormal: median {normal[len(normal) // 2]:.3f}s max {normal[-1]:.3f}s")
    print(
        f"with {IDLE} idle + {SLOW_HEADERS} slow-header connections: median {loaded[len(loaded) // 2]:.3f}s"
        f" max {loaded[-1]:.3f}s"
    )
    # Held connections used to make a page wait for gunicorn's 30 s timeout. "Normal" on a busy
    # 2-core CI machine, where one request can stall behind the other suites: three seconds at
    # most, or five times the quiet median.
    assert loaded[-1] < max(3.0, 5 * normal[len(normal) // 2])


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /api/" + b"x" * 9000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /api/users HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"y" * 9000 + b"\r\n\r\n",
    ],
    ids=["uri-too-long", "header-too-large"],
)
def test_gunicorns_own_errors_are_json_with_security_headers(gunicorn, request_bytes):
    head, _, body = _raw(gunicorn, request_bytes).partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    headers = {line.split(b":", 1)[0].lower(): line.split(b":", 1)[1].strip() for line in head.split(b"\r\n")[1:]}

    assert 400 <= status < 500
    assert headers[b"content-type"] == b"application/json"
    assert headers[b"x-content-type-options"] == b"nosniff"
    assert headers[b"x-frame-options"] == b"DENY"
    assert b"content-security-policy" in headers
    assert set(json.loads(body)) == {"error", "message"}
