"""Pages of issue 16's "tags" half: a hashtag's page and its follow button, and the
notifications page (posts' data dominates it: it shows posts)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.pagination import cursor_page_of
from messaging.services import notices_mark_read
from messaging.views import notification_list
from posts import fragments
from posts.models import FollowedTag, Post, PostTag, Tag, tag_narrowing
from posts.notices import FILTERS, notices_page
from posts.tags import tag_follow, tag_name_clean, tag_unfollow, trending_tags


def _tag_name_or_404(raw: str) -> str:
    name = tag_name_clean(raw)
    if name is None:
        raise Http404(_("That is not a hashtag."))
    return name


@login_required
@require_GET
def tag_detail(request, tag):
    name = _tag_name_or_404(tag)
    if name != tag:  # /tags/Café/ and /tags/cafe%CC%81/ are /tags/café/
        return redirect("posts:tag", name, permanent=True)
    followed = FollowedTag.objects.filter(user=request.user, tag=OuterRef("pk"))
    found = Tag.objects.annotate(followed=Exists(followed)).filter(name=name).first()
    if found is None:  # nobody used it yet: an empty page that can still be followed
        page, count, is_followed = cursor_page_of(request, Post.objects.none()), 0, False
    else:
        posts = Post.objects.tagged(found).for_reader(request.user, words=True)
        page = cursor_page_of(request, posts, narrow=tag_narrowing(found, request.user))
        count = PostTag.objects.filter(tag=found, author__is_active=True).count()
        is_followed = found.followed
    context = {
        "tag": name,
        "page": page,
        "count": count,
        "is_followed": is_followed,
        "trends": trending_tags(),
        "title": f"#{name}",
        "tab": "explore",
    }
    return render(request, "posts/tag_detail.html", context)


@login_required
@require_POST
def tag_follow_view(request, tag):
    name = _tag_name_or_404(tag)
    found, _created = Tag.objects.get_or_create(name=name)
    tag_follow(user=request.user, tag=found)
    messages.success(
        request, _("You are following #%(tag)s: its posts now appear in your home timeline.") % {"tag": name}
    )
    return redirect("posts:tag", name)


@login_required
@require_POST
def tag_unfollow_view(request, tag):
    found = get_object_or_404(Tag, name=_tag_name_or_404(tag))
    tag_unfollow(user=request.user, tag=found)
    messages.info(request, _("You no longer follow #%(tag)s.") % {"tag": found.name})
    return redirect("posts:tag", found.name)


def notifications(request):
    """/notifications/: the page; with ?since= the navbar's poll, which answered here
    before the page existed (messaging.views.notification_list, now also at /notifications/poll/)."""
    if "since" in request.GET:
        return notification_list(request)
    return _notifications_page(request)


@login_required
@require_GET
def _notifications_page(request):
    only = request.GET.get("filter", "all")
    if only not in FILTERS:
        only = "all"
    page, entries = notices_page(request, request.user, only=only)
    whole = [entry for entry in entries if entry.post is not None and entry.shows_post]
    # All of the page's posts at once: one cache read and one reader query, not one per entry.
    for entry, html in zip(whole, fragments.render_posts(request.user, [e.post for e in whole]), strict=True):
        entry.post_html = html
    # Entries keep the unread marks they were loaded with; the badge clears from now on.
    notices_mark_read(user=request.user)
    context = {"page": page, "entries": entries, "filter": only, "title": _("Notifications"), "tab": "notifications"}
    return render(request, "posts/notifications.html", context)
