"""A hashtag's RSS and Atom feeds (posts.feeds.TagPostsFeed), parsed back with feedparser,
and the tag page that links them."""

import feedparser
import pytest
from django.urls import reverse

from posts.services import post_create, post_delete

FEEDS = [("posts:tag-rss", "rss20"), ("posts:tag-atom", "atom10")]


@pytest.mark.parametrize("name, version", FEEDS)
def test_it_lists_the_tags_newest_visible_posts(alice, bob, charlie_client, name, version):
    old = post_create(author=alice, body="Green #tea <b>first</b> & more")
    post_create(author=bob, body="No tag here")
    deleted = post_create(author=bob, body="gone #tea")
    post_delete(post=deleted)
    new = post_create(author=bob, body="Oolong #Tea too")

    response = charlie_client.get(reverse(name, args=["tea"]))
    feed = feedparser.parse(response.content)

    assert response.status_code == 200
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == version
    assert feed.feed.title == "Posts tagged #tea"
    assert feed.feed.link.endswith("/tags/tea/")
    assert [entry.id for entry in feed.entries] == [f"post-{new.pk}", f"post-{old.pk}"]
    assert feed.entries[1].summary == old.body
    assert [entry.author for entry in feed.entries] == ["bob", "alice"]


@pytest.mark.parametrize("name, _version", FEEDS)
def test_a_tag_nobody_used_has_an_empty_feed_and_a_non_tag_none(alice_client, name, _version):
    empty = feedparser.parse(alice_client.get(reverse(name, args=["unused"])).content)

    assert empty.entries == [] and not empty.bozo
    assert alice_client.get(reverse(name, args=["no such tag!"])).status_code == 404


@pytest.mark.parametrize("name, _version", FEEDS)
def test_visitors_get_it_only_with_public_feeds(alice, client, settings, name, _version):
    post_create(author=alice, body="#tea")

    assert client.get(reverse(name, args=["tea"])).status_code == 404
    settings.PUBLIC_FEEDS = True
    response = client.get(reverse(name, args=["tea"]))
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"


def test_it_holds_twenty_posts_in_a_fixed_number_of_queries(alice, bob_client, django_assert_max_num_queries):
    for number in range(25):
        post_create(author=alice, body=f"cup {number} #tea")

    with django_assert_max_num_queries(6):
        feed = feedparser.parse(bob_client.get(reverse("posts:tag-rss", args=["tea"])).content)

    assert len(feed.entries) == 20


def test_the_tag_page_links_its_feeds_and_asks_the_stream_for_its_posts(alice, alice_client):
    post_create(author=alice, body="#tea")

    page = alice_client.get(reverse("posts:tag", args=["tea"])).content.decode()

    assert f'<link rel="alternate" type="application/rss+xml" href="{reverse("posts:tag-rss", args=["tea"])}"' in page
    assert f'<link rel="alternate" type="application/atom+xml" href="{reverse("posts:tag-atom", args=["tea"])}"' in page
    assert 'data-live-timeline="tag:tea"' in page
    assert 'class="btn btn-primary btn-sm rounded-pill shadow new-posts" hidden' in page
