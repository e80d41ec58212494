import logging
import uuid
from collections.abc import Sequence

from celery import current_app
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from messaging.broker import BROKER_ERRORS
from messaging.models import Job, Message, Notification, OutboxTask

logger = logging.getLogger(__name__)


class MessageError(Exception):
    """A message that may not be sent; the text is shown to the sender."""


class JobAlreadyRunning(Exception):
    pass


class JobNotStarted(Exception):
    """The queue could not take the job; the text is shown to the member."""


class JobDeferred(JobNotStarted):
    """The queue is down: the job is kept in the outbox and starts when it is back."""


def notification_set(*, user: User, name: str, payload: dict) -> Notification:
    """Overwrite the member's current value for `name`; the navbar poll picks it up."""
    notification, _created = Notification.objects.update_or_create(
        user=user, name=name, defaults={"payload": payload, "timestamp": timezone.now()}
    )
    return notification


def _notify_unread_count(user: User) -> None:
    count = Message.objects.unread_for(user).count()
    notification_set(user=user, name=Notification.UNREAD_MESSAGE_COUNT, payload={"count": count})


def message_check(*, sender: User, recipient: User) -> None:
    """Raise MessageError if `sender` may not write to `recipient`."""
    if recipient.pk == sender.pk:
        raise MessageError(_("You can't send a message to yourself."))
    if not recipient.is_active:
        raise MessageError(
            _("%(username)s's account is closed, so they can't receive messages.") % {"username": recipient.username}
        )


def message_send(*, sender: User, recipient: User, body: str) -> Message:
    """Send a private message and bump the recipient's unread badge."""
    message_check(sender=sender, recipient=recipient)
    with transaction.atomic():
        message = Message.objects.create(sender=sender, recipient=recipient, body=body.strip())
        _notify_unread_count(recipient)
    return message


def messages_mark_read(*, user: User, newest_page: Sequence[Message] | None = None) -> None:
    """Opening the inbox reads everything in it. With nothing new (no unread
    message, no badge showing) it writes nothing: a plain visit stays a read.

    `newest_page`: the inbox's newest page as shown to `user` (the first rows of
    Message.objects.inbox_for(user), so filtered as unread_for filters), if the
    caller has it. Its first row is the newest message, so whether anything is
    unread then needs no query. Leave it out on any other page."""
    if newest_page is not None:
        unread = bool(newest_page) and newest_page[0].arrived_after_read(user)
    else:
        unread = Message.objects.unread_for(user).exists()
    # A badge can show while nothing counts as unread (its sender closed their account).
    if not unread and not _badge_showing(user):
        return
    with transaction.atomic():
        user.last_message_read_time = timezone.now()
        user.save(update_fields=["last_message_read_time"])
        notification_set(user=user, name=Notification.UNREAD_MESSAGE_COUNT, payload={"count": 0})


def _badge_showing(user: User) -> bool:
    return (
        Notification.objects.filter(user=user, name=Notification.UNREAD_MESSAGE_COUNT)
        .exclude(payload__count=0)
        .exists()
    )


def _notify_job(job: Job) -> None:
    payload = {
        "id": job.pk,
        "name": job.name,
        "description": job.description,
        "progress": job.progress,
        "complete": job.complete,
        "error": job.error,
        "download_url": reverse("messaging:job-download", args=[job.pk]) if job.succeeded and job.result else "",
    }
    notification_set(user=job.user, name=Notification.JOB_PROGRESS, payload=payload)


def job_start(*, user: User, name: str, description: str, task, args: tuple = (), deferred_message: str = "") -> Job:
    """Record a job and queue `task(job_id, *args)` once the row is committed.

    Raises JobAlreadyRunning when the member has an unfinished job of this
    kind, and JobDeferred (with `deferred_message`) when the queue is down: the
    job then waits in the outbox and starts when the queue is back."""
    job_id = str(uuid.uuid4())
    queued = []
    try:
        with transaction.atomic():
            job = Job.objects.create(id=job_id, user=user, name=name, description=description)
            _notify_job(job)
            # The task id is the job id, so a re-published or redelivered task finds its row.
            transaction.on_commit(lambda: queued.append(task_publish(task, args=(job_id, *args), task_id=job_id)))
    except IntegrityError as error:
        raise JobAlreadyRunning from error
    if queued == [False]:
        raise JobDeferred(
            deferred_message
            or _("The job queue is unavailable right now: your job is saved and will start when it is back.")
        )
    return job


def job_running(*, user: User, name: str) -> Job | None:
    return Job.objects.filter(user=user, name=name, complete=False).first()


def job_progress(*, job: Job, progress: int) -> None:
    job.progress = max(0, min(progress, 100))
    job.save(update_fields=["progress", "updated"])
    _notify_job(job)


def job_finish(*, job: Job, result: str = "") -> bool:
    """Mark the job done. False when it already was: a duplicate delivery of the task
    finished first, and this one must not repeat what follows (the email)."""
    with transaction.atomic():
        done = Job.objects.filter(pk=job.pk, complete=False).update(
            progress=100, complete=True, error="", result=result, updated=timezone.now()
        )
        if not done:
            return False
        job.progress, job.complete, job.error, job.result = 100, True, "", result
        _notify_job(job)
    return True


def job_fail(*, job_id: str, error: str) -> None:
    """End a job with an error the member can read; a no-op once it is complete."""
    with transaction.atomic():
        job = Job.objects.select_for_update().select_related("user").filter(pk=job_id, complete=False).first()
        if job is None:
            return
        job.complete, job.error = True, error
        job.save(update_fields=["complete", "error", "updated"])
        _notify_job(job)


def outbox_add(*, task, args: tuple = (), kwargs: dict | None = None, task_id: str = "") -> OutboxTask:
    """Keep a task the broker refused, for outbox_flush to publish later."""
    return OutboxTask.objects.create(task=task.name, args=list(args), kwargs=kwargs or {}, task_id=task_id)


def task_publish(task, *, args: tuple = (), kwargs: dict | None = None, task_id: str | None = None) -> bool:
    """Queue a Celery task; when the broker is down (refused or hung, within seconds)
    keep it in the outbox instead and return False. Never raises a broker error."""
    try:
        task.apply_async(args=list(args), kwargs=kwargs or {}, task_id=task_id)
    except BROKER_ERRORS:
        logger.warning(
            "Could not queue %s%r; kept in the outbox until the broker is back", task.name, args, exc_info=True
        )
        outbox_add(task=task, args=args, kwargs=kwargs, task_id=task_id or "")
        return False
    return True


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
