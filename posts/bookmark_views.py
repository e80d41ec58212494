"""The member's bookmarks page: the posts they kept, newest bookmarked first. (The
bookmark button itself is a post action beside like and boost, in posts.views.)"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.pagination import cursor_page_of
from posts.models import Bookmark, Post, reader_filter


@login_required
@require_GET
def bookmarks(request):
    """Keyset-paged on the bookmark rows' own (created, id) (posts_bookmark_member_idx),
    so the order is when each was bookmarked; the page's posts then come in one query by
    key. A post deleted since, or whose author closed their account or is blocked either
    way, drops out of the list (its bookmark row stays, as Mastodon keeps it)."""
    user = request.user
    rows = (
        Bookmark.objects.filter(member=user, post__deleted__isnull=True, post__author__is_active=True)
        .filter(reader_filter(user, mutes=False, words=False, via="post__"))
        .only("id", "created", "post_id")
    )
    page = cursor_page_of(request, rows)
    posts = Post.objects.for_display().in_bulk([row.post_id for row in page])
    page.object_list = [posts[row.post_id] for row in page if row.post_id in posts]
    return render(request, "posts/bookmarks.html", {"page": page, "tab": "bookmarks", "title": _("Bookmarks")})
