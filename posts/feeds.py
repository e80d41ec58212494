"""RSS and Atom feeds of a member's posts (Django's syndication framework).

The site is members-only: profiles need a log-in, and so do their feeds unless the
operator opens them with PUBLIC_FEEDS (feed readers cannot log in). A closed account has
no feed. A tag's feeds (TagPostsFeed) follow the same rules: its newest visible posts."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from accounts.models import User
from core.site import current_site
from posts.models import Post, Tag
from posts.tags import tag_name_clean

# Posts per feed: readers poll often and keep what they saw.
FEED_ITEMS = 20


class MemberPostsFeed(Feed):
    def __call__(self, request, *args, **kwargs):
        # A members-only site (core.site) keeps its feeds to members, whatever PUBLIC_FEEDS says.
        if not (request.user.is_authenticated or (settings.PUBLIC_FEEDS and current_site().public)):
            # As for a missing member: nothing tells an outsider who has an account.
            raise Http404
        response = super().__call__(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response

    def get_object(self, request, username):
        return get_object_or_404(User, username__iexact=username, is_active=True)

    def title(self, member):
        return _("Posts by %(username)s") % {"username": member.username}

    def link(self, member):
        return member.get_absolute_url()

    def description(self, member):
        return member.about_me or self.title(member)

    def items(self, member):
        return Post.objects.by_author(member)[:FEED_ITEMS]

    def item_title(self, post):
        # Posts have no title: the start of the body stands in (feed readers need one).
        return post.body if len(post.body) <= 80 else post.body[:79] + "…"

    def item_description(self, post):
        return post.body  # escaped by the feed generator

    def item_link(self, post):
        return f"{post.author.get_absolute_url()}#post-{post.pk}"

    def item_guid(self, post):
        return f"post-{post.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, post):
        return post.created

    def item_author_name(self, post):
        return post.author.username


class MemberPostsAtomFeed(MemberPostsFeed):
    feed_type = Atom1Feed
    subtitle = MemberPostsFeed.description


class TagPostsFeed(MemberPostsFeed):
    """A hashtag's newest posts (/tags/<name>/rss/, /atom/). A tag nobody used yet has
    an empty feed, as its page is empty; a name that is no hashtag is a 404."""

    def get_object(self, request, tag):
        name = tag_name_clean(tag)
        if name is None:
            raise Http404
        return name

    def title(self, name):
        return _("Posts tagged #%(tag)s") % {"tag": name}

    def link(self, name):
        return reverse("posts:tag", args=[name])

    def description(self, name):
        return self.title(name)

    def items(self, name):
        found = Tag.objects.filter(name=name).first()
        if found is None:
            return []
        return Post.objects.tagged(found)[:FEED_ITEMS]


class TagPostsAtomFeed(TagPostsFeed):
    feed_type = Atom1Feed
    subtitle = TagPostsFeed.description
