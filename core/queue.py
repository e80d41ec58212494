"""Queueing work for the Celery workers. Every task a page, a service or a signal
starts goes through task_enqueue: it is published once the transaction commits
(a worker must find the rows it was given), and when the broker refuses or hangs
the request still answers and nothing is lost: the task waits in the outbox
(OutboxTask) and outbox_flush, run by beat and at every worker start, publishes
it once the broker is back."""

import logging
from dataclasses import dataclass
from functools import partial

from celery import current_app
from django.db import transaction
from django.db.models import F
from kombu.exceptions import OperationalError

from core.models import OutboxTask

logger = logging.getLogger(__name__)

# What publishing a task raises when the broker is down, refused or hung. Only these
# are caught, so a bug inside an eagerly run task (tests) still surfaces.
BROKER_ERRORS = (OperationalError, ConnectionError, TimeoutError)


@dataclass
class Enqueued:
    """What became of a queued task: `published` is None until the transaction
    commits, then True, or False when the broker refused it."""

    published: bool | None = None


def task_enqueue(task, *, args=(), kwargs=None, task_id: str | None = None, when_refused=None) -> Enqueued:
    """Publish `task` after the current transaction commits (at once outside one).

    If the broker refuses it, `when_refused()` runs instead when given (mail that
    must go out now); otherwise the task is kept in the outbox. Never raises a broker error."""
    enqueued = Enqueued()
    transaction.on_commit(partial(_publish, task, tuple(args), kwargs or {}, task_id, when_refused, enqueued))
    return enqueued


def _publish(task, args: tuple, kwargs: dict, task_id: str | None, when_refused, enqueued: Enqueued) -> None:
    try:
        task.apply_async(args=list(args), kwargs=kwargs, task_id=task_id)
    except BROKER_ERRORS:
        enqueued.published = False
        if when_refused is not None:
            logger.error("Could not queue %s; the broker is down, so it is done at once", task.name, exc_info=True)
            when_refused()
            return
        logger.error(
            "Could not queue %s%r; kept in the outbox until the broker is back", task.name, args, exc_info=True
        )
        OutboxTask.objects.create(task=task.name, args=list(args), kwargs=kwargs, task_id=task_id or "")
        return
    enqueued.published = True


def outbox_flush(*, limit: int = 1000) -> int:
    """Publish the outbox's tasks again, oldest first, and return how many went out.

    Stops at the first broker error (still down: the rest waits for the next sweep).
    Safe in several processes at once: a row is deleted in the transaction that
    publishes it, a row another sweep has locked is skipped (PostgreSQL), and a
    row already deleted by another sweep is not published again."""
    sent = 0
    for pk in list(OutboxTask.objects.order_by("id").values_list("id", flat=True)[:limit]):
        try:
            with transaction.atomic():
                row = OutboxTask.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
                if row is None or not OutboxTask.objects.filter(pk=pk).delete()[0]:
                    continue
                # A failed publish raises, which rolls the delete back.
                _outbox_publish(row)
        except BROKER_ERRORS:
            OutboxTask.objects.filter(pk=pk).update(attempts=F("attempts") + 1)
            logger.warning("The broker is still down; %d queued task(s) wait in the outbox", OutboxTask.objects.count())
            break
        sent += 1
    if sent:
        logger.info("Published %d task(s) from the outbox", sent)
    return sent


def _outbox_publish(row: OutboxTask) -> None:
    options = {"args": row.args, "kwargs": row.kwargs, "task_id": row.task_id or None}
    task = current_app.tasks.get(row.task)
    if task is None:  # not imported in this process: publish by name
        current_app.send_task(row.task, **options)
    else:
        task.apply_async(**options)
