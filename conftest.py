"""Fixtures shared by every app's tests: alice, bob (follows alice), charlie
(a stranger), and logged-in clients for each."""

import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import caches
from django.db import connection
from django.test import Client
from haystack import connections

from accounts.languages import compile_catalogs, reset_loaded_catalogs
from accounts.models import Follow
from accounts.tests.factories import UserFactory
from microblog.celery import app as celery_app

TEST_CACHES = ("default", "fragments", "counts")


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    # A fast hasher and in-memory email and cache keep the suite quick and independent.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Mail still goes through the queue (EMAIL_BACKEND) and is delivered to the outbox.
    settings.EMAIL_BACKEND = "messaging.mail.QueuedEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments"},
        "counts": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "counts"},
    }
    for alias in TEST_CACHES:
        caches[alias].clear()
    # Tasks run in-process; the real-worker tests switch this off for themselves.
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    for alias in TEST_CACHES:
        caches[alias].clear()


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogs():
    """The .mo files are build output (make setup): compile them once, before any
    test renders a page in another language, so a fresh clone runs the suite too."""
    compile_catalogs()
    reset_loaded_catalogs()


@pytest.fixture(scope="session")
def migrated_contents(django_db_setup, django_db_blocker):
    """The database as the migrations left it (the Moderators group, …), taken
    before any transactional test flushes it; browser tests restore it (e2e/conftest.py)."""
    with django_db_blocker.unblock():
        return connection.creation.serialize_db_to_string()


def pytest_collection_modifyitems(items):
    # Every transactional test takes the snapshot first, so whichever runs first
    # captures the database before its flush empties it.
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and "migrated_contents" not in item.fixturenames:
            item.fixturenames.insert(0, "migrated_contents")  # before any fixture adds rows


@pytest.fixture(autouse=True)
def search_index(tmp_path):
    """Every test gets its own Whoosh index in a temporary directory, so
    no test reads or writes the one in DATA_DIR. Yields the backend."""
    original = connections.connections_info["default"]
    connections.connections_info["default"] = {
        "ENGINE": "posts.search_backend.MicroblogWhooshEngine",
        "PATH": str(tmp_path / "whoosh"),
        "SILENTLY_FAIL": False,
    }
    # A fresh thread-local drops every thread's cached backend (a live server's too).
    connections.thread_local = threading.local()
    yield connections["default"].get_backend()
    connections.connections_info["default"] = original
    connections.thread_local = threading.local()


@pytest.fixture
def celery_worker_on(settings):
    """Run a real Celery worker thread fed through the broker at `url` (Redis,
    or memory:// within this process); tasks stop running eagerly meanwhile."""

    @contextlib.contextmanager
    def run(url):
        previous = celery_app.conf.broker_url
        _use_broker(url)
        celery_app.conf.task_always_eager = False
        celery_app.control.purge()  # leftovers of an interrupted run
        try:
            with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
                yield
        finally:
            _use_broker(previous)

    return run


def _use_broker(url):
    celery_app.conf.broker_url = url
    # Drop connections pooled for the previous broker; Celery has no public call
    # that does this without also unregistering the app.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class RedisServer:
    """A private redis-server process on a free port that a test may stop (SIGKILL,
    as a crash) and start again on the same port, never touching the shared one."""

    def __init__(self, directory):
        self.directory = directory
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        command = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, cwd=self.directory, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path):
    """A running private redis-server (RedisServer). Skips (CI: fails) without the binary."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def wait_for():
    """Poll `condition()` every 0.1 s until it returns something truthy (which is
    returned) or `timeout` seconds pass (None): for work done by another process."""

    def poll(condition, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if value := condition():
                return value
            time.sleep(0.1)
        return None

    return poll


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", email="alice@example.com", about_me="I write about tea.")


@pytest.fixture
def bob(db, alice):
    bob = UserFactory(username="bob", email="bob@example.com")
    Follow.objects.create(follower=bob, followed=alice)
    return bob


@pytest.fixture
def charlie(db):
    return UserFactory(username="charlie", email="charlie@example.com")


def _client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_for():
    """A logged-in test client for any member: client_for(moderator)."""
    return _client_for


@pytest.fixture
def alice_client(alice):
    return _client_for(alice)


@pytest.fixture
def bob_client(bob):
    return _client_for(bob)


@pytest.fixture
def charlie_client(charlie):
    return _client_for(charlie)


# CI sets MICROBLOG_NO_SKIPS=1: a test skipped for a missing browser or server
# (fine on a fresh laptop) must fail there, or CI would prove nothing.
def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("MICROBLOG_NO_SKIPS") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"MICROBLOG_NO_SKIPS=1 but {len(skipped)} test(s) were skipped:", red=True)
        for report in skipped:
            reporter.write_line(f"  {report.nodeid}: {report.longrepr[-1] if report.longrepr else ''}", red=True)
        session.exitstatus = 1
