"""Each member's post, follower and following counts, as the profile page and the
API show them, kept in CACHES["counts"].

Counting them takes three correlated COUNT subqueries per member, which cost more
than the rest of a profile request's SQL together; the counts change only when
someone posts, follows, unfollows or is (de)activated, so each is cached until
one of those happens (the receivers below), with MEMBER_COUNTS_CACHE_SECONDS as
a bound on anything that slips past them (a raw UPDATE, a bulk insert)."""

from collections.abc import Iterable

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import Q, signals
from django.dispatch import receiver

from accounts.models import Follow, User, count_of
from accounts.signals import members_deactivated
from posts.models import Post

COUNTS = ("post_count", "follower_count", "following_count")


def _key(pk: int) -> str:
    return f"member-counts:{pk}"


def _cache():
    return caches["counts"]


def with_member_counts(members: Iterable[User]) -> list[User]:
    """`members` with post_count, follower_count and following_count set: one
    cache read for all of them, and one query for those the cache did not hold."""
    members = list(members)
    timeout = settings.MEMBER_COUNTS_CACHE_SECONDS
    keys = {member.pk: _key(member.pk) for member in members}
    cached = _cache().get_many(keys.values()) if timeout and keys else {}
    missing = {pk for pk, key in keys.items() if key not in cached}
    if missing:
        counted = (
            User.objects.filter(pk__in=missing)
            .with_follow_counts()
            .annotate(post_count=count_of(Post.objects.filter(reblog_of__isnull=True, deleted__isnull=True), "author"))
            .values_list("pk", *COUNTS)
        )
        fresh = {_key(pk): counts for pk, *counts in counted}
        cached.update(fresh)
        if timeout and fresh:
            _cache().set_many(fresh, timeout)
    for member in members:
        # A member deleted since the page's query counts nothing rather than failing.
        counts = cached.get(keys[member.pk], (0, 0, 0))
        for name, value in zip(COUNTS, counts, strict=True):
            setattr(member, name, value)
    return members


def member_counts_forget(pks: Iterable[int]) -> None:
    """Drop the cached counts of these members: now, so this request and the
    next show the change, and again after the commit, in case a request that
    read the old rows meanwhile cached them."""
    keys = [_key(pk) for pk in set(pks)]
    if not keys:
        return
    _cache().delete_many(keys)
    transaction.on_commit(lambda: _cache().delete_many(keys))


def _related_pks(pks: Iterable[int]) -> set[int]:
    """The members whose follower or following counts include these members."""
    pks = list(pks)
    rows = Follow.objects.filter(Q(follower__in=pks) | Q(followed__in=pks)).values_list("follower", "followed")
    return {pk for row in rows for pk in row}


@receiver(signals.post_save, sender=Post, dispatch_uid="posts.counts.post_saved")
def _post_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        member_counts_forget([instance.author_id])


@receiver(signals.post_delete, sender=Post, dispatch_uid="posts.counts.post_deleted")
@receiver(signals.post_delete, sender=Follow, dispatch_uid="posts.counts.follow_deleted")
def _row_deleted(sender, instance, origin=None, **kwargs):
    if isinstance(origin, User):
        return  # a member's deletion: _member_deleting forgets everyone concerned at once
    member_counts_forget(_members_of(instance))


@receiver(signals.post_save, sender=Follow, dispatch_uid="posts.counts.follow_saved")
def _follow_saved(sender, instance, created, raw=False, **kwargs):
    if not raw:
        member_counts_forget(_members_of(instance))


def _members_of(row) -> list[int]:
    if isinstance(row, Follow):
        return [row.follower_id, row.followed_id]
    return [row.author_id]


@receiver(signals.post_save, sender=User, dispatch_uid="posts.counts.member_saved")
def _member_saved(sender, instance, created, update_fields=None, raw=False, **kwargs):
    # Deactivated members are not counted, so (re)activation changes their
    # followers' and followed members' counts; other edits change nothing counted.
    if created or raw or not instance.is_active_changed:
        return
    member_counts_forget(_related_pks([instance.pk]) | {instance.pk})


@receiver(signals.pre_delete, sender=User, dispatch_uid="posts.counts.member_deleting")
def _member_deleting(sender, instance, **kwargs):
    # Before the cascade removes the follows that name everyone concerned.
    member_counts_forget(_related_pks([instance.pk]) | {instance.pk})


@receiver(members_deactivated, dispatch_uid="posts.counts.members_deactivated")
def _members_deactivated(sender, pks, **kwargs):
    member_counts_forget(_related_pks(pks) | set(pks))


SITE_COUNTS_KEY = "site-counts"


def site_counts() -> dict:
    """The front door's member and post counts (active members, their live original
    posts), counted at most once per FRONT_DOOR_COUNTS_SECONDS for all visitors."""

    def count() -> dict:
        return {
            "members": User.objects.filter(is_active=True).count(),
            "posts": Post.objects.visible().filter(reblog_of__isnull=True).count(),
        }

    timeout = settings.FRONT_DOOR_COUNTS_SECONDS
    return _cache().get_or_set(SITE_COUNTS_KEY, count, timeout) if timeout else count()
