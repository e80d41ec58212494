"""Lists rendered one item at a time (a post, a message) from each process's
memory: CACHES["fragments"], a LocMem cache, for POST_HTML_CACHE_SECONDS (0
turns it off). Rendering one item costs a few URL reversals, an avatar and a
timestamp; on a page of 25 that is most of the request, and a hit costs nothing.

The caller's key names everything the item's HTML shows (body, names, the
e-mail address behind a Gravatar, flags), so a change is a miss and never stale
HTML; the reader's language is always added here. Only a server-side "3 minutes
ago" can lag, by at most the timeout (static/js/time.js rewrites it on load)."""

import hashlib
from collections.abc import Callable, Sequence

from django.conf import settings
from django.core.cache import caches
from django.template.loader import get_template
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

CACHE = "fragments"


def fragment_key(kind: str, pk, *shown: str) -> str:
    """A key for item `pk` of `kind` that changes whenever any of `shown` does."""
    digest = hashlib.blake2b("\0".join(shown).encode(), digest_size=12).hexdigest()
    return f"{kind}:{pk}:{digest}"


def render_each(
    template_name: str, items: Sequence, *, context: Callable[[object], dict], key: Callable[[object], str]
) -> SafeString:
    """`items` rendered one by one with `template_name` and `context(item)`, each
    served from the cache under `key(item)` (see fragment_key): one get_many for
    the whole list, one set_many for what was missing."""
    item_template = get_template(template_name)
    timeout = settings.POST_HTML_CACHE_SECONDS
    if not timeout:
        return mark_safe("".join(item_template.render(context(item)) for item in items))
    language = translation.get_language() or ""
    keys = [f"{key(item)}:{language}" for item in items]
    cache = caches[CACHE]
    cached = cache.get_many(keys)
    rendered, fresh = [], {}
    for item, item_key in zip(items, keys, strict=True):
        html = cached.get(item_key)
        if html is None:
            html = fresh[item_key] = item_template.render(context(item))
        rendered.append(html)
    if fresh:
        cache.set_many(fresh, timeout)
    return mark_safe("".join(rendered))
