import hashlib

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Follow, User


def _create_user(**fields):
    # A savepoint, so the failed INSERT leaves the test's transaction usable.
    with transaction.atomic():
        return User.objects.create(**fields)


def test_it_refuses_a_username_that_differs_only_in_case(alice):
    with pytest.raises(IntegrityError):
        _create_user(username="ALICE", email="another@example.com")


def test_it_refuses_an_email_that_differs_only_in_case(alice):
    with pytest.raises(IntegrityError):
        _create_user(username="alice2", email="Alice@Example.COM")


def test_it_lets_blank_emails_repeat(db):
    _create_user(username="first", email="")
    _create_user(username="second", email="")

    assert User.objects.filter(email="").count() == 2


def test_it_links_the_gravatar_identicon_when_gravatar_is_enabled(alice, settings):
    settings.GRAVATAR_ENABLED = True
    alice.email = "  Alice@Example.com "
    digest = hashlib.md5(b"alice@example.com").hexdigest()

    assert alice.avatar_url(64) == f"https://www.gravatar.com/avatar/{digest}?d=identicon&s=64"


def test_it_links_the_local_identicon_when_gravatar_is_disabled(alice, settings):
    settings.GRAVATAR_ENABLED = False

    assert alice.avatar_url() == "/user/alice/identicon.svg"


def test_touch_last_seen_stores_the_current_time(alice):
    before = timezone.now()

    alice.touch_last_seen()

    stored = User.objects.get(pk=alice.pk).last_seen
    assert stored == alice.last_seen
    assert before <= stored <= timezone.now()


def test_get_by_natural_key_ignores_case(alice):
    assert User.objects.get_by_natural_key("ALICE") == alice


def test_with_follow_counts_counts_followers_and_followed_in_one_query(alice, bob, charlie, django_assert_num_queries):
    Follow.objects.create(follower=charlie, followed=alice)

    with django_assert_num_queries(1):
        counts = {u.username: (u.follower_count, u.following_count) for u in User.objects.with_follow_counts()}

    assert counts == {"alice": (2, 0), "bob": (0, 1), "charlie": (0, 1)}


def test_with_is_followed_by_marks_the_members_a_user_follows(alice, bob, charlie):
    followed = dict(User.objects.with_is_followed_by(bob).values_list("username", "is_followed"))

    assert followed == {"alice": True, "bob": False, "charlie": False}


def test_with_is_followed_by_marks_nobody_for_an_anonymous_visitor(alice, bob):
    followed = dict(User.objects.with_is_followed_by(AnonymousUser()).values_list("username", "is_followed"))

    assert followed == {"alice": False, "bob": False}


def test_follow_counts_leave_out_deactivated_members(alice, bob, charlie):
    Follow.objects.create(follower=charlie, followed=alice)
    Follow.objects.create(follower=alice, followed=charlie)
    charlie.is_active = False
    charlie.save(update_fields=["is_active"])
    counted = User.objects.with_follow_counts().get(pk=alice.pk)
    assert (counted.follower_count, counted.following_count) == (1, 0)
