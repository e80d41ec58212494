"""Fixtures shared by every app's tests: alice, bob (follows alice), charlie
(a stranger), and logged-in clients for each."""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import caches
from django.db import OperationalError, connection
from django.db import connections as django_db_connections
from django.test import Client
from django.utils import translation
from haystack import connections

from accounts.models import Follow
from accounts.tests.factories import UserFactory
from core.i18n import compile_catalogs, reset_loaded_catalogs
from microblog.celery import app as celery_app
from microblog.settings import s3_media_storage

TEST_CACHES = ("default", "fragments", "counts")


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    # A fast hasher and in-memory email and cache keep the suite quick and independent.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Mail still goes through the queue (EMAIL_BACKEND) and is delivered to the outbox.
    settings.EMAIL_BACKEND = "core.mail.QueuedEmailBackend"
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
        "ENGINE": "search.backend.MicroblogWhooshEngine",
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory):
    """moto's S3 API in server mode, a process of its own on 127.0.0.1: boto3 talks
    HTTP to it exactly as to a real bucket. Yields its endpoint URL. Skips (CI:
    fails) when moto[server] is not installed (requirements-dev.txt)."""
    try:
        import moto.server  # noqa: F401
    except ImportError:
        pytest.skip("moto[server] is not installed (pip install -r requirements-dev.txt)")
    port = _free_port()
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            break
        if process.poll() is not None:
            raise RuntimeError("moto's server exited at start (see its log)")
        time.sleep(0.1)
    else:
        process.kill()
        raise RuntimeError(f"moto's server did not start on port {port}")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)
    log.close()


def s3_storage_settings(endpoint: str, bucket: str) -> dict:
    """STORAGES["default"] as MEDIA_STORAGE=s3 builds it, for `endpoint`."""
    return s3_media_storage(
        bucket=bucket,
        endpoint_url=endpoint,
        region="us-east-1",
        access_key="testing",
        secret_key="testing",
        custom_domain="",
    )


@pytest.fixture
def s3_media(moto_server, settings):
    """Media stored in a fresh bucket on moto's S3 server, through the production
    backend (django-storages). Yields a boto3 client for the bucket and its name."""
    import uuid

    import boto3

    bucket = f"media-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=moto_server,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=bucket)
    # deploy/README.md's policy: anyone may get an object by its name, nobody may list.
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}
        ],
    }
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage_settings(moto_server, bucket)}
    settings.MEDIA_STORAGE = "s3"
    yield client, bucket


@pytest.fixture
def s3_down(settings):
    """Media "stored" in a bucket whose endpoint refuses connections (nothing listens there)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage_settings(f"http://127.0.0.1:{_free_port()}", "gone"),
    }
    settings.MEDIA_STORAGE = "s3"


@pytest.fixture(autouse=True)
def _language_reset():
    # The test client's requests activate their member's language in this thread and leave
    # it active: after a French request, a service called directly would answer in French.
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_query_log():
    # Query counts (CaptureQueriesContext, django_assert_num_queries) are differences of the
    # log's length, which stops growing at 9,000 entries: a log an earlier test filled would
    # count every page as 0 queries, and "one row costs what thirty do" would pass unread.
    for database in django_db_connections.all(initialized_only=True):
        database.queries_log.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Each test's uploads in its own folder: nothing left in DATA_DIR, and "no orphan file" is checkable.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def wait_for():
    """Poll `condition()` every 0.1 s until it returns something truthy (which is
    returned) or `timeout` seconds pass (None): for work done by another process."""

    def poll(condition, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if value := condition():
                    return value
            except OperationalError as error:
                # SQLite's shared-cache test database refuses a read while the worker thread
                # writes ("database table is locked"; no busy timeout applies): look again.
                if "locked" not in str(error):
                    raise
            time.sleep(0.1)
        return None

    return poll


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", email="alice@example.com", about_me="I write about tea.")


@pytest.fixture
def bob(db, alice):
    bob = UserFactory(username="bob", email="bob@example.com")
    # Set up, not done by bob: bulk_create sends no post_save, so alice starts with no
    # follow notice (messaging.signals) and each test counts only the notices it makes.
    Follow.objects.bulk_create([Follow(follower=bob, followed=alice)])
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
def members_only(db):
    """The admins switched the site to members-only (core.site)."""
    from core.models import SiteSettings
    from core.site import site_settings_save

    return site_settings_save(row=SiteSettings(public=False))


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
