"""Index-update tasks: they take ids, are safe to run twice, and retry on failure."""

from unittest import mock

import pytest
from celery.exceptions import Retry
from haystack.query import SearchQuerySet

from accounts.models import User
from posts.models import Post
from posts.tests.factories import PostFactory
from search import services, tasks


def _indexed_posts(**filters):
    return sorted(int(result.pk) for result in SearchQuerySet().models(Post).filter(**filters))


def test_indexing_a_post_twice_keeps_one_document(alice):
    post = PostFactory(author=alice, body="Twice the tapir.")

    tasks.search_index_posts([post.pk])
    tasks.search_index_posts([post.pk])

    assert _indexed_posts(content="tapir") == [post.pk]


def test_a_post_no_longer_in_the_database_is_removed(alice):
    post = PostFactory(author=alice, body="Soon gone.")
    tasks.search_index_posts([post.pk])
    post_id = post.pk
    post.delete()

    tasks.search_index_posts([post_id])
    tasks.search_index_posts([post_id])  # removing what is absent is fine too

    assert _indexed_posts(content="gone") == []


def test_a_deactivated_members_posts_are_removed_and_put_back(charlie):
    posts = PostFactory.create_batch(3, author=charlie)
    tasks.search_index_posts([post.pk for post in posts])

    User.objects.filter(pk=charlie.pk).update(is_active=False)
    tasks.search_index_member(charlie.pk)
    hidden = _indexed_posts(author_id=charlie.pk)
    User.objects.filter(pk=charlie.pk).update(is_active=True)
    tasks.search_index_member(charlie.pk)

    assert hidden == []
    assert _indexed_posts(author_id=charlie.pk) == sorted(post.pk for post in posts)
    assert SearchQuerySet().models(User).filter(people="charlie").count() == 1


def test_a_deleted_members_posts_are_removed_from_the_index(alice, charlie):
    kept = PostFactory(author=alice)
    PostFactory.create_batch(2, author=charlie)
    tasks.search_index_posts(list(Post.objects.values_list("pk", flat=True)))
    charlie_id = charlie.pk
    charlie.delete()

    tasks.search_index_member(charlie_id)

    assert _indexed_posts() == [kept.pk]


def test_a_failing_update_is_retried():
    with (
        mock.patch.object(services, "search_index_posts", side_effect=OSError("index locked")),
        pytest.raises(Retry),
    ):
        tasks.search_index_posts.apply(args=([1],), throw=True)
