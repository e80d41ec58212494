"""The CSV registry: every list a member can take away and bring in, in the formats of
Mastodon's Settings → Import and export, so files move between Mastodon and this site.
The archive (posts.archive) writes each kind; the import (posts.imports) reads the
importable ones. A new kind is one entry in KINDS.

Mastodon's formats: following_accounts.csv has a header ("Account address,Show
boosts,Notify on new posts,Languages"); blocked_accounts.csv and bookmarks.csv have
none (one address or post URL a line); muted_accounts.csv has "Account address,Hide
notifications". Mastodon's import accepts each with or without its header."""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.models import Block, Follow, Mute, User
from accounts.services import FollowError, SafetyError, block_create, follow_create, mute_create
from posts.models import Bookmark, Post
from posts.services import PostError, post_bookmark


class RowRefused(Exception):
    """One row can't be applied (a member who blocked the importer, oneself): counted, not fatal."""


def local_host() -> str:
    return (urlsplit(settings.SITE_URL).hostname or "").lower()


def account_address(username: str) -> str:
    return f"{username}@{local_host()}"


def parse_address(value: str) -> tuple[str, str]:
    """("name", "host") of "name@host" or "@name@host"; host "" for a bare "name"."""
    name, _at, host = value.strip().lstrip("@").partition("@")
    return name, host.lower()


def _truth(value: str, default: bool) -> bool:
    value = value.strip().lower()
    return default if not value else value in ("true", "1", "yes")


# Rows of each kind, as Mastodon writes them (the export side).


def _following_rows(user: User) -> Iterable[list[str]]:
    names = (
        Follow.objects.filter(follower=user, followed__is_active=True)
        .order_by("created", "id")
        .values_list("followed__username", flat=True)
    )
    # This site has no per-follow "show boosts", "notify" or languages: Mastodon's defaults.
    return ([account_address(name), "true", "false", ""] for name in names.iterator(chunk_size=2000))


def _block_rows(user: User) -> Iterable[list[str]]:
    names = (
        Block.objects.filter(blocker=user, blocked__is_active=True)
        .order_by("created", "id")
        .values_list("blocked__username", flat=True)
    )
    return ([account_address(name)] for name in names.iterator(chunk_size=2000))


def _mute_rows(user: User) -> Iterable[list[str]]:
    rows = (
        Mute.objects.active()
        .filter(muter=user, muted__is_active=True)
        .order_by("created", "id")
        .values_list("muted__username", "notifications")
    )
    return (
        [account_address(name), "true" if notifications else "false"]
        for name, notifications in rows.iterator(chunk_size=2000)
    )


def _bookmark_rows(user: User) -> Iterable[list[str]]:
    rows = (
        Bookmark.objects.filter(member=user, post__deleted__isnull=True, post__author__is_active=True)
        .order_by("created", "id")
        .values_list("post__author__username", "post_id")
    )
    site = settings.SITE_URL.rstrip("/")
    return ([f"{site}/@{name}/{pk}/"] for name, pk in rows.iterator(chunk_size=2000))


# Resolving a file's keys to this site's rows (the import side): one query per batch.


def _resolve_accounts(keys: list[str]) -> tuple[dict[str, User], set[str]]:
    """The local, active members the addresses name (any case), and the addresses that
    name another server."""
    host = local_host()
    remote = set()
    wanted: dict[str, str] = {}
    for key in keys:
        name, key_host = parse_address(key)
        if key_host and key_host != host:
            remote.add(key)
        else:
            wanted[name.lower()] = key
    found = {}
    members = User.objects.annotate(name_lower=Lower("username")).filter(name_lower__in=wanted, is_active=True)
    for member in members:
        found[wanted[member.name_lower]] = member
    return found, remote


_POST_PATH = re.compile(r"^/@(?P<name>[\w.-]+)/(?P<pk>[0-9]{1,18})/?$")


def _resolve_posts(keys: list[str]) -> tuple[dict[str, Post], set[str]]:
    host = local_host()
    remote = set()
    wanted: dict[int, str] = {}
    for key in keys:
        parts = urlsplit(key.strip())
        match = _POST_PATH.match(parts.path)
        if (parts.hostname or "").lower() != host or match is None:
            remote.add(key)
        else:
            wanted[int(match["pk"])] = key
    posts = Post.objects.visible().filter(pk__in=wanted).select_related("author")
    return {wanted[post.pk]: post for post in posts}, remote


# Applying one row: True when it was new, False when it was there already.


def _follow_add(user: User, member: User, row: list[str]) -> bool:
    if Follow.objects.filter(follower=user, followed=member).exists():
        return False
    try:
        follow_create(follower=user, followed=member)
    except FollowError as error:
        raise RowRefused(str(error)) from None
    return True


def _block_add(user: User, member: User, row: list[str]) -> bool:
    if Block.objects.filter(blocker=user, blocked=member).exists():
        return False
    try:
        block_create(blocker=user, blocked=member)
    except SafetyError as error:
        raise RowRefused(str(error)) from None
    return True


def _mute_add(user: User, member: User, row: list[str]) -> bool:
    notifications = _truth(row[1] if len(row) > 1 else "", True)
    if Mute.objects.active().filter(muter=user, muted=member, notifications=notifications).exists():
        return False
    try:
        mute_create(muter=user, muted=member, notifications=notifications)
    except SafetyError as error:
        raise RowRefused(str(error)) from None
    return True


def _bookmark_add(user: User, post: Post, row: list[str]) -> bool:
    try:
        return post_bookmark(member=user, post=post)
    except PostError as error:
        raise RowRefused(error.message) from None


@dataclass(frozen=True)
class CsvKind:
    name: str
    label: str
    filename: str
    # Mastodon's header row; `writes_header` False where Mastodon's export has none.
    header: tuple[str, ...]
    writes_header: bool
    rows: Callable[[User], Iterable[list[str]]]
    # Import: resolve keys (first column) to targets; add one; what an overwrite replaces.
    resolve: Callable[[list[str]], tuple[dict, set[str]]]
    add: Callable[[User, object, list[str]], bool]
    existing: Callable[[User], object]
    # The column of `existing` that holds the target's id.
    target_field: str

    def overwrite_remove(self, user: User, keep_ids: set[int]) -> int:
        """Overwrite mode: undo what the file does not name. How many went."""
        queryset = self.existing(user)
        gone = queryset.exclude(**{f"{self.target_field}__in": keep_ids})
        # One at a time through delete(): an unfollow's signal takes its notice back.
        count = 0
        for row in gone.iterator():
            row.delete()
            count += 1
        return count


KINDS: dict[str, CsvKind] = {
    kind.name: kind
    for kind in [
        CsvKind(
            name="following",
            label=_("Follows"),
            filename="following_accounts.csv",
            header=("Account address", "Show boosts", "Notify on new posts", "Languages"),
            writes_header=True,
            rows=_following_rows,
            resolve=_resolve_accounts,
            add=_follow_add,
            existing=lambda user: Follow.objects.filter(follower=user),
            target_field="followed_id",
        ),
        CsvKind(
            name="blocks",
            label=_("Blocks"),
            filename="blocked_accounts.csv",
            header=("Account address",),
            writes_header=False,
            rows=_block_rows,
            resolve=_resolve_accounts,
            add=_block_add,
            existing=lambda user: Block.objects.filter(blocker=user),
            target_field="blocked_id",
        ),
        CsvKind(
            name="mutes",
            label=_("Mutes"),
            filename="muted_accounts.csv",
            header=("Account address", "Hide notifications"),
            writes_header=True,
            rows=_mute_rows,
            resolve=_resolve_accounts,
            add=_mute_add,
            existing=lambda user: Mute.objects.filter(muter=user),
            target_field="muted_id",
        ),
        CsvKind(
            name="bookmarks",
            label=_("Bookmarks"),
            filename="bookmarks.csv",
            header=("#uri",),
            writes_header=False,
            rows=_bookmark_rows,
            resolve=_resolve_posts,
            add=_bookmark_add,
            existing=lambda user: Bookmark.objects.filter(member=user),
            target_field="post_id",
        ),
    ]
}

# Every header cell a Mastodon export can start with: a file of another kind is named as such.
KNOWN_FIRST_HEADERS = {
    "account address": None,
    "#uri": "bookmarks",
    "#domain": "domain blocks",
    "list name": "lists",
}
