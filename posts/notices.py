"""The notifications page's entries: a member's notices (messaging.Notice), grouped as
Mastodon groups them ("alice and 3 others liked your post"), with the posts they are
about. messaging stores kind, actor and a post id and knows no posts; this is where
the two meet."""

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.pagination import CursorPage, cursor_page_of
from messaging.models import Notice
from posts.models import Post

Kind = Notice.Kind
# Kinds whose notices about the same subject become one entry; a reply, mention or
# quote is a post of its own and stays one entry each.
GROUPED = {Kind.FOLLOW, Kind.LIKE, Kind.BOOST}
POST_KINDS = {Kind.MENTION, Kind.REPLY, Kind.LIKE, Kind.BOOST, Kind.QUOTE}
# Only mentions, or everything.
FILTERS = ("all", "mentions")
# Actors named in a grouped entry before "and N others".
NAMED = 1

# %(actor)s is the actor's name (a link); %(count)s how many others did the same.
_ONE = {
    Kind.FOLLOW: lambda: _("%(actor)s followed you"),
    Kind.MENTION: lambda: _("%(actor)s mentioned you"),
    Kind.REPLY: lambda: _("%(actor)s replied to your post"),
    Kind.LIKE: lambda: _("%(actor)s liked your post"),
    Kind.BOOST: lambda: _("%(actor)s boosted your post"),
    Kind.QUOTE: lambda: _("%(actor)s quoted your post"),
    # The member's own report (posts.moderation): no actor to name.
    Kind.REPORT_RECEIVED: lambda: _("Thank you: your report was received. The moderators will look at it."),
    Kind.REPORT_RESOLVED: lambda: _("The moderators looked at your report and closed it. Thank you for helping."),
}
_MANY = {
    Kind.FOLLOW: lambda n: ngettext(
        "%(actor)s and %(count)s other followed you", "%(actor)s and %(count)s others followed you", n
    ),
    Kind.LIKE: lambda n: ngettext(
        "%(actor)s and %(count)s other liked your post", "%(actor)s and %(count)s others liked your post", n
    ),
    Kind.BOOST: lambda n: ngettext(
        "%(actor)s and %(count)s other boosted your post", "%(actor)s and %(count)s others boosted your post", n
    ),
}


@dataclass
class Entry:
    """One line of the notifications page: one or more notices of the same kind and subject."""

    kind: str
    created: object  # the newest notice's time
    actors: list = field(default_factory=list)
    unread: bool = False
    post: Post | None = None
    # The post as the reader sees it, for the kinds that show it whole (shows_post).
    post_html: str = ""

    @property
    def others(self) -> int:
        return max(len(self.actors) - NAMED, 0)

    @property
    def sentence(self) -> SafeString:
        actor = self.actors[0]
        link = format_html(
            '<a href="{}" class="fw-semibold text-decoration-none">{}</a>',
            reverse("posts:user", args=[actor.username]),
            actor.username,
        )
        text = _MANY[self.kind](self.others) if self.others else _ONE[self.kind]()
        # The catalog's text is escaped too: only the actor's link is markup.
        return mark_safe(escape(text) % {"actor": link, "count": self.others})

    @property
    def shows_post(self) -> bool:
        """A reply, mention or quote shows the whole post; a like or boost a line of it."""
        return self.kind in (Kind.MENTION, Kind.REPLY, Kind.QUOTE)


def notices_for(user, *, only: str = "all"):
    """`user`'s notices newest first (closed accounts' left out), actors loaded."""
    notices = Notice.objects.for_recipient(user).select_related("actor")
    if only == "mentions":
        notices = notices.filter(kind=Kind.MENTION)
    return notices.order_by("-created", "-id")


def subject_posts(notices) -> dict[int, Post]:
    """The visible posts the notices are about, by id: one query for a page."""
    ids = {notice.subject_id for notice in notices if notice.kind in POST_KINDS}
    if not ids:
        return {}
    return {post.pk: post for post in Post.objects.visible().filter(pk__in=ids).for_display()}


def entries(notices) -> list[Entry]:
    """`notices` (newest first) as entries, newest first. Like notices of one post (or
    follows) on the page become one entry; a notice whose post is gone or hidden is left out."""
    posts = subject_posts(notices)
    grouped: dict[tuple, Entry] = {}
    result = []
    for notice in notices:
        post = posts.get(notice.subject_id) if notice.kind in POST_KINDS else None
        if notice.kind in POST_KINDS and post is None:
            continue
        key = (notice.kind, notice.subject_id) if notice.kind in GROUPED else ("one", notice.pk)
        entry = grouped.get(key)
        if entry is None:
            entry = grouped[key] = Entry(kind=notice.kind, created=notice.created, post=post)
            result.append(entry)
        entry.actors.append(notice.actor)
        entry.unread = entry.unread or not notice.read
    return result


def notices_page(request, user, *, only: str = "all") -> tuple[CursorPage, list[Entry]]:
    """The keyset page of `user`'s notices that the request names, and its entries.
    Groups are made within a page: a group split by a page's end continues on the next."""
    page = cursor_page_of(request, notices_for(user, only=only), per_page=settings.PAGE_SIZE)
    return page, entries(page.object_list)


def push_subject(post_id: int) -> tuple[str, str] | None:
    """What a push notification about a post shows (messaging.push.register_subject):
    the post's page and its text; None when it was deleted meanwhile."""
    post = Post.objects.visible().select_related("author").filter(pk=post_id).first()
    if post is None:
        return None
    return post.get_absolute_url(), post.body
