"""The path from a save to the index: signal → on_commit → queued task (ids only)."""

import logging
from unittest import mock

from django.urls import reverse
from kombu.exceptions import OperationalError

from accounts.tests.factories import UserFactory
from core.models import OutboxTask
from posts.models import Post
from posts.tests.factories import PostFactory
from search import tasks


def test_a_saved_post_is_queued_by_id_only_after_commit(alice, django_capture_on_commit_callbacks):
    with mock.patch.object(tasks.search_index_posts, "apply_async") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            post = PostFactory(author=alice)
            delay.assert_not_called()  # not inside the transaction
        for callback in callbacks:
            callback()

    delay.assert_called_once_with(args=[[post.pk]], kwargs={}, task_id=None)


def test_a_rolled_back_post_is_never_queued(alice):
    # pytest-django's transaction is rolled back, so on-commit callbacks never run.
    with mock.patch.object(tasks.search_index_posts, "apply_async") as delay:
        PostFactory(author=alice)

    delay.assert_not_called()


def test_a_deleted_post_is_queued(alice, django_capture_on_commit_callbacks):
    post = PostFactory(author=alice)
    post_id = post.pk
    with mock.patch.object(tasks.search_index_posts, "apply_async") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            post.delete()

    delay.assert_called_once_with(args=[[post_id]], kwargs={}, task_id=None)


def test_a_deleted_member_is_one_task_not_one_per_post(alice, django_capture_on_commit_callbacks):
    PostFactory.create_batch(3, author=alice)
    alice_id = alice.pk
    with (
        mock.patch.object(tasks.search_index_posts, "apply_async") as post_delay,
        mock.patch.object(tasks.search_index_member, "apply_async") as member_delay,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            alice.delete()

    post_delay.assert_not_called()
    member_delay.assert_called_once_with(args=[alice_id], kwargs={}, task_id=None)


def test_a_profile_change_is_queued_but_a_login_is_not(alice, client, django_capture_on_commit_callbacks):
    with mock.patch.object(tasks.search_index_member, "apply_async") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("account_login"), {"login": "alice", "password": "correct-horse-battery-staple"}
            )  # saves last_login only
        delay.assert_not_called()

        with django_capture_on_commit_callbacks(execute=True):
            alice.about_me = "Now about coffee."
            alice.save()
        delay.assert_called_once_with(args=[alice.pk], kwargs={}, task_id=None)


def test_a_new_member_is_queued(db, django_capture_on_commit_callbacks):
    with mock.patch.object(tasks.search_index_member, "apply_async") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            member = UserFactory()

    delay.assert_any_call(args=[member.pk], kwargs={}, task_id=None)


def test_posting_works_and_logs_when_the_queue_is_down(alice, alice_client, django_capture_on_commit_callbacks, caplog):
    broker_down = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with (
        mock.patch.object(tasks.search_index_posts, "apply_async", side_effect=broker_down),
        caplog.at_level(logging.ERROR, logger="core.queue"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = alice_client.post(reverse("posts:home"), {"body": "Still posting."})

    assert response.status_code == 302
    post = Post.objects.get(author=alice, body="Still posting.")
    assert "Could not queue search.tasks.search_index_posts" in caplog.text
    # Kept for the outbox sweep, which queues it once the broker is back.
    assert list(OutboxTask.objects.values_list("task", "args")) == [("search.tasks.search_index_posts", [[post.pk]])]


def test_the_task_runs_on_commit_and_the_post_is_searchable(alice, alice_client, indexed):
    # End to end through the real (eager) task: post, then search.
    with indexed():
        alice_client.post(reverse("posts:home"), {"body": "Hello from a pangolin."})

    response = alice_client.get(reverse("search:search"), {"q": "pangolin"})

    assert [post.body for post in response.context["page"]] == ["Hello from a pangolin."]
