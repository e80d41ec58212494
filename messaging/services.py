import logging
import uuid

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from messaging.broker import BROKER_ERRORS
from messaging.models import Job, Message, Notification

logger = logging.getLogger(__name__)


class MessageError(Exception):
    """A message that may not be sent; the text is shown to the sender."""


class JobAlreadyRunning(Exception):
    pass


class JobNotStarted(Exception):
    """The queue could not take the job; the text is shown to the member."""


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


def messages_mark_read(*, user: User) -> None:
    """Opening the inbox reads everything in it. With nothing new (no unread
    message, no badge showing) it writes nothing: a plain visit stays a read."""
    badge_showing = (
        Notification.objects.filter(user=user, name=Notification.UNREAD_MESSAGE_COUNT)
        .exclude(payload__count=0)
        .exists()
    )
    if not badge_showing and not Message.objects.unread_for(user).exists():
        return
    with transaction.atomic():
        user.last_message_read_time = timezone.now()
        user.save(update_fields=["last_message_read_time"])
        notification_set(user=user, name=Notification.UNREAD_MESSAGE_COUNT, payload={"count": 0})


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


def _enqueue(job_id: str, task, args: tuple) -> None:
    try:
        task.apply_async(args=[job_id, *args], task_id=job_id)
    except BROKER_ERRORS:
        # The member must get an answer and the job must not sit at 0% forever.
        logger.exception("Could not queue job %s", job_id)
        job_fail(job_id=job_id, error=_("The job could not be started. Please try again in a moment."))


def job_start(*, user: User, name: str, description: str, task, args: tuple = ()) -> Job:
    """Record a job and queue `task(job_id, *args)` once the row is committed.

    Raises JobAlreadyRunning when the member has an unfinished job of this
    kind, and JobNotStarted when the queue refused it."""
    job_id = str(uuid.uuid4())
    try:
        with transaction.atomic():
            job = Job.objects.create(id=job_id, user=user, name=name, description=description)
            _notify_job(job)
            transaction.on_commit(lambda: _enqueue(job_id, task, args))
    except IntegrityError as error:
        raise JobAlreadyRunning from error
    job.refresh_from_db()
    if job.complete and job.error:
        raise JobNotStarted(job.error)
    return job


def job_running(*, user: User, name: str) -> Job | None:
    return Job.objects.filter(user=user, name=name, complete=False).first()


def job_progress(*, job: Job, progress: int) -> None:
    job.progress = max(0, min(progress, 100))
    job.save(update_fields=["progress", "updated"])
    _notify_job(job)


def job_finish(*, job: Job, result: str = "") -> None:
    job.progress, job.complete, job.error, job.result = 100, True, "", result
    job.save(update_fields=["progress", "complete", "error", "result", "updated"])
    _notify_job(job)


def job_fail(*, job_id: str, error: str) -> None:
    """End a job with an error the member can read; a no-op once it is complete."""
    with transaction.atomic():
        job = Job.objects.select_for_update().select_related("user").filter(pk=job_id, complete=False).first()
        if job is None:
            return
        job.complete, job.error = True, error
        job.save(update_fields=["complete", "error", "updated"])
        _notify_job(job)
