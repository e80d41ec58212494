"""Caching: the Redis cache backend that keeps the site up while Redis is down,
and the per-process cache of rendered fragments (posts, messages; see "Fragments" below).

The Redis cache backend (CACHES when REDIS_URL is set) is django-redis, made to keep
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
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Sequence

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import get_template
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
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


# Fragments. Lists rendered one item at a time (a post, a message) from each process's
# memory: CACHES["fragments"], a LocMem cache, for FRAGMENT_CACHE_SECONDS (0 turns it
# off). Rendering an item costs URL reversals, an avatar and a timestamp, which over a
# page of them is a large part of the request; a hit costs one get_many for the page.
#
# A fragment is a template and a function shown(item) -> dict of the plain values the
# template displays, defined side by side in the app's fragments.py. The template renders
# from that dict alone, and the key is a digest of the dict, the template's name and the
# reader's language: whatever the template can show is in the key by construction, so a
# change is a miss and never stale HTML (the apps' tests check both halves). Only a
# server-side "3 minutes ago" can lag, by at most the timeout (static/js/time.js
# rewrites it on load).
#
# The shared HTML is the same for every reader. What differs per reader (the inbox's
# "new" badge; next, "liked by me") is never cached inside it: a small reader template
# is rendered on each request from reader(item) and put where the shared template
# places {{ reader_slot }}.

FRAGMENTS = "fragments"

# What {{ reader_slot }} renders to in the shared HTML. Shown values are escaped, so no
# body or name can forge it.
READER_SLOT = mark_safe("<!--reader-slot-->")


def _digest(values: dict) -> str:
    # repr tells plain values apart ("1" from 1, quotes escaped). Unsorted: shown() builds
    # its dict in one order, and another order would only be a miss, never a wrong hit.
    return hashlib.blake2b(repr(tuple(values.items())).encode(), digest_size=16).hexdigest()


def fragment_key(template_name: str, shown: dict, language: str) -> str:
    """The cache key of `template_name` rendered from `shown` for a reader of `language`."""
    return f"{template_name}:{language}:{_digest(shown)}"


def fragment_render(template, shown: dict) -> str:
    """The shared HTML: `template` rendered from `shown` and nothing else (the reader
    slot stays a marker)."""
    return template.render({**shown, "reader_slot": READER_SLOT})


def _load(template):
    return get_template(template) if isinstance(template, str) else template


def render_each(
    template_name: str,
    items: Sequence,
    *,
    shown: Callable[[object], dict],
    reader: Callable[[object], dict] | None = None,
    reader_template=None,
) -> SafeString:
    """`items` rendered one by one with `template_name` from `shown(item)`, each served
    from the cache (one get_many for the list, one set_many for what was missing).

    With `reader`, each item's slot gets `reader_template` (a name or a loaded
    template) rendered from `reader(item)` on every call, never cached; items whose
    reader state is equal share one render."""
    return mark_safe(
        "".join(render_fragments(template_name, items, shown=shown, reader=reader, reader_template=reader_template))
    )


def render_fragments(
    template_name: str,
    items: Sequence,
    *,
    shown: Callable[[object], dict],
    reader: Callable[[object], dict] | None = None,
    reader_template=None,
) -> list[SafeString]:
    """render_each's items one by one (one get_many for them all), for a page that
    places them apart (a post page's thread and nested replies)."""
    item_template = get_template(template_name)
    values = [shown(item) for item in items]
    timeout = settings.FRAGMENT_CACHE_SECONDS
    if timeout:
        language = translation.get_language() or ""
        keys = [fragment_key(template_name, item_values, language) for item_values in values]
        cache = caches[FRAGMENTS]
        cached = cache.get_many(keys)
    else:
        keys, cached = [None] * len(values), {}
    shared, fresh = [], {}
    for item_values, item_key in zip(values, keys, strict=True):
        html = cached.get(item_key)
        if html is None:
            html = fragment_render(item_template, item_values)
            if reader is not None and READER_SLOT not in html:
                raise ImproperlyConfigured(f"{template_name} places no {{{{ reader_slot }}}} for the reader's part")
            if timeout:
                fresh[item_key] = html
        shared.append(html)
    if fresh:
        cache.set_many(fresh, timeout)
    if reader is None:
        return [mark_safe(html.replace(READER_SLOT, "")) for html in shared]
    part_template = _load(reader_template)
    parts: dict[str, str] = {}
    rendered = []
    for item, html in zip(items, shared, strict=True):
        state = reader(item)
        state_key = _digest(state)
        part = parts.get(state_key)
        if part is None:
            part = parts[state_key] = part_template.render(state)
        rendered.append(mark_safe(html.replace(READER_SLOT, part, 1)))
    return rendered
