"""Mastodon's entities (https://docs.joinmastodon.org/entities/) built from our rows:
plain functions returning dicts, fed by a context that reads a whole page's extra
rows (reader state, mentions, tags, member counts) in a constant number of queries."""

import datetime
import functools
from dataclasses import dataclass, field
from urllib.parse import quote

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape

from accounts.models import User
from core.media import media_url
from messaging.models import Notice
from posts.counts import with_member_counts
from posts.models import MediaAttachment, Mention, Post, PostTag, reader_state

# Notice kinds as Mastodon's notification types: a reply is a mention there, and a
# quote (a Mastodon 4.5 type older clients do not know) is reported as one too.
NOTIFICATION_TYPES = {
    Notice.Kind.FOLLOW: "follow",
    Notice.Kind.MENTION: "mention",
    Notice.Kind.REPLY: "mention",
    Notice.Kind.QUOTE: "mention",
    Notice.Kind.LIKE: "favourite",
    Notice.Kind.BOOST: "reblog",
}
# What Django's reverse() leaves unquoted in a path argument (django.urls.resolvers).
_PATH_SAFE = "!$&'()*+,;=/~:@"
# Digits, so that every converter (int, str, username) takes them.
_SENTINEL = "90817263544536271"


def iso(moment: datetime.datetime | None) -> str | None:
    """ISO 8601 in UTC with milliseconds and Z, as Mastodon writes times."""
    if moment is None:
        return None
    moment = moment.astimezone(datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def absolute(path: str) -> str:
    return path if path.startswith(("http://", "https://")) else settings.SITE_URL + path


@functools.cache
def _pattern(name: str, arity: int) -> tuple[str, ...]:
    """The pieces of `name`'s URL around its arguments, reversed once per process."""
    args = [f"{_SENTINEL}{i}" for i in range(arity)]
    url = reverse(name, args=args)
    pieces = []
    for arg in args:
        head, url = url.split(arg, 1)
        pieces.append(head)
    return (*pieces, url)


def url_for(name: str, *args) -> str:
    """reverse(name, args=args) as an absolute URL, without resolving anything: a page of
    40 statuses names ~150 URLs, and reverse() was a fifth of its serialisation time.
    Only for routes whose arguments are plain path segments (usernames, ids, tag names)."""
    pieces = _pattern(name, len(args))
    out = [settings.SITE_URL]
    for piece, arg in zip(pieces, args, strict=False):
        out += [piece, quote(str(arg), safe=_PATH_SAFE)]
    out.append(pieces[-1])
    return "".join(out)


@functools.cache
def _favicon() -> str:
    return static("favicon.svg")


def _header(user: User) -> str:
    # Mastodon gives a missing header as a placeholder image, never null.
    return absolute(user.header_url()) if user.header else absolute(_favicon())


def _avatar(user: User) -> str:
    uploaded = user.uploaded_avatar_url(400)
    if uploaded:
        return absolute(uploaded)
    return user.gravatar_url(400) or url_for("accounts:identicon", user.username)


def _fields(user: User, *, source: bool = False) -> list[dict]:
    # In the Account, values are HTML (escaped text here); in its source, as typed.
    return [
        {"name": pair["name"], "value": pair["value"] if source else escape(pair["value"]), "verified_at": None}
        for pair in user.profile_fields or []
    ]


def account(user: User, *, credentials: bool = False) -> dict:
    """An Account; `user` carries post_count, follower_count and following_count
    (posts.counts.with_member_counts). With `credentials`, the CredentialAccount extras."""
    url = url_for("posts:user", user.username)
    avatar = _avatar(user)
    header = _header(user)
    note = f"<p>{escape(user.about_me)}</p>" if user.about_me else ""
    entity = {
        "id": str(user.pk),
        "username": user.username,
        "acct": user.username,
        "display_name": user.shown_name,
        "locked": False,
        "bot": False,
        "discoverable": True,
        "indexable": True,
        "group": False,
        "noindex": False,
        "hide_collections": False,
        "created_at": iso(user.date_joined),
        "note": note,
        "url": url,
        "uri": url,
        "avatar": avatar,
        "avatar_static": avatar,
        "header": header,
        "header_static": header,
        "followers_count": getattr(user, "follower_count", 0),
        "following_count": getattr(user, "following_count", 0),
        "statuses_count": getattr(user, "post_count", 0),
        "last_status_at": None,
        "emojis": [],
        "fields": _fields(user),
        "roles": [],
    }
    if credentials:
        entity["source"] = {
            "privacy": "public",
            "sensitive": False,
            "language": user.language or None,
            "note": user.about_me,
            "fields": _fields(user, source=True),
            "follow_requests_count": 0,
        }
    return entity


def content_html(post: Post) -> str:
    """The post's rendered body as Mastodon marks it up: one paragraph, absolute links,
    mentions as `u-url mention`, hashtags as `mention hashtag` with rel=tag. body_html
    was sanitised at save (posts.text.render: <a> with href, class, title and rel only),
    and the fallback is escaped text, so the markup added here needs no second pass."""
    if post.is_deleted:
        return ""
    body = post.body_html or escape(post.body)
    body = (
        body.replace('href="/', f'href="{settings.SITE_URL}/')
        .replace('class="mention"', 'class="u-url mention"')
        .replace('class="hashtag"', 'class="mention hashtag" rel="tag"')
        .replace("\n", "<br>")
    )
    return f"<p>{body}</p>"


@dataclass
class Page:
    """What the statuses of one response need beyond their rows, read once for all."""

    reader: User | None
    liked: set = field(default_factory=set)
    boosted: set = field(default_factory=set)
    bookmarked: set = field(default_factory=set)
    mentions: dict = field(default_factory=dict)
    tags: dict = field(default_factory=dict)
    # Each original's images, in the grid's order.
    media: dict = field(default_factory=dict)
    # Each author's Account, built once however many of the page's statuses are theirs.
    accounts: dict = field(default_factory=dict)

    def account(self, user: User) -> dict:
        entity = self.accounts.get(user.pk)
        if entity is None:
            entity = self.accounts[user.pk] = account(user)
        return entity


def page_for(reader, posts: list[Post]) -> Page:
    """The Page of `posts` (boosts and their originals): five queries and one cache
    read (member counts) whatever their number, none for an empty list."""
    originals = [post.reblog_of if post.is_boost else post for post in posts]
    ids = [post.pk for post in originals]
    page = Page(reader=reader)
    if not ids:
        return page
    if reader is not None and reader.is_authenticated:
        page.liked, page.boosted, page.bookmarked = reader_state(reader, ids)
    for mention in Mention.objects.filter(post_id__in=ids).select_related("user"):
        page.mentions.setdefault(mention.post_id, []).append(mention.user)
    for tagging in PostTag.objects.filter(post_id__in=ids).select_related("tag"):
        page.tags.setdefault(tagging.post_id, []).append(tagging.tag.name)
    for attachment in MediaAttachment.objects.filter(post_id__in=ids).order_by("post_id", "position", "id"):
        page.media.setdefault(attachment.post_id, []).append(attachment)
    # Every instance (one per row), so that each gets its counts: one cache read for all.
    with_member_counts([post.author for post in posts] + [post.author for post in originals])
    return page


def tag(name: str) -> dict:
    return {"name": name, "url": url_for("posts:tag", name), "history": [], "following": False}


def media_attachment(attachment: MediaAttachment) -> dict:
    """A MediaAttachment: an image (an animated one too: "gifv" would have clients play it
    as a video); its URLs are null until a worker has processed it, as Mastodon's are."""
    url = absolute(media_url(attachment.file)) if attachment.file else None
    preview = absolute(media_url(attachment.preview)) if attachment.preview else url
    original = {"width": attachment.width, "height": attachment.height}
    small = {
        "width": attachment.preview_width or attachment.width,
        "height": attachment.preview_height or attachment.height,
    }
    for size in (original, small):
        size["size"] = f"{size['width']}x{size['height']}"
        size["aspect"] = size["width"] / size["height"] if size["height"] else None
    meta = {"original": original, "small": small}
    if attachment.focus_x is not None:
        meta["focus"] = {"x": attachment.focus_x, "y": attachment.focus_y}
    return {
        "id": str(attachment.pk),
        "type": "image",
        "url": url,
        "preview_url": preview,
        "remote_url": None,
        "meta": meta,
        "description": attachment.description or None,
        "blurhash": attachment.blurhash or None,
    }


def status(post: Post, page: Page) -> dict:
    """A Status; a boost row is a status of its own whose `reblog` is the original."""
    if post.is_boost:
        original = status(post.reblog_of, page)
        wrapper = {**original, "id": str(post.pk), "created_at": iso(post.created), "reblog": original}
        url = url_for("posts:post", post.author.username, post.pk)
        wrapper.update(account=page.account(post.author), content="", mentions=[], tags=[], uri=url, url=url)
        return wrapper
    url = url_for("posts:post", post.author.username, post.pk)
    return {
        "id": str(post.pk),
        "uri": url,
        "url": url,
        "created_at": iso(post.created),
        "edited_at": iso(post.edited),
        "account": page.account(post.author),
        "content": content_html(post),
        "text": None,
        "visibility": "public",
        "sensitive": post.sensitive,
        "spoiler_text": post.spoiler_text,
        "media_attachments": [media_attachment(attachment) for attachment in page.media.get(post.pk, [])],
        "application": None,
        "mentions": [
            {
                "id": str(user.pk),
                "username": user.username,
                "acct": user.username,
                "url": url_for("posts:user", user.username),
            }
            for user in page.mentions.get(post.pk, [])
        ],
        "tags": [tag(name) for name in page.tags.get(post.pk, [])],
        "emojis": [],
        "reblogs_count": post.boost_count,
        "favourites_count": post.like_count,
        "replies_count": post.reply_count,
        "in_reply_to_id": str(post.in_reply_to_id) if post.in_reply_to_id else None,
        "in_reply_to_account_id": str(post.in_reply_to_author_id) if post.in_reply_to_author_id else None,
        "reblog": None,
        "poll": None,
        "card": None,
        "language": post.language or None,
        "favourited": post.pk in page.liked,
        "reblogged": post.pk in page.boosted,
        "muted": False,
        "bookmarked": post.pk in page.bookmarked,
        "pinned": False,
        "filtered": [],
    }


def statuses(reader, posts) -> list[dict]:
    posts = list(posts)
    page = page_for(reader, posts)
    return [status(post, page) for post in posts]


def relationship(
    user: User,
    *,
    following: bool,
    followed_by: bool,
    blocking: bool = False,
    blocked_by: bool = False,
    muting: bool = False,
    muting_notifications: bool = False,
) -> dict:
    return {
        "id": str(user.pk),
        "following": following,
        "showing_reblogs": following,
        "notifying": False,
        "languages": None,
        "followed_by": followed_by,
        "blocking": blocking,
        "blocked_by": blocked_by,
        "muting": muting,
        "muting_notifications": muting_notifications,
        "requested": False,
        "requested_by": False,
        "domain_blocking": False,
        "endorsed": False,
        "note": "",
    }


def notifications(reader, notices) -> list[dict]:
    """Notification entities for Notice rows (with actor selected); their posts in one query."""
    notices = list(notices)
    subject_ids = {n.subject_id for n in notices if n.kind != Notice.Kind.FOLLOW}
    posts = {post.pk: post for post in Post.objects.visible().for_display().filter(pk__in=subject_ids)}
    page = page_for(reader, list(posts.values()))
    with_member_counts([n.actor for n in notices])
    entities = []
    for notice in notices:
        if notice.kind not in NOTIFICATION_TYPES:
            continue  # a report's progress: Mastodon has no type for the reporter's side
        post = posts.get(notice.subject_id)
        if notice.kind != Notice.Kind.FOLLOW and post is None:
            continue  # its post was deleted or hidden since
        entities.append(
            {
                "id": str(notice.pk),
                "type": NOTIFICATION_TYPES[notice.kind],
                "created_at": iso(notice.created),
                "group_key": f"ungrouped-{notice.pk}",
                "account": account(notice.actor),
                "status": status(post, page) if post is not None else None,
            }
        )
    return entities
