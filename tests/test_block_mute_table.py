"""The block/mute table (issue 18): for every place one member's content reaches
another, a blocked member's and a muted member's content is there before and gone
after, in both directions where the rule says so. One world per row of `MODES`:

- block: the reader blocked the author;
- blocked: the author blocked the reader (the reader is the blocked one);
- mute: the reader muted the author (notifications too).

The author's username ("zebra") is in everything they make, so "zebra" not on the
page means none of it reached the reader."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import block_create, follow_create, mute_create
from accounts.tests.factories import UserFactory
from api.services import token_issue
from api.tests.mastodon_helpers import client_with, token_for
from messaging.services import message_send
from posts.services import post_boost, post_create, post_like

pytestmark = pytest.mark.django_db

MARK = "zebra"

# place: (how the reader reads it, which modes hide the author there). A mute hides
# posts and notifications, not the member: their profile, popover and messages stay.
BLOCKS = {"block", "blocked"}
ALL = {"block", "blocked", "mute"}
PLACES = {
    "home": (lambda w: w.page("posts:home"), ALL),
    "explore": (lambda w: w.page("posts:explore"), ALL),
    "tag page": (lambda w: w.page("posts:tag", "savanna"), ALL),
    "thread (friend's post page)": (lambda w: w.page("posts:post", "friend", w.friend_post.pk), ALL),
    "the author's post page": (lambda w: w.page("posts:post", MARK, w.original.pk), BLOCKS),
    "the author's profile posts": (lambda w: w.page("posts:user", MARK, strip_header=True), BLOCKS),
    "search (posts)": (lambda w: w.page("search:search", query={"q": "stripes"}), ALL),
    "search (people)": (lambda w: w.page("search:search", query={"q": "@zeb"}), BLOCKS),
    "popover": (lambda w: w.page("accounts:popover", MARK), BLOCKS),
    "notifications": (lambda w: w.page("posts:notifications"), ALL),
    "mentions": (lambda w: w.page("posts:notifications", query={"filter": "mentions"}), ALL),
    "messages": (lambda w: w.page("messaging:inbox"), BLOCKS),
    "API timeline": (lambda w: w.api("api:timeline"), ALL),
    "API posts (explore)": (lambda w: w.api("api:post-list"), ALL),
    "API tag posts": (lambda w: w.api("api:tag-posts", "savanna"), ALL),
    "API replies": (lambda w: w.api("api:post-replies", w.friend_post.pk), ALL),
    "API user posts": (lambda w: w.api("api:user-posts", w.author.pk), BLOCKS),
    "API messages": (lambda w: w.api("api:message-list"), BLOCKS),
    "API notices": (lambda w: w.api("api:notice-list"), ALL),
    "Mastodon home": (lambda w: w.mastodon("mastodon:timeline-home"), ALL),
    "Mastodon public": (lambda w: w.mastodon("mastodon:timeline-public"), ALL),
    "Mastodon tag": (lambda w: w.mastodon("mastodon:timeline-tag", "savanna"), ALL),
    "Mastodon notifications": (lambda w: w.mastodon("mastodon:notifications"), ALL),
    "Mastodon context": (lambda w: w.mastodon("mastodon:status-context", w.friend_post.pk), ALL),
    "Mastodon account statuses": (lambda w: w.mastodon("mastodon:account-statuses", w.author.pk), BLOCKS),
    "Mastodon search": (lambda w: w.mastodon("mastodon:search", query={"q": "zeb", "type": "accounts"}), BLOCKS),
}
MODES = ["block", "blocked", "mute"]


class World:
    """The reader, the author ("zebra") and a friend both follow, and the author's content."""

    def __init__(self, capture):
        self.reader = UserFactory(username="reader")
        self.author = UserFactory(username=MARK, about_me="Stripes all day.")
        self.friend = UserFactory(username="friend")
        with capture(execute=True):  # the search index and notices, as after a commit
            for a, b in [
                (self.reader, self.author),
                (self.reader, self.friend),
                (self.author, self.reader),
                (self.friend, self.author),
                (self.author, self.friend),
            ]:
                follow_create(follower=a, followed=b)
            mine = post_create(author=self.reader, body="Reader's own thoughts.")
            self.friend_post = post_create(author=self.friend, body="The friend asks.")
            self.original = post_create(author=self.author, body="Stripes are great #savanna")
            post_create(author=self.author, body="Stripes answer", in_reply_to=self.friend_post)
            post_create(author=self.author, body="Stripes for you", in_reply_to=mine)
            post_create(author=self.author, body="Hello @reader, stripes")
            post_create(author=self.friend, body="Look at this", quote_of=self.original)
            post_boost(member=self.friend, post=self.original)
            post_like(member=self.author, post=mine)
            message_send(sender=self.author, recipient=self.reader, body="Stripes by mail")
        self.client = Client()
        self.client.force_login(self.reader)
        self.api_client = APIClient()
        self.api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=self.reader)}")
        self.mastodon_client = client_with(token_for(self.reader))

    def page(self, name, *args, query=None, strip_header=False):
        response = self.client.get(reverse(name, args=args), query)
        text = response.text
        if strip_header:
            # The profile's header (and its forms' next=) name the member whose page it is:
            # only its post list counts.
            text = text.split('aria-label="Posts"', 1)[-1].split("</section>", 1)[0]
        return text

    def api(self, name, *args):
        return self.api_client.get(reverse(name, args=args)).content.decode()

    def mastodon(self, name, *args, query=None):
        return self.mastodon_client.get(reverse(name, args=args), query).content.decode()


@pytest.mark.parametrize("mode", MODES)
def test_a_blocked_or_muted_members_content_reaches_no_place(mode, django_capture_on_commit_callbacks):
    world = World(django_capture_on_commit_callbacks)
    before = {place: MARK in read(world) for place, (read, _modes) in PLACES.items()}
    assert [place for place, shown in before.items() if not shown] == [], "the author's content must show first"
    if mode == "block":
        block_create(blocker=world.reader, blocked=world.author)
    elif mode == "blocked":
        block_create(blocker=world.author, blocked=world.reader)
    else:
        mute_create(muter=world.reader, muted=world.author)
    leaks = [place for place, (read, modes) in PLACES.items() if mode in modes and MARK in read(world)]
    assert leaks == []
    # A mute hides the member's posts, not the member.
    kept = [place for place, (read, modes) in PLACES.items() if mode not in modes and MARK not in read(world)]
    assert kept == []
