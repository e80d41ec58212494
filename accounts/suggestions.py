"""Who to follow: the sidebar's and the empty home page's suggestions."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.db.models.expressions import RawSQL

from accounts.models import Follow, User, count_of, hidden_authors_sql

SUGGESTIONS_CACHE_KEY = "accounts:suggestion-candidates:v1"
# Enough candidates that a member who follows most of them still gets a few.
CANDIDATES = 24


def suggestion_candidates() -> list[dict]:
    """The most followed active members, as plain values (username, about_me, gravatar,
    followers): one query, kept in the shared cache for SUGGESTIONS_CACHE_SECONDS."""
    candidates = cache.get(SUGGESTIONS_CACHE_KEY)
    if candidates is None:
        members = (
            User.objects.filter(is_active=True)
            .annotate(followers=count_of(Follow.objects.filter(follower__is_active=True), "followed"))
            .order_by("-followers", "-last_seen", "pk")
            .only("pk", "username", "about_me", "email")[:CANDIDATES]
        )
        candidates = [
            {
                "pk": member.pk,
                "username": member.username,
                "about_me": member.about_me,
                "gravatar": member.gravatar_url(80),
                "followers": member.followers,
            }
            for member in members
        ]
        cache.set(SUGGESTIONS_CACHE_KEY, candidates, settings.SUGGESTIONS_CACHE_SECONDS)
    return candidates


def suggested_members(user, count: int = 3) -> list[dict]:
    """Up to `count` of the candidates `user` neither is, follows, blocks, is blocked by
    nor mutes: one query (which of them to leave out) when the candidates are cached."""
    others = [candidate for candidate in suggestion_candidates() if candidate["pk"] != user.pk]
    if not others:
        return []
    followed = Follow.objects.filter(follower=user).values("followed_id")
    left_out = set(
        User.objects.filter(pk__in=[candidate["pk"] for candidate in others])
        .filter(Q(pk__in=followed) | Q(pk__in=RawSQL(*hidden_authors_sql(user, mutes=True))))
        .values_list("pk", flat=True)
    )
    return [candidate for candidate in others if candidate["pk"] not in left_out][:count]
