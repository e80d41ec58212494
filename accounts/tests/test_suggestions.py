"""Who to follow (accounts.suggestions): the most followed members the reader does not
follow yet, from a shared cache, for one query per page."""

from accounts.models import Follow
from accounts.services import follow_create
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


def test_cached_candidates_cost_one_query(alice, bob, charlie, django_assert_num_queries):
    suggested_members(bob)  # fills the cache
    with django_assert_num_queries(1):
        assert suggested_members(charlie)


def test_deactivated_members_are_not_suggested(bob, charlie):
    _followers(charlie, 2)
    charlie.is_active = False
    charlie.save()

    assert "charlie" not in [member["username"] for member in suggested_members(bob)]
