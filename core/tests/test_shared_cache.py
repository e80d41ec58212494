"""The cache must be shared by every web process: "last seen" throttling and
(later) rate limits rely on it. Checked with the embedded file cache and with
the real Redis server that CI provides."""

import os

import pytest
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache
from django.test import Client

from accounts.models import User

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis server at {REDIS_URL} (start one, or set TEST_REDIS_URL)")


def two_processes_of(backend, location):
    # Two independent cache objects behave like the caches of two gunicorn workers.
    return backend(location, {}), backend(location, {})


@pytest.mark.parametrize("kind", ["file", "redis"])
def test_a_key_added_by_one_process_is_seen_by_another(kind, tmp_path):
    if kind == "redis":
        redis_or_skip()
        first, second = two_processes_of(RedisCache, REDIS_URL)
    else:
        first, second = two_processes_of(FileBasedCache, str(tmp_path))
    first.delete("shared-key")
    assert first.add("shared-key", 1, timeout=30) is True
    assert second.add("shared-key", 1, timeout=30) is False
    first.delete("shared-key")


def test_last_seen_is_written_once_per_interval_through_redis(alice, settings):
    redis_or_skip()
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
    }
    from django.core.cache import cache

    cache.delete(f"last-seen:{alice.pk}")
    client = Client()
    client.force_login(alice)

    client.get("/")
    first_seen = User.objects.get(pk=alice.pk).last_seen
    assert first_seen is not None
    client.get("/explore/")
    assert User.objects.get(pk=alice.pk).last_seen == first_seen
    cache.delete(f"last-seen:{alice.pk}")
