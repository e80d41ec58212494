"""Fixtures shared by every app's tests: alice, bob (follows alice), charlie
(a stranger), and logged-in clients for each."""

import os

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import Follow
from accounts.tests.factories import UserFactory
from microblog.celery import app as celery_app


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    # A fast hasher and in-memory email and cache keep the suite quick and independent.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Mail still goes through the queue (EMAIL_BACKEND) and is delivered to the outbox.
    settings.EMAIL_BACKEND = "messaging.mail.QueuedEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    # Tasks run in-process; the real-worker tests switch this off for themselves.
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    cache.clear()


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
