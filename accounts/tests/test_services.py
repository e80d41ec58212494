import pytest

from accounts.models import Follow
from accounts.services import FollowError, follow_create, follow_delete


def test_follow_create_makes_a_member_follow_another(alice, charlie):
    follow = follow_create(follower=charlie, followed=alice)

    assert Follow.objects.get() == follow
    assert (follow.follower, follow.followed) == (charlie, alice)


def test_follow_create_refuses_following_oneself(alice):
    with pytest.raises(FollowError, match="You cannot follow yourself."):
        follow_create(follower=alice, followed=alice)

    assert not Follow.objects.exists()


def test_follow_create_refuses_following_twice(alice, bob):
    with pytest.raises(FollowError, match="You are already following alice."):
        follow_create(follower=bob, followed=alice)

    # The savepoint kept the transaction usable after the database refused the row.
    assert Follow.objects.filter(follower=bob, followed=alice).count() == 1


def test_follow_delete_stops_following(alice, bob):
    follow_delete(follower=bob, followed=alice)

    assert not Follow.objects.exists()


def test_follow_delete_refuses_when_not_following(alice, charlie):
    with pytest.raises(FollowError, match="You are not following alice."):
        follow_delete(follower=charlie, followed=alice)


def test_follow_delete_leaves_the_other_direction_alone(alice, bob):
    Follow.objects.create(follower=alice, followed=bob)

    follow_delete(follower=alice, followed=bob)

    assert Follow.objects.filter(follower=bob, followed=alice).exists()
