"""The full-text search of statuses behind /api/v2/search."""

from django.conf import settings
from django.db.models import Q
from django.utils.module_loading import import_string

from api.mastodon import entities
from posts.models import Like, Post


def status_search(reader, q: str, *, limit: int, offset: int) -> list[dict]:
    """Statuses matching `q` by the site's full-text search, best first.

    The search app sits beside api in the layers (.importlinter: `search | api`), so
    neither imports the other: settings.MASTODON_STATUS_SEARCH names the function
    (search.services.post_ids_matching), and the project package, which may depend on
    both, is what wires them. Without it, the reader's own and liked posts are
    searched by substring (a bounded set, as Mastodon does without Elasticsearch)."""
    dotted = getattr(settings, "MASTODON_STATUS_SEARCH", "")
    if dotted:
        ids = import_string(dotted)(query=q, limit=limit, offset=offset)
        found = Post.objects.visible().filter(reblog_of__isnull=True).for_reader(reader).for_display().in_bulk(ids)
        return entities.statuses(reader, [found[pk] for pk in ids if pk in found])
    if offset:
        return []
    mine = Q(author=reader) | Q(pk__in=Like.objects.filter(member=reader).values("post_id"))
    posts = Post.objects.visible().originals().filter(mine, body__icontains=q).for_reader(reader)
    posts = posts.newest_first()[:limit]
    return entities.statuses(reader, posts)
