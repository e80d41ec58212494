"""The Redis cache backend (CACHES when REDIS_URL is set): django-redis, made to keep
the site up while Redis is down or hung.

django-redis's IGNORE_EXCEPTIONS alone turns an error into a miss, but still waits for
the socket timeout on every call (a page makes several) and makes add() answer "not
added", which allauth's rate limits read as "locked": every log-in would be refused
with a 429 for as long as Redis is away. So here:

- after an error, calls skip Redis for RETRY_AFTER seconds and answer at once;
- add() then answers True: locks and rate limits fail open (logged), and "last seen"
  is written on each request instead of once per interval;
- reads are misses and writes are dropped, as with IGNORE_EXCEPTIONS.

/healthz still reports the cache as down (it writes and reads back).
"""

import functools
import logging
import threading
import time

from django_redis.cache import RedisCache as DjangoRedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Seconds during which calls skip a Redis that just failed.
RETRY_AFTER = 5


def _fail_open(answer):
    """Run the django-redis method; while Redis is down, return answer(*args, **kwargs)."""

    def decorate(method):
        @functools.wraps(method)
        def guarded(self, *args, **kwargs):
            if self._is_down():
                return answer(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except (RedisError, OSError) as error:
                self._mark_down(error)
                return answer(*args, **kwargs)

        return guarded

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


class RedisCache(DjangoRedisCache):
    # Per LOCATION, shared by the threads of a process (Django keeps one cache object per thread).
    _down_until: dict[str, float] = {}
    _lock = threading.Lock()

    def __init__(self, server, params):
        # Errors must reach _fail_open rather than be swallowed by django-redis.
        options = {**params.get("OPTIONS", {}), "IGNORE_EXCEPTIONS": False}
        super().__init__(server, {**params, "OPTIONS": options})

    def _is_down(self) -> bool:
        return self._down_until.get(self._server, 0) > time.monotonic()

    def _mark_down(self, error) -> None:
        with self._lock:
            first = not self._is_down()
            self._down_until[self._server] = time.monotonic() + RETRY_AFTER
        if first:
            logger.error("The Redis cache is unreachable (%r); skipping it for %s s", error, RETRY_AFTER)

    get = _fail_open(_default)(DjangoRedisCache.get)
    get_many = _fail_open(lambda *args, **kwargs: {})(DjangoRedisCache.get_many)
    has_key = _fail_open(lambda *args, **kwargs: False)(DjangoRedisCache.has_key)
    add = _fail_open(lambda *args, **kwargs: True)(DjangoRedisCache.add)
    set = _fail_open(lambda *args, **kwargs: False)(DjangoRedisCache.set)
    set_many = _fail_open(lambda *args, **kwargs: [])(DjangoRedisCache.set_many)
    touch = _fail_open(lambda *args, **kwargs: False)(DjangoRedisCache.touch)
    delete = _fail_open(lambda *args, **kwargs: False)(DjangoRedisCache.delete)
    delete_many = _fail_open(lambda *args, **kwargs: 0)(DjangoRedisCache.delete_many)
    clear = _fail_open(lambda *args, **kwargs: False)(DjangoRedisCache.clear)
