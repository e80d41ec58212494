"""Hashtags as members use them: following a tag, and what is trending."""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from posts.models import FollowedTag, PostTag, Tag
from posts.text import TAG_MAX_LENGTH, tag_normalise, tokenize

TRENDS_CACHE_KEY = "posts:trending-tags"
# How far back "trending" looks, and how many tags it shows.
TRENDS_WINDOW = datetime.timedelta(hours=24)
TRENDS_SHOWN = 10


def tag_name_clean(raw: str) -> str | None:
    """The normalised tag named by `raw` ("#Café", "café"), or None when it is no tag."""
    raw = raw.strip()
    tokens = tokenize(raw if raw.startswith("#") else "#" + raw)
    if len(tokens) != 1 or tokens[0].kind != "tag" or len(tokens[0].text) > TAG_MAX_LENGTH:
        return None
    return tag_normalise(tokens[0].text)


def tag_follow(*, user: User, tag: Tag) -> FollowedTag | None:
    """Follow `tag` (its posts join the home timeline); None if already followed."""
    try:
        # A savepoint: a double click's lost race leaves the outer transaction usable.
        with transaction.atomic():
            return FollowedTag.objects.create(user=user, tag=tag)
    except IntegrityError:
        return None


def tag_unfollow(*, user: User, tag: Tag) -> bool:
    """Stop following `tag`; False if it was not followed."""
    deleted, _rows = FollowedTag.objects.filter(user=user, tag=tag).delete()
    return bool(deleted)


def trending_tags() -> list[dict]:
    """The tags most members used in the last TRENDS_WINDOW, most first, as
    [{"name", "authors"}]: one query, kept in the shared cache for
    TRENDS_CACHE_SECONDS, so most pages run none."""
    trends = cache.get(TRENDS_CACHE_KEY)
    if trends is None:
        since = timezone.now() - TRENDS_WINDOW
        rows = (
            PostTag.objects.filter(created__gte=since, author__is_active=True)
            .values("tag__name")
            .annotate(authors=Count("author", distinct=True))
            .order_by("-authors", "tag__name")[:TRENDS_SHOWN]
        )
        trends = [{"name": row["tag__name"], "authors": row["authors"]} for row in rows]
        cache.set(TRENDS_CACHE_KEY, trends, settings.TRENDS_CACHE_SECONDS)
    return trends
