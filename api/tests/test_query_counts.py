"""Every API list runs the same few queries for one row or a full page: the
token lookup, a COUNT, the page itself, plus the member lookup for a member's
lists. Lists of members add one query counting posts and follows for the
members whose counts are not cached yet (posts.counts), and none once they are."""

import pytest

from accounts.models import Follow
from accounts.tests.factories import UserFactory
from messaging.models import Notification
from messaging.services import notification_set
from messaging.tests.factories import MessageFactory
from posts.tests.factories import PostFactory

MANY = 30


def _narrowing_look() -> int:
    from django.db import connection

    return 1 if connection.vendor == "postgresql" else 0


def _assert_queries(client, url, expected, rows, django_assert_num_queries):
    with django_assert_num_queries(expected):
        response = client.get(url, {"per_page": 100})
    assert response.status_code == 200
    assert len(response.json()["items"]) == rows


def _assert_member_list_queries(client, url, expected, rows, django_assert_num_queries):
    """`expected` queries with the counts cache cold, one fewer once it is warm."""
    _assert_queries(client, url, expected, rows, django_assert_num_queries)
    _assert_queries(client, url, expected - 1, rows, django_assert_num_queries)


def _followers_of(member, count):
    for follower in UserFactory.create_batch(count):
        Follow.objects.create(follower=follower, followed=member)
        PostFactory(author=follower)


@pytest.mark.parametrize("rows", [1, MANY])
def test_users(alice_api, alice, rows, django_assert_num_queries):
    UserFactory.create_batch(rows - 1)
    PostFactory.create_batch(3, author=alice)
    _assert_member_list_queries(alice_api, "/api/users", 4, rows, django_assert_num_queries)


@pytest.mark.parametrize("rows", [1, MANY])
def test_followers(charlie_api, charlie, rows, django_assert_num_queries):
    _followers_of(charlie, rows)
    _assert_member_list_queries(charlie_api, f"/api/users/{charlie.pk}/followers", 5, rows, django_assert_num_queries)


@pytest.mark.parametrize("rows", [1, MANY])
def test_following(charlie_api, charlie, rows, django_assert_num_queries):
    for member in UserFactory.create_batch(rows):
        Follow.objects.create(follower=charlie, followed=member)
    _assert_member_list_queries(charlie_api, f"/api/users/{charlie.pk}/following", 5, rows, django_assert_num_queries)


@pytest.mark.parametrize("rows", [1, MANY])
def test_explore(charlie_api, charlie, rows, django_assert_num_queries):
    PostFactory.create_batch(rows)  # each by a new member
    # The token, the count, the page, what the reader liked and boosted on it, its images.
    _assert_queries(charlie_api, "/api/posts", 5, rows, django_assert_num_queries)


@pytest.mark.parametrize("rows", [1, MANY])
def test_timeline(charlie_api, charlie, rows, django_assert_num_queries):
    for author in UserFactory.create_batch(rows):
        Follow.objects.create(follower=charlie, followed=author)
        PostFactory(author=author)
    # On PostgreSQL the home narrowing first looks whether the follows fit its walk: one more.
    _assert_queries(charlie_api, "/api/timeline", 5 + _narrowing_look(), rows, django_assert_num_queries)


@pytest.mark.parametrize("rows", [1, MANY])
def test_timeline_with_boosts_and_quotes(charlie_api, charlie, rows, django_assert_num_queries):
    from posts.services import post_boost, post_create

    for author in UserFactory.create_batch(rows):
        Follow.objects.create(follower=charlie, followed=author)
        post_boost(member=author, post=post_create(author=UserFactory(), body="quoted", quote_of=PostFactory()))
    # One more than a page of plain posts: the boosts' originals and quoted posts, for the whole page.
    _assert_queries(charlie_api, "/api/timeline", 6 + _narrowing_look(), rows, django_assert_num_queries)


@pytest.mark.parametrize("rows", [1, MANY])
def test_replies(charlie_api, alice, rows, django_assert_num_queries):
    from posts.services import post_create

    post = PostFactory(author=alice)
    for author in UserFactory.create_batch(rows):
        post_create(author=author, body="reply", in_reply_to=post)
    # The token, the post, the count, the page, the reader's flags, the images.
    _assert_queries(charlie_api, f"/api/posts/{post.pk}/replies", 6, rows, django_assert_num_queries)


@pytest.mark.parametrize("rows", [1, MANY])
def test_a_members_posts(charlie_api, alice, rows, django_assert_num_queries):
    PostFactory.create_batch(rows, author=alice)
    _assert_queries(charlie_api, f"/api/users/{alice.pk}/posts", 6, rows, django_assert_num_queries)


@pytest.mark.parametrize("rows", [1, MANY])
def test_messages(alice_api, alice, rows, django_assert_num_queries):
    MessageFactory.create_batch(rows, recipient=alice)  # each from a new member
    _assert_queries(alice_api, "/api/messages", 3, rows, django_assert_num_queries)


@pytest.mark.parametrize("rows", [1, 2])
def test_notifications(alice_api, alice, rows, django_assert_num_queries):
    for name in [Notification.UNREAD_MESSAGE_COUNT, Notification.JOB_PROGRESS][:rows]:
        notification_set(user=alice, name=name, payload={})
    _assert_queries(alice_api, "/api/notifications", 3, rows, django_assert_num_queries)


def test_a_member(charlie_api, alice, django_assert_num_queries):
    _followers_of(alice, 5)
    with django_assert_num_queries(3):  # the token, alice, her counts
        assert charlie_api.get(f"/api/users/{alice.pk}").json()["follower_count"] == 5
    with django_assert_num_queries(2):  # the counts are cached now
        assert charlie_api.get(f"/api/users/{alice.pk}").json()["follower_count"] == 5
