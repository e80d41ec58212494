"""A member's post, follower and following counts are cached (posts.counts), yet
every change a member or moderator makes shows on the next page view."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Follow, User
from accounts.services import members_deactivate
from accounts.tests.factories import UserFactory
from posts.models import Post
from posts.tests.factories import PostFactory

# A count, plain or a link to its list (the followers and following).
STAT = re.compile(r'<(?:div|a) class="stat[^"]*"[^>]*><strong>(\d+)</strong>')


def profile_counts(client, member) -> tuple[int, int, int]:
    """(posts, followers, following) as the profile page shows them."""
    response = client.get(reverse("posts:user", args=[member.username]))
    assert response.status_code == 200
    posts, followers, following = (int(n) for n in STAT.findall(response.text))
    return posts, followers, following


def test_the_profile_counts_posts_followers_and_following(alice, bob, charlie, charlie_client):
    PostFactory.create_batch(3, author=alice)
    Follow.objects.create(follower=alice, followed=charlie)

    assert profile_counts(charlie_client, alice) == (3, 1, 1)
    assert profile_counts(charlie_client, bob) == (0, 0, 1)


def test_a_new_post_shows_in_the_count_at_once(alice, alice_client, charlie_client):
    assert profile_counts(charlie_client, alice) == (0, 0, 0)  # now cached

    alice_client.post(reverse("posts:home"), {"body": "Counted at once."})

    assert profile_counts(charlie_client, alice) == (1, 0, 0)


def test_a_deleted_post_leaves_the_count_at_once(alice, charlie_client):
    post = PostFactory(author=alice)
    assert profile_counts(charlie_client, alice)[0] == 1

    post.delete()

    assert profile_counts(charlie_client, alice)[0] == 0


def test_follow_and_unfollow_change_both_members_counts_at_once(alice, charlie, charlie_client, alice_client):
    assert profile_counts(alice_client, alice)[1] == 0
    assert profile_counts(alice_client, charlie)[2] == 0

    charlie_client.post(reverse("accounts:follow", args=["alice"]))
    assert profile_counts(alice_client, alice)[1] == 1
    assert profile_counts(alice_client, charlie)[2] == 1

    charlie_client.post(reverse("accounts:unfollow", args=["alice"]))
    assert profile_counts(alice_client, alice)[1] == 0
    assert profile_counts(alice_client, charlie)[2] == 0


def test_deactivating_a_follower_drops_them_from_the_counts_at_once(alice, bob, charlie, charlie_client):
    Follow.objects.create(follower=alice, followed=charlie)
    assert profile_counts(charlie_client, alice) == (0, 1, 1)  # bob follows alice, alice follows charlie

    members_deactivate(members=User.objects.filter(pk=bob.pk))
    assert profile_counts(charlie_client, alice) == (0, 0, 1)

    bob.refresh_from_db()
    bob.is_active = True
    bob.save()  # a moderator reactivates bob in the admin
    assert profile_counts(charlie_client, alice) == (0, 1, 1)


def test_deleting_a_member_drops_them_from_the_counts_at_once(alice, bob, charlie_client):
    assert profile_counts(charlie_client, alice)[1] == 1

    bob.delete()

    assert profile_counts(charlie_client, alice)[1] == 0


def test_counts_are_read_from_the_cache_once_counted(alice, bob, charlie_client):
    url = reverse("posts:user", args=["alice"])
    charlie_client.get(url)
    with CaptureQueriesContext(connection) as cold:
        charlie_client.get(url)
    charlie_client.get(url)
    with CaptureQueriesContext(connection) as warm:
        charlie_client.get(url)
    assert len(warm) == len(cold)
    assert not any("COUNT(" in query["sql"] for query in warm.captured_queries)


def test_editing_a_profile_keeps_other_members_counts_cached(alice, bob, alice_client, charlie_client):
    profile_counts(charlie_client, bob)  # cached
    alice_client.post(reverse("accounts:profile-edit"), {"username": "alice", "about_me": "Now about coffee."})

    with CaptureQueriesContext(connection) as queries:
        assert profile_counts(charlie_client, bob) == (0, 0, 1)
    assert not any("COUNT(" in query["sql"] for query in queries.captured_queries)


@pytest.mark.parametrize("seconds", [0, 600])
def test_counts_are_right_with_or_without_the_cache(settings, alice, bob, charlie_client, seconds):
    settings.MEMBER_COUNTS_CACHE_SECONDS = seconds
    Post.objects.bulk_create(Post(author=alice, body=f"Post {n}") for n in range(4))  # no signals
    Follow.objects.bulk_create(Follow(follower=member, followed=alice) for member in UserFactory.create_batch(2))

    assert profile_counts(charlie_client, alice) == (4, 3, 0)
