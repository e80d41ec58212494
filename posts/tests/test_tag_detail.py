"""The hashtag page /tags/<tag>/, its follow button, followed tags in home, and trends."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from posts.models import FollowedTag, PostTag, Tag
from posts.services import post_create
from posts.tags import trending_tags

MANY = 25


@pytest.fixture(autouse=True)
def _fresh_trends():
    cache.delete("posts:trending-tags")


def test_it_lists_the_tags_posts_newest_first_with_the_count(alice, bob, bob_client):
    first = post_create(author=alice, body="first #Tea")
    second = post_create(author=bob, body="second #tea")
    post_create(author=alice, body="#coffee only")

    response = bob_client.get("/tags/tea/")

    assert response.status_code == 200
    assert [post.pk for post in response.context["page"]] == [second.pk, first.pk]
    assert response.context["count"] == 2
    assert "2 posts" in response.text and "Follow hashtag" in response.text


def test_any_spelling_of_the_tag_redirects_to_its_page(bob_client):
    response = bob_client.get("/tags/CAF%C3%89/")
    assert response.status_code == 301 and response["Location"] == "/tags/caf%C3%A9/"


@pytest.mark.parametrize("tag", ["12", "not a tag", "a" * 101, "%00", "a%2Fb"])
def test_what_is_no_tag_is_a_404(bob_client, tag):
    assert bob_client.get(f"/tags/{tag}/").status_code == 404


def test_an_unused_tag_has_an_empty_page_that_can_be_followed(bob_client):
    response = bob_client.get("/tags/nobody/")
    assert response.status_code == 200 and response.context["count"] == 0
    assert "No posts with this hashtag yet." in response.text


def test_posts_of_closed_accounts_are_left_out(alice, charlie, bob_client):
    post_create(author=charlie, body="#tea")
    charlie.is_active = False
    charlie.save()
    response = bob_client.get("/tags/tea/")
    assert list(response.context["page"]) == [] and response.context["count"] == 0


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get("/tags/tea/").status_code == 302
    assert client.post("/tags/tea/follow/").status_code == 302


def test_follow_and_unfollow_are_posts_and_idempotent(bob, bob_client):
    assert bob_client.get("/tags/tea/follow/").status_code == 405
    assert bob_client.post("/tags/Tea/follow/").status_code == 302
    assert bob_client.post("/tags/tea/follow/").status_code == 302
    assert list(FollowedTag.objects.values_list("user__username", "tag__name")) == [("bob", "tea")]
    assert "Unfollow hashtag" in bob_client.get("/tags/tea/").text

    assert bob_client.post("/tags/tea/unfollow/").status_code == 302
    assert not FollowedTag.objects.exists()
    assert bob_client.post("/tags/never-used/unfollow/").status_code == 404


def test_followed_tags_posts_join_home_once(alice, bob, charlie, bob_client):
    post_create(author=charlie, body="#tea from a stranger")
    both = post_create(author=alice, body="#tea from someone bob follows")
    post_create(author=charlie, body="#coffee from a stranger")
    bob_client.post("/tags/tea/follow/")

    bodies = [post.body for post in bob_client.get("/").context["page"]]

    assert bodies == [both.body, "#tea from a stranger"]


def test_the_tag_page_is_constant_in_queries(alice, bob_client, django_assert_num_queries, settings):
    settings.PAGE_SIZE = MANY
    post_create(author=alice, body="#tea")
    bob_client.get("/tags/tea/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        bob_client.get("/tags/tea/")
    for member in UserFactory.create_batch(MANY - 1):
        post_create(author=member, body="#tea @alice #more https://example.com")

    with django_assert_num_queries(len(one)):
        response = bob_client.get("/tags/tea/")
    assert response.text.count('<article class="post ') == MANY


def test_trends_count_distinct_authors_in_the_last_day(alice, bob, charlie, django_assert_num_queries):
    post_create(author=alice, body="#tea")
    post_create(author=alice, body="#tea again")
    post_create(author=alice, body="#coffee")
    post_create(author=bob, body="#coffee")
    old = post_create(author=charlie, body="#old")
    PostTag.objects.filter(post=old).update(created=timezone.now() - datetime.timedelta(hours=25))

    with django_assert_num_queries(1):
        assert trending_tags() == [{"name": "coffee", "authors": 2}, {"name": "tea", "authors": 1}]
    with django_assert_num_queries(0):  # cached
        trending_tags()


def test_explore_shows_trending_tags(alice, bob_client):
    post_create(author=alice, body="#tea")
    response = bob_client.get(reverse("posts:explore"))
    assert 'href="/tags/tea/"' in response.text and "Trending tags" in response.text


def test_a_post_with_a_300_character_hashtag_is_refused_with_a_message(alice_client):
    response = alice_client.post("/", {"body": "#" + "a" * 270}, follow=True)
    assert "Hashtags can be at most 100 characters" in response.text
    assert not Tag.objects.exists()


def test_home_pages_through_followed_tags_and_authors_without_gaps(alice, bob, charlie, bob_client, settings):
    # On PostgreSQL this runs timeline_narrowing's LATERAL over both authors and tags.
    settings.PAGE_SIZE = 2
    expected = []
    for n in range(7):
        author = (alice, charlie, bob)[n % 3]
        post = post_create(author=author, body=f"{n} #tea" if author == charlie or n == 0 else f"{n}")
        expected.insert(0, post.pk)
    bob_client.post("/tags/tea/follow/")
    seen, url = [], "/"
    while url:
        page = bob_client.get(url).context["page"]
        seen += [post.pk for post in page]
        url = "/" + page.older_query if page.has_next else ""
    assert seen == expected
