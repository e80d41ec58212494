"""Benchmark the stream service (messaging.stream): N concurrent streams on one uvicorn
process, on loopback, with a private redis-server as the event log and a throwaway SQLite
database for the members and their sessions.

    .venv/bin/python bench/stream.py [--streams 1000] [--events 20]

Prints: the stream process's RSS idle and with N streams open; how long N streams take
to open at once; publish-to-receipt latency (p50/p99/max) of an event every one of the
N members listens to (a new post on Explore), published from this process as a web
process would; and a reconnect storm: the stream process is restarted while events are
published, then all N reconnect at once with Last-Event-ID and must get every event
missed (counted), with no 5xx. Also the WSGI site's page throughput (gunicorn, 2 sync
workers, --wsgi-seconds of a logged-in member's Explore page from 4 clients) before the
streams open and while they are open: the streams must not cost the pages anything.
Nothing is asserted; bounded in time (--timeout)."""

import argparse
import asyncio
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def threads(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return 0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wait_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


class Stream:
    """One SSE client on a raw socket: reads events, records when each arrived."""

    def __init__(self, port: int, cookie: str):
        self.port, self.cookie = port, cookie
        self.status = None
        self.last_id = ""
        self.received: list[tuple[float, dict]] = []
        self.task = None

    async def open(self) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        headers = f"Cookie: sessionid={self.cookie}\r\nAccept: text/event-stream\r\n"
        if self.last_id:
            headers += f"Last-Event-ID: {self.last_id}\r\n"
        writer.write(f"GET /stream/?timelines=explore HTTP/1.1\r\nHost: localhost\r\n{headers}\r\n".encode())
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        self.status = int(head.split(b" ", 2)[1])
        self.writer = writer
        if self.status == 200:
            self.task = asyncio.create_task(self.read(reader))
        else:
            writer.close()

    async def read(self, reader) -> None:
        buffer = b""
        try:
            while chunk := await reader.read(65536):
                buffer += chunk
                while b"\n\n" in buffer:
                    block, buffer = buffer.split(b"\n\n", 1)
                    fields = {}
                    for line in block.decode().split("\n"):
                        # Chunked transfer encoding: size lines carry no ": ".
                        if ": " in line and not line.startswith(":"):
                            key, value = line.split(": ", 1)
                            fields[key.strip()] = value
                    if fields.get("event") == "post":
                        self.last_id = fields["id"]
                        self.received.append((time.time(), json.loads(fields["data"])))
        except (ConnectionError, asyncio.CancelledError):
            pass

    def close(self) -> None:
        if self.task:
            self.task.cancel()
        self.writer.close()


def setup_django(data_dir: Path, redis_url: str) -> None:
    os.environ.update(
        DEBUG="true",
        DATA_DIR=str(data_dir),
        DATABASE_URL=f"sqlite:///{data_dir / 'bench.sqlite3'}",
        REDIS_URL=redis_url,
        STREAM_REDIS_KEY="bench:events",
        LAST_SEEN_INTERVAL="86400",
        ENV_FILE=str(data_dir / "none.env"),
    )
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microblog.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def members_with_sessions(count: int) -> list[str]:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from accounts.models import User

    User.objects.bulk_create(
        User(username=f"m{n}", email=f"m{n}@example.com", password="!", last_seen=timezone.now()) for n in range(count)
    )
    keys = []
    for user in User.objects.order_by("id"):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        # The site's own backend: a session naming one not in AUTHENTICATION_BACKENDS is anonymous.
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def publish(number: int) -> None:
    from messaging.events import Event, event_log

    event_log().append(Event(id="", name="post", data={"n": number, "at": time.time()}, topics=("explore",)))


def start_stream(port: int, log, args) -> subprocess.Popen:
    command = [str(ROOT / ".venv/bin/uvicorn"), "microblog.asgi:application", "--host", "127.0.0.1"]
    command += ["--loop", args.loop, "--http", args.http]
    command += [
        "--port",
        str(port),
        "--lifespan",
        "off",
        "--ws",
        "none",
        "--no-access-log",
        "--backlog",
        "4096",
        "--timeout-graceful-shutdown",
        "1",
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    wait_port(port)
    return process


def start_wsgi(port: int, log) -> subprocess.Popen:
    command = [str(ROOT / ".venv/bin/gunicorn"), "microblog.wsgi:application", "-b", f"127.0.0.1:{port}"]
    command += ["--workers", "2", "--worker-class", "sync", "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
    wait_port(port)
    return process


def page_throughput(port: int, cookie: str, seconds: float, clients: int = 4) -> dict:
    """Requests per second of /explore/ as a logged-in member, from `clients` threads each on
    one keep-alive connection, for `seconds`."""
    counts, errors = [0] * clients, [0] * clients
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < deadline:
            try:
                connection.request("GET", "/explore/", headers={"Cookie": f"sessionid={cookie}", "Host": "localhost"})
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    counts[number] += 1
                else:
                    errors[number] += 1
            except (OSError, http.client.HTTPException):
                errors[number] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.close()

    workers = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {"rps": round(sum(counts) / (time.monotonic() - started), 1), "errors": sum(errors)}


async def open_all(streams: list[Stream]) -> float:
    started = time.monotonic()
    await asyncio.gather(*(stream.open() for stream in streams), return_exceptions=True)
    return time.monotonic() - started


async def wait_received(streams, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(len(s.received) < count for s in streams if s.status == 200):
        await asyncio.sleep(0.05)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


async def bench(args, keys: list[str], port: int, log) -> dict:
    figures = {}
    process = start_stream(port, log, args)
    wsgi_port = free_port()
    wsgi = start_wsgi(wsgi_port, log)
    try:
        # Warm up both workers (imports, templates, caches) until they answer at their pace.
        warm_until = time.monotonic() + 60
        while page_throughput(wsgi_port, keys[0], 2)["rps"] < 5 and time.monotonic() < warm_until:
            pass
        pages = (page_throughput, wsgi_port, keys[0], args.wsgi_seconds)
        figures["wsgi_without_streams"] = await asyncio.to_thread(*pages)
        # The hub starts with the first stream: open one, then read the idle process's size.
        probe = Stream(port, keys[0])
        await probe.open()
        probe.close()
        await asyncio.sleep(0.5)
        figures["rss_idle_mb"] = rss_mb(process.pid)
        streams = [Stream(port, key) for key in keys]
        figures["open_seconds"] = await open_all(streams)
        figures["opened"] = sum(stream.status == 200 for stream in streams)
        figures["refused"] = sum(stream.status != 200 for stream in streams)
        await asyncio.sleep(1)
        figures["rss_open_mb"] = rss_mb(process.pid)
        figures["threads_open"] = threads(process.pid)
        # The pages while every stream is open (the event loop keeps reading them meanwhile).
        figures["wsgi_with_streams"] = await asyncio.to_thread(*pages)
        figures["streams_still_open"] = sum(1 for stream in streams if stream.task and not stream.task.done())

        for number in range(args.events):
            publish(number)
            await asyncio.sleep(args.interval)
        await wait_received(streams, args.events, timeout=10)
        latencies = [(arrived - data["at"]) * 1000 for stream in streams for arrived, data in stream.received]
        figures["deliveries"] = len(latencies)
        figures["expected_deliveries"] = figures["opened"] * args.events
        figures["latency_ms"] = {
            "p50": statistics.median(latencies),
            "p99": percentile(latencies, 0.99),
            "max": max(latencies),
        }
        figures["rss_after_events_mb"] = rss_mb(process.pid)

        # The reconnect storm: restart the stream process while events are published.
        process.terminate()
        process.wait(timeout=30)
        for stream in streams:
            stream.close()
            stream.received.clear()
        missed = 5
        for number in range(missed):
            publish(1000 + number)
        process = start_stream(port, log, args)
        figures["storm_open_seconds"] = await open_all(streams)
        statuses = [stream.status for stream in streams]
        figures["storm_5xx"] = sum(1 for status in statuses if status is None or status >= 500)
        await wait_received(streams, missed, timeout=20)
        figures["storm_replayed_all"] = sum(len(stream.received) == missed for stream in streams)
        figures["storm_rss_mb"] = rss_mb(process.pid)
        for stream in streams:
            stream.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
        wsgi.terminate()
        wsgi.wait(timeout=30)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--events", type=int, default=20, help="events published to all streams")
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between two events")
    parser.add_argument("--timeout", type=float, default=300, help="give up after this many seconds")
    parser.add_argument("--wsgi-seconds", type=float, default=15, help="seconds of each page-throughput run")
    # auto: uvloop and httptools (requirements.txt), as deployed; "--loop asyncio --http h11"
    # measures uvicorn without them.
    parser.add_argument("--loop", default="auto", help="uvicorn's --loop")
    parser.add_argument("--http", default="auto", help="uvicorn's --http")
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        print("bench/stream.py needs redis-server (apt-get install redis-server)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        redis_port = free_port()
        redis = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
            cwd=tmp,
            stdout=subprocess.DEVNULL,
        )
        try:
            wait_port(redis_port)
            setup_django(data_dir, f"redis://127.0.0.1:{redis_port}/0")
            keys = members_with_sessions(args.streams)
            with open(data_dir / "stream.log", "w") as log:
                figures = asyncio.run(asyncio.wait_for(bench(args, keys, free_port(), log), args.timeout))
        finally:
            redis.kill()
            redis.wait()
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
