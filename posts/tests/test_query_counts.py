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
    settings.PAGE_SIZE = MANY


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


def test_home_with_boosts_replies_and_quotes_stays_constant(alice, bob, bob_client, django_assert_num_queries):
    from posts.services import post_boost, post_create, post_like

    url = reverse("posts:home")
    # One boost of a quote: a page holding any reads the boosts' originals and the quoted
    # posts in one query more (posts.models.display_related_attach), however many it holds.
    post_boost(member=alice, post=post_create(author=UserFactory(), body="quoted", quote_of=PostFactory()))
    with_one_post = _queries_for(bob_client, url)

    authors = UserFactory.create_batch(MANY - 1)
    Follow.objects.bulk_create(Follow(follower=bob, followed=author) for author in authors)
    for i, author in enumerate(authors):
        original = PostFactory()
        if i % 3 == 0:
            post_boost(member=author, post=original)
        elif i % 3 == 1:
            post_create(author=author, body="quoting", quote_of=original)
        else:
            post_like(member=bob, post=post_create(author=author, body="answer", in_reply_to=PostFactory(author=alice)))

    _assert_same_count_with_many(bob_client, url, with_one_post, django_assert_num_queries)


def test_post_page_queries_do_not_grow_with_a_50_reply_thread(alice, bob, bob_client, django_assert_num_queries):
    from posts.services import post_create, post_like

    root = PostFactory(author=alice)
    post = post_create(author=bob, body="focus", in_reply_to=root)
    url = post.get_absolute_url()
    post_create(author=alice, body="one reply", in_reply_to=post)
    with_one_reply = _queries_for(bob_client, url)

    # 50 replies in all: 24 more direct ones and 25 answers to them, liked by the reader, and
    # 10 posts above it in the thread.
    parent = root
    for _ in range(10):
        parent = post_create(author=UserFactory(), body="above", in_reply_to=parent)
    deep = post_create(author=bob, body="deep focus", in_reply_to=parent)
    replies = [post_create(author=UserFactory(), body="reply", in_reply_to=deep) for _ in range(MANY)]
    for reply in replies:
        post_like(member=bob, post=reply)
    for reply in replies[:MANY]:
        post_create(author=UserFactory(), body="answer", in_reply_to=reply)
    bob_client.get(deep.get_absolute_url())

    with django_assert_num_queries(with_one_reply):
        response = bob_client.get(deep.get_absolute_url())
    assert response.text.count('<article class="post ') == 11 + 1 + MANY + MANY
