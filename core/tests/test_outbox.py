"""The outbox: tasks the broker refused wait in the database and the sweep
(core.queue.outbox_flush) queues them again once the broker answers."""

from unittest import mock

import pytest
from kombu.exceptions import OperationalError

from core import queue, tasks
from core.models import OutboxTask
from core.queue import outbox_flush, task_enqueue

REFUSED = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture
def published(monkeypatch):
    """What the sweep hands to the broker, in order."""
    sent = []
    monkeypatch.setattr(queue, "_outbox_publish", lambda row: sent.append((row.task, row.args, row.task_id)))
    return sent


def test_a_refused_task_is_kept_with_its_arguments(db, django_capture_on_commit_callbacks, caplog):
    with (
        mock.patch.object(tasks.email_deliver, "apply_async", side_effect=REFUSED),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enqueued = task_enqueue(tasks.email_deliver, args=([1, 2],), task_id="an-id")
        assert enqueued.published is None  # nothing is published before the commit

    assert enqueued.published is False
    row = OutboxTask.objects.get()
    assert (row.task, row.args, row.kwargs, row.task_id) == ("core.tasks.email_deliver", [[1, 2]], {}, "an-id")
    assert "kept in the outbox until the broker is back" in caplog.text


def test_an_accepted_task_is_not_kept(db, django_capture_on_commit_callbacks):
    with (
        mock.patch.object(tasks.email_deliver, "apply_async") as apply_async,
        django_capture_on_commit_callbacks(execute=True),
    ):
        enqueued = task_enqueue(tasks.email_deliver, args=([1],))

    assert enqueued.published is True
    apply_async.assert_called_once_with(args=[[1]], kwargs={}, task_id=None)
    assert not OutboxTask.objects.exists()


def test_a_rolled_back_transaction_queues_nothing(db, django_capture_on_commit_callbacks):
    with (
        mock.patch.object(tasks.email_deliver, "apply_async") as apply_async,
        django_capture_on_commit_callbacks(execute=False),
    ):
        task_enqueue(tasks.email_deliver, args=([1],))

    apply_async.assert_not_called()
    assert not OutboxTask.objects.exists()


def test_a_refused_task_with_a_fallback_runs_it_instead_of_the_outbox(db, django_capture_on_commit_callbacks):
    done = []
    with (
        mock.patch.object(tasks.email_deliver, "apply_async", side_effect=REFUSED),
        django_capture_on_commit_callbacks(execute=True),
    ):
        task_enqueue(tasks.email_deliver, args=([1],), when_refused=lambda: done.append("now"))

    assert done == ["now"]
    assert not OutboxTask.objects.exists()


def test_a_bug_in_an_eager_task_is_not_swallowed(db, django_capture_on_commit_callbacks):
    with (
        mock.patch.object(tasks.email_deliver, "apply_async", side_effect=KeyError("a bug")),
        pytest.raises(KeyError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        task_enqueue(tasks.email_deliver, args=([1],))

    assert not OutboxTask.objects.exists()


def test_the_sweep_sends_oldest_first_and_empties_the_outbox(db, published):
    for n in range(3):
        OutboxTask.objects.create(task="search.tasks.search_index_member", args=[n])

    assert outbox_flush() == 3

    assert [args for _task, args, _id in published] == [[0], [1], [2]]
    assert not OutboxTask.objects.exists()


def test_the_sweep_keeps_everything_while_the_broker_is_still_down(db, monkeypatch):
    for n in range(3):
        OutboxTask.objects.create(task="search.tasks.search_index_member", args=[n])
    monkeypatch.setattr(queue, "_outbox_publish", mock.Mock(side_effect=REFUSED))

    assert outbox_flush() == 0

    assert OutboxTask.objects.count() == 3
    # It stops at the first refusal instead of waiting for the broker once per row.
    assert queue._outbox_publish.call_count == 1
    assert list(OutboxTask.objects.order_by("id").values_list("attempts", flat=True)) == [1, 0, 0]


def test_a_row_another_sweep_sent_meanwhile_is_not_sent_again(db, monkeypatch):
    first, second = (OutboxTask.objects.create(task="search.tasks.search_index_member", args=[n]) for n in range(2))
    sent = []

    def publish_while_another_sweep_takes_the_second(row):
        sent.append(row.pk)
        OutboxTask.objects.filter(pk=second.pk).delete()  # what a concurrent sweep does

    monkeypatch.setattr(queue, "_outbox_publish", publish_while_another_sweep_takes_the_second)

    assert outbox_flush() == 1
    assert sent == [first.pk]


def test_the_sweep_publishes_by_name_with_the_same_task_id(db):
    OutboxTask.objects.create(task="core.tasks.email_deliver", args=["job-id", "http://x/"], task_id="job-id")
    with mock.patch.object(tasks.email_deliver, "apply_async") as apply_async:
        outbox_flush()

    apply_async.assert_called_once_with(args=["job-id", "http://x/"], kwargs={}, task_id="job-id")


def test_a_starting_worker_sweeps_at_once(db, published):
    OutboxTask.objects.create(task="search.tasks.search_index_member", args=[7])

    tasks._flush_outbox_at_start(sender=None)  # the worker_ready signal; tasks run eagerly here

    assert published == [("search.tasks.search_index_member", [7], "")]
