"""Who to follow (accounts.suggestions): the most followed members the reader does not
follow yet, from a shared cache: one query for a member's picks, then none until they
follow, block or mute someone."""

from accounts.models import Follow
from accounts.services import block_create, block_delete, follow_create, follow_delete, mute_create
from accounts.suggestions import suggested_members
from accounts.tests.factories import UserFactory


def _followers(member, count):
    for fan in UserFactory.create_batch(count):
        Follow.objects.create(follower=fan, followed=member)


def test_the_most_followed_members_come_first_never_oneself_nor_those_followed(alice, bob, charlie):
    star, rising = UserFactory(username="star"), UserFactory(username="rising")
    _followers(star, 3)
    _followers(rising, 2)
    _followers(charlie, 1)

    picks = [member["username"] for member in suggested_members(bob, count=3)]

    # bob follows alice (the fixtures): never suggested; nor is bob himself.
    assert picks == ["star", "rising", "charlie"]


def test_following_someone_takes_them_out_of_the_suggestions_at_once(bob, charlie):
    _followers(charlie, 2)
    assert "charlie" in [member["username"] for member in suggested_members(bob)]

    follow_create(follower=bob, followed=charlie)

    assert "charlie" not in [member["username"] for member in suggested_members(bob)]


def test_cached_candidates_cost_one_query_and_cached_picks_none(alice, bob, charlie, django_assert_num_queries):
    suggested_members(bob)  # fills the candidates' cache
    with django_assert_num_queries(1):
        assert suggested_members(charlie)
    with django_assert_num_queries(0):
        assert suggested_members(charlie)


def _picks(member):
    return [pick["username"] for pick in suggested_members(member)]


def test_unfollowing_brings_someone_back_at_once(bob, charlie):
    _followers(charlie, 2)
    follow_create(follower=bob, followed=charlie)
    assert "charlie" not in _picks(bob)

    follow_delete(follower=bob, followed=charlie)

    assert "charlie" in _picks(bob)


def test_a_block_either_way_and_a_mute_take_someone_out_at_once(alice, bob, charlie):
    _followers(charlie, 2)
    _followers(bob, 2)
    assert "charlie" in _picks(bob) and "bob" in _picks(charlie)

    block_create(blocker=charlie, blocked=bob)
    # Neither is offered to the other, whoever blocked whom.
    assert "charlie" not in _picks(bob) and "bob" not in _picks(charlie)

    block_delete(blocker=charlie, blocked=bob)
    assert "charlie" in _picks(bob)
    mute_create(muter=bob, muted=charlie)
    assert "charlie" not in _picks(bob)


def test_deactivated_members_are_not_suggested(bob, charlie):
    _followers(charlie, 2)
    charlie.is_active = False
    charlie.save()

    assert "charlie" not in [member["username"] for member in suggested_members(bob)]
