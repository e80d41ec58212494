"""A member's RSS and Atom feeds (posts.feeds), parsed back with feedparser."""

import feedparser
import pytest
from django.urls import reverse

from posts.tests.factories import PostFactory

FEEDS = ["posts:user-rss", "posts:user-atom"]


@pytest.mark.parametrize("name, version", [("posts:user-rss", "rss20"), ("posts:user-atom", "atom10")])
def test_it_lists_the_members_newest_posts(alice, bob_client, name, version):
    old = PostFactory(author=alice, body="Green tea <b>first</b> & more")
    new = PostFactory(author=alice, body="Oolong " + "x" * 100)

    response = bob_client.get(reverse(name, args=["alice"]))
    feed = feedparser.parse(response.content)

    assert response.status_code == 200
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == version
    assert feed.feed.title == "Posts by alice"
    assert [entry.id for entry in feed.entries] == [f"post-{new.pk}", f"post-{old.pk}"]
    assert feed.entries[1].summary == old.body  # escaped in the XML, the same text back
    assert feed.entries[0].title.endswith("…")
    assert feed.entries[0].link.endswith(f"/user/alice/#post-{new.pk}")
    assert feed.entries[0].author == "alice"


@pytest.mark.parametrize("name", FEEDS)
def test_it_holds_twenty_posts_in_a_fixed_number_of_queries(alice, bob_client, name, django_assert_max_num_queries):
    PostFactory.create_batch(25, author=alice)

    with django_assert_max_num_queries(6):
        feed = feedparser.parse(bob_client.get(reverse(name, args=["alice"])).content)

    assert len(feed.entries) == 20


@pytest.mark.parametrize("name", FEEDS)
def test_a_members_only_site_hides_feeds_from_visitors(alice, client, name):
    assert client.get(reverse(name, args=["alice"])).status_code == 404


@pytest.mark.parametrize("name", FEEDS)
def test_public_feeds_are_readable_without_logging_in(alice, client, settings, name):
    settings.PUBLIC_FEEDS = True
    PostFactory(author=alice)

    response = client.get(reverse(name, args=["alice"]))

    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize("name", FEEDS)
def test_a_closed_account_or_unknown_member_has_no_feed(alice, bob_client, name):
    alice.is_active = False
    alice.save()

    assert bob_client.get(reverse(name, args=["alice"])).status_code == 404
    assert bob_client.get(reverse(name, args=["nobody"])).status_code == 404


def test_the_profile_links_both_feeds(alice, bob_client):
    html = bob_client.get(reverse("posts:user", args=["alice"])).text

    assert (
        f'<link rel="alternate" type="application/rss+xml" href="{reverse("posts:user-rss", args=["alice"])}"' in html
    )
    assert (
        f'<link rel="alternate" type="application/atom+xml" href="{reverse("posts:user-atom", args=["alice"])}"' in html
    )


@pytest.mark.parametrize("name", FEEDS)
def test_it_refuses_post(alice, bob_client, name):
    assert bob_client.post(reverse(name, args=["alice"])).status_code == 405
