from datetime import timedelta

from django.db import connection
from django.utils import timezone

from accounts.models import Follow
from accounts.tests.factories import UserFactory
from posts.models import Post
from posts.tests.factories import PostFactory


def _hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


def test_timeline_holds_own_posts_and_followed_members_posts(alice, bob):
    own = PostFactory(author=bob)
    followed = PostFactory(author=alice)

    assert set(Post.objects.timeline_for(bob)) == {own, followed}


def test_timeline_excludes_strangers_posts(bob, charlie):
    PostFactory(author=charlie)

    assert not Post.objects.timeline_for(bob).exists()


def test_timeline_does_not_include_followers_posts(alice, bob):
    # bob follows alice, not the other way round.
    PostFactory(author=bob)

    assert not Post.objects.timeline_for(alice).exists()


def test_timeline_is_newest_first(alice, bob):
    oldest = PostFactory(author=alice, created=_hours_ago(3))
    newest = PostFactory(author=bob, created=_hours_ago(1))
    middle = PostFactory(author=alice, created=_hours_ago(2))

    assert list(Post.objects.timeline_for(bob)) == [newest, middle, oldest]


def test_timeline_breaks_ties_by_newest_id(alice, bob):
    same_instant = _hours_ago(1)
    first = PostFactory(author=alice, created=same_instant)
    second = PostFactory(author=bob, created=same_instant)

    assert list(Post.objects.timeline_for(bob)) == [second, first]


def test_timeline_hides_posts_of_deactivated_members(alice, bob):
    PostFactory(author=alice)
    alice.is_active = False
    alice.save()

    assert not Post.objects.timeline_for(bob).exists()


def test_the_timeline_count_matches_the_timeline(alice, bob, charlie):
    """Counted another way for speed (the API's page total), it must agree with the
    timeline: own and followed posts, no stranger's, no deactivated member's."""
    Follow.objects.create(follower=bob, followed=charlie)
    PostFactory.create_batch(2, author=bob)
    PostFactory.create_batch(3, author=alice)
    PostFactory.create_batch(4, author=charlie)
    PostFactory(author=UserFactory())  # a stranger
    assert Post.objects.timeline_count_for(bob) == Post.objects.timeline_for(bob).count() == 9

    charlie.is_active = False
    charlie.save()
    assert Post.objects.timeline_count_for(bob) == Post.objects.timeline_for(bob).count() == 5
    assert Post.objects.timeline_count_for(charlie) == Post.objects.timeline_for(charlie).count() == 0


def test_timeline_loads_authors_in_the_same_query(alice, bob, django_assert_num_queries):
    PostFactory(author=alice)
    PostFactory(author=bob)

    with django_assert_num_queries(1):
        assert {post.author.username for post in Post.objects.timeline_for(bob)} == {"alice", "bob"}


def test_by_author_lists_only_that_members_posts_newest_first(alice, charlie):
    older = PostFactory(author=alice, created=_hours_ago(2))
    newer = PostFactory(author=alice, created=_hours_ago(1))
    PostFactory(author=charlie)

    assert list(Post.objects.by_author(alice)) == [newer, older]


def test_explore_order_is_everyones_posts_newest_first_ties_by_id(alice, charlie):
    same_instant = _hours_ago(1)
    oldest = PostFactory(author=charlie, created=_hours_ago(2))
    tied_first = PostFactory(author=alice, created=same_instant)
    tied_second = PostFactory(author=charlie, created=same_instant)

    assert list(Post.objects.visible().newest_first()) == [tied_second, tied_first, oldest]


def test_visible_hides_posts_of_deactivated_members(alice, charlie):
    kept = PostFactory(author=alice)
    PostFactory(author=charlie)
    charlie.is_active = False
    charlie.save()

    assert list(Post.objects.visible()) == [kept]


def test_timeline_indexes_are_declared():
    indexes = {index.name: index.fields for index in Post._meta.indexes}

    assert indexes == {
        "posts_author_created_idx": ["author", "-created", "-id"],
        "posts_author_live_idx": ["author", "-created", "-id", "reblog_of", "in_reply_to_author"],
        "posts_created_idx": ["-created", "-id"],
        "posts_replies_idx": ["in_reply_to", "created", "id"],
        "posts_boosts_idx": ["reblog_of", "-created", "-id"],
        "posts_quotes_idx": ["quote_of"],
    }


def test_timeline_indexes_exist_in_the_database(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Post._meta.db_table)

    assert constraints["posts_author_created_idx"]["columns"] == ["author_id", "created", "id"]
    assert constraints["posts_created_idx"]["columns"] == ["created", "id"]


def test_str_shows_author_and_start_of_body(alice):
    post = PostFactory(author=alice, body="x" * 60)

    assert str(post) == "alice: " + "x" * 50
