"""Every timeline runs the same number of queries whatever the number of rows:
no template or property fires a query per post or per author."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Follow
from accounts.tests.factories import UserFactory
from posts.tests.factories import PostFactory

MANY = 25


@pytest.fixture(autouse=True)
def _one_page_holds_every_post(settings):
    settings.POSTS_PER_PAGE = MANY


def _queries_for(client, url):
    # The first request may write last_seen (once per interval); measure the steady state.
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _assert_same_count_with_many(client, url, expected, django_assert_num_queries):
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.text.count('<article class="post ') == MANY


def _posts_by_followed_strangers(follower, count):
    """`count` posts, each by a different member whom `follower` follows."""
    authors = UserFactory.create_batch(count)
    Follow.objects.bulk_create(Follow(follower=follower, followed=author) for author in authors)
    for author in authors:
        PostFactory(author=author)


def test_home_queries_do_not_grow_with_posts_or_authors(alice, bob, bob_client, django_assert_num_queries):
    url = reverse("posts:home")
    PostFactory(author=alice)
    with_one_post = _queries_for(bob_client, url)

    _posts_by_followed_strangers(bob, MANY - 1)

    _assert_same_count_with_many(bob_client, url, with_one_post, django_assert_num_queries)


def test_explore_queries_do_not_grow_with_posts_or_authors(alice, bob, bob_client, django_assert_num_queries):
    url = reverse("posts:explore")
    PostFactory(author=alice)
    with_one_post = _queries_for(bob_client, url)

    PostFactory.create_batch(MANY - 1)  # each by a new member

    _assert_same_count_with_many(bob_client, url, with_one_post, django_assert_num_queries)


def test_profile_queries_do_not_grow_with_posts_or_followers(alice, bob, bob_client, django_assert_num_queries):
    url = reverse("posts:user", args=["alice"])
    PostFactory(author=alice)
    with_one_post = _queries_for(bob_client, url)

    PostFactory.create_batch(MANY - 1, author=alice)
    Follow.objects.bulk_create(Follow(follower=member, followed=alice) for member in UserFactory.create_batch(5))
    bob_client.get(url)  # the new posts dropped alice's cached counts: count them again first

    _assert_same_count_with_many(bob_client, url, with_one_post, django_assert_num_queries)
