import pytest
from django.db import IntegrityError, transaction

from accounts.models import Follow

# Model.objects.create runs no model validation: these errors come from the database itself.


def test_the_database_refuses_the_same_follow_twice(alice, bob):
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(follower=bob, followed=alice)

    assert Follow.objects.filter(follower=bob, followed=alice).count() == 1


def test_the_database_refuses_following_oneself(alice):
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(follower=alice, followed=alice)

    assert not Follow.objects.exists()


def test_a_follow_may_go_both_ways(alice, bob):
    Follow.objects.create(follower=alice, followed=bob)

    assert Follow.objects.count() == 2


def test_deleting_a_member_deletes_their_follows(alice, bob):
    alice.delete()

    assert not Follow.objects.exists()


def test_it_reads_as_follower_to_followed(alice, bob):
    assert str(Follow.objects.get()) == "bob → alice"
