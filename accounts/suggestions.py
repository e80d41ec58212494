"""Who to follow: the sidebar's and the empty home page's suggestions."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, signals
from django.db.models.expressions import RawSQL
from django.dispatch import receiver

from accounts.models import Block, Follow, Mute, User, count_of, hidden_authors_sql

SUGGESTIONS_CACHE_KEY = "accounts:suggestion-candidates:v1"
# Enough candidates that a member who follows most of them still gets a few.
CANDIDATES = 24
# One member's picks, in the shared cache: the sidebar is on every page.
PICKS_CACHE_KEY = "accounts:suggestion-picks:v1:{pk}"
# As many picks as any caller shows.
PICKS_KEPT = 5


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
    nor mutes. Kept per member for SUGGESTION_PICKS_CACHE_SECONDS and forgotten as soon
    as they follow, block or mute someone or are blocked (the receivers below), so most
    pages run no query for them."""
    key = PICKS_CACHE_KEY.format(pk=user.pk)
    picks = cache.get(key)
    if picks is None:
        picks = _picks(user)
        cache.set(key, picks, settings.SUGGESTION_PICKS_CACHE_SECONDS)
    return picks[:count]


def _picks(user) -> list[dict]:
    """suggested_members' first PICKS_KEPT: one query (which candidates to leave out)
    when the candidates are cached."""
    others = [candidate for candidate in suggestion_candidates() if candidate["pk"] != user.pk]
    if not others:
        return []
    followed = Follow.objects.filter(follower=user).values("followed_id")
    left_out = set(
        User.objects.filter(pk__in=[candidate["pk"] for candidate in others])
        .filter(Q(is_active=False) | Q(pk__in=followed) | Q(pk__in=RawSQL(*hidden_authors_sql(user, mutes=True))))
        .values_list("pk", flat=True)
    )
    return [candidate for candidate in others if candidate["pk"] not in left_out][:PICKS_KEPT]


def suggestions_forget(pks) -> None:
    cache.delete_many([PICKS_CACHE_KEY.format(pk=pk) for pk in pks])


@receiver(signals.post_save, sender=Follow, dispatch_uid="accounts.suggestions.follow_saved")
@receiver(signals.post_delete, sender=Follow, dispatch_uid="accounts.suggestions.follow_deleted")
def _follow_changed(sender, instance, **kwargs):
    suggestions_forget([instance.follower_id])


@receiver(signals.post_save, sender=Block, dispatch_uid="accounts.suggestions.block_saved")
@receiver(signals.post_delete, sender=Block, dispatch_uid="accounts.suggestions.block_deleted")
def _block_changed(sender, instance, **kwargs):
    suggestions_forget([instance.blocker_id, instance.blocked_id])


@receiver(signals.post_save, sender=Mute, dispatch_uid="accounts.suggestions.mute_saved")
@receiver(signals.post_delete, sender=Mute, dispatch_uid="accounts.suggestions.mute_deleted")
def _mute_changed(sender, instance, **kwargs):
    suggestions_forget([instance.muter_id])
