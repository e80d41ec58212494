"""A post as lists show it: posts/_post.html and shown(post), the plain values it
displays. The template renders from shown(post) alone and the fragment cache keys on
it (core.cache), so whatever a reader sees change is a miss by construction: a new
like count is a new key. What differs per reader (liked or boosted by me, my own
post) is never in it: reader(post) goes into the reader slot (render_each's reader),
which the template places in the article's class attribute."""

from typing import NamedTuple

from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe

from posts.translation import post_needs_translation

TEMPLATE = "posts/_post.html"
READER_TEMPLATE = "posts/_post_reader.html"

# The template's {% avatar_of … 48 %}; the Gravatar image is twice that for sharp screens.
AVATAR_SIZE = 48


def _gone(post) -> bool:
    """Deleted, or its author's account closed: shown as "deleted" / "unavailable"."""
    return post.deleted is not None or not post.author.is_active


def _body(post) -> str:
    """The text with its links, mentions and hashtags, rendered and sanitised at save
    (posts.text); posts saved before that are shown escaped."""
    return mark_safe(post.body_html) if post.body_html else escape(post.body)


def _quote(post) -> dict:
    """The quote card's values, flat: quote_state is "" (no quote), "gone" or "shown"."""
    quoted = post.quote_of
    card = {"quote_state": "", "quote_pk": 0, "quote_author": "", "quote_body": "", "quote_created": post.created}
    if post.quote_of_id is None and quoted is None:
        return card
    if quoted is None or _gone(quoted):
        return {**card, "quote_state": "gone"}
    return {
        "quote_state": "shown",
        "quote_pk": quoted.pk,
        "quote_author": quoted.author.username,
        # Plain text: the card is a link itself, and links cannot nest.
        "quote_body": quoted.body,
        "quote_created": quoted.created,
    }


class ShownMedia(NamedTuple):
    """One image of a post's grid as the template shows it (plain values: a cache key)."""

    pk: int
    state: str
    url: str
    preview_url: str
    width: int
    height: int
    preview_width: int
    preview_height: int
    blurhash: str
    description: str
    animated: bool


def _media(post) -> tuple:
    from core.media import media_url

    attachments = getattr(post, "_preloaded_media", None)
    if attachments is None:  # a lone post outside a page: its own query
        attachments = post.attachments.order_by("position", "id")
    return tuple(
        ShownMedia(
            pk=attachment.pk,
            state=attachment.state,
            url=media_url(attachment.file),
            preview_url=media_url(attachment.preview),
            width=attachment.width,
            height=attachment.height,
            preview_width=attachment.preview_width or attachment.width,
            preview_height=attachment.preview_height or attachment.height,
            blurhash=attachment.blurhash,
            description=attachment.description,
            animated=attachment.animated,
        )
        for attachment in attachments
    )


def media_preload(posts) -> None:
    """The images of every post on a page (a boost's: its original's) in one query, kept
    on each post for shown(): the page's query count does not grow with its images."""
    from posts.models import MediaAttachment

    subjects: dict[int, list] = {}
    for post in posts:
        subject = post.reblog_of if post.reblog_of_id else post
        if subject is not None and not hasattr(subject, "_preloaded_media"):
            subjects.setdefault(subject.pk, []).append(subject)
    if not subjects:
        return
    found: dict[int, list] = {pk: [] for pk in subjects}
    for attachment in MediaAttachment.objects.filter(post__in=list(subjects)).order_by("post_id", "position", "id"):
        found[attachment.post_id].append(attachment)
    for pk, same in subjects.items():
        for subject in same:
            subject._preloaded_media = found[pk]


def shown(post) -> dict:
    """Everything posts/_post.html shows of `post`, as plain values (never None: "" and
    0 say "none"): nothing here reverses a URL or queries (what it reads comes with the
    page: PostQuerySet.for_display), so a cache hit costs only this; the template reverses
    URLs from usernames when it renders. A boost shows its original, with who boosted it."""
    boosted_by = ""
    if post.reblog_of_id is not None:
        boosted_by = post.author.username
        post = post.reblog_of
    if post.deleted is not None:
        # A tombstone in a thread: nothing of it is shown but its place.
        return {"pk": post.pk, "gone": True}
    author = post.author
    return {
        "pk": post.pk,
        "gone": False,
        "boosted_by": boosted_by,
        "body": _body(post),
        "spoiler_text": post.spoiler_text,
        "sensitive": post.sensitive,
        "media": _media(post),
        "created": post.created,
        "is_edited": post.edited is not None,
        "edited": post.edited or post.created,
        "language": post.language,
        "author": author.username,
        "display_name": author.display_name,
        # The uploaded avatar, else Gravatar's (when on); "" leaves the local identicon.
        "gravatar": author.uploaded_avatar_url(AVATAR_SIZE * 2) or author.gravatar_url(AVATAR_SIZE * 2),
        "reply_to": post.in_reply_to_author.username if post.in_reply_to_author_id else "",
        "reply_to_pk": post.in_reply_to_id or 0,
        **_quote(post),
        "reply_count": post.reply_count,
        "boost_count": post.boost_count,
        "like_count": post.like_count,
        "needs_translation": post_needs_translation(post, translation.get_language() or ""),
    }


def subject_id(post) -> int:
    """The post a row shows (a boost shows its original)."""
    return post.reblog_of_id or post.pk


def reader_of(user, posts):
    """reader(post) for render_each: the reader's liked/boosted/bookmarked/own state of
    each post, read for the whole page in one query (posts.models.reader_state)."""
    from posts.models import reader_state

    ids = [subject_id(post) for post in posts]
    liked, boosted, bookmarked = reader_state(user, ids)

    def reader(post):
        subject = post.reblog_of if post.reblog_of_id else post
        return {
            "liked": subject.pk in liked,
            "boosted": subject.pk in boosted,
            "bookmarked": subject.pk in bookmarked,
            "mine": subject.author_id == user.pk,
        }

    return reader


def anonymous_reader(post) -> dict:
    """Someone signed out sees counts but no buttons (static/css/site.css hides them)."""
    return {"anonymous": True}


def render_posts(user, posts) -> list:
    """Each of `posts` as `user` sees it: the shared HTML from the fragment cache (one
    get_many) with the reader's state in its slot (one query for the whole list)."""
    from core.cache import render_fragments

    posts = list(posts)
    media_preload(posts)
    reader = reader_of(user, posts) if user is not None and user.is_authenticated else anonymous_reader
    return render_fragments(TEMPLATE, posts, shown=shown, reader=reader, reader_template=READER_TEMPLATE)


def reader_state_of(user, post) -> tuple[bool, bool, bool]:
    """(liked, boosted, bookmarked) of one post by `user`."""
    from posts.models import reader_state

    return tuple(post.pk in marked for marked in reader_state(user, [post.pk]))
