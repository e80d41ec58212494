"""The outbox: tasks the broker refused wait in the database and the sweep
(messaging.services.outbox_flush) queues them again once the broker answers."""

from unittest import mock

import pytest
from kombu.exceptions import OperationalError

from messaging import services, tasks
from messaging.models import OutboxTask
from messaging.services import outbox_flush, task_publish
from posts import tasks as posts_tasks

REFUSED = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture
def published(monkeypatch):
    """What the sweep hands to the broker, in order."""
    sent = []
    monkeypatch.setattr(services, "_outbox_publish", lambda row: sent.append((row.task, row.args, row.task_id)))
    return sent


def test_a_refused_task_is_kept_with_its_arguments(db):
    with mock.patch.object(posts_tasks.search_index_posts, "apply_async", side_effect=REFUSED):
        assert task_publish(posts_tasks.search_index_posts, args=([1, 2],), task_id="an-id") is False

    row = OutboxTask.objects.get()
    assert (row.task, row.args, row.kwargs, row.task_id) == ("posts.tasks.search_index_posts", [[1, 2]], {}, "an-id")


def test_an_accepted_task_is_not_kept(db):
    with mock.patch.object(posts_tasks.search_index_posts, "apply_async") as apply_async:
        assert task_publish(posts_tasks.search_index_posts, args=([1],)) is True

    apply_async.assert_called_once_with(args=[[1]], kwargs={}, task_id=None)
    assert not OutboxTask.objects.exists()


def test_the_sweep_sends_oldest_first_and_empties_the_outbox(db, published):
    for n in range(3):
        OutboxTask.objects.create(task="posts.tasks.search_index_member", args=[n])

    assert outbox_flush() == 3

    assert [args for _task, args, _id in published] == [[0], [1], [2]]
    assert not OutboxTask.objects.exists()


def test_the_sweep_keeps_everything_while_the_broker_is_still_down(db, monkeypatch):
    for n in range(3):
        OutboxTask.objects.create(task="posts.tasks.search_index_member", args=[n])
    monkeypatch.setattr(services, "_outbox_publish", mock.Mock(side_effect=REFUSED))

    assert outbox_flush() == 0

    assert OutboxTask.objects.count() == 3
    # It stops at the first refusal instead of waiting for the broker once per row.
    assert services._outbox_publish.call_count == 1
    assert list(OutboxTask.objects.order_by("id").values_list("attempts", flat=True)) == [1, 0, 0]


def test_a_row_another_sweep_sent_meanwhile_is_not_sent_again(db, monkeypatch):
    first, second = (OutboxTask.objects.create(task="posts.tasks.search_index_member", args=[n]) for n in range(2))
    sent = []

    def publish_while_another_sweep_takes_the_second(row):
        sent.append(row.pk)
        OutboxTask.objects.filter(pk=second.pk).delete()  # what a concurrent sweep does

    monkeypatch.setattr(services, "_outbox_publish", publish_while_another_sweep_takes_the_second)

    assert outbox_flush() == 1
    assert sent == [first.pk]


def test_the_sweep_publishes_by_name_with_the_same_task_id(db):
    OutboxTask.objects.create(task="posts.tasks.export_posts", args=["job-id", "http://x/"], task_id="job-id")
    with mock.patch.object(posts_tasks.export_posts, "apply_async") as apply_async:
        outbox_flush()

    apply_async.assert_called_once_with(args=["job-id", "http://x/"], kwargs={}, task_id="job-id")


def test_a_starting_worker_sweeps_at_once(db, published):
    OutboxTask.objects.create(task="posts.tasks.search_index_member", args=[7])

    tasks._flush_outbox_at_start(sender=None)  # the worker_ready signal; tasks run eagerly here

    assert published == [("posts.tasks.search_index_member", [7], "")]
