import uuid
from collections.abc import Sequence

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User, blocked_either_way
from core.idempotency import Replay, idempotency_key_claim, idempotency_key_done
from core.models import OutboxTask
from core.queue import task_enqueue
from messaging import push
from messaging.events import event_publish
from messaging.models import Job, Message, Notice, Notification, PushSettings, PushSubscription, stale_before


class MessageError(Exception):
    """A message that may not be sent; the text is shown to the sender."""


class JobAlreadyRunning(Exception):
    pass


class JobDeferred(Exception):
    """The queue is down: the job is kept in the outbox and starts when it is back.
    The text is shown to the member."""


def notification_set(*, user: User, name: str, payload: dict) -> Notification:
    """Overwrite the member's current value for `name`: the navbar poll picks it up, and
    the member's open streams get it (as the poll shows it) once the transaction commits.
    Every navbar value goes through here, so a new kind reaches the stream with no change."""
    notification, _created = Notification.objects.update_or_create(
        user=user, name=name, defaults={"payload": payload, "timestamp": timezone.now()}
    )
    event_publish(name="notification", data=notification.as_dict(), user_id=user.pk)
    return notification


def _notify_unread_count(user: User) -> None:
    count = Message.objects.unread_for(user).count()
    notification_set(user=user, name=Notification.UNREAD_MESSAGE_COUNT, payload={"count": count})


def _notify_unread_notices(user: User) -> None:
    count = Notice.objects.for_recipient(user).filter(read=False).count()
    notification_set(user=user, name=Notification.UNREAD_NOTICE_COUNT, payload={"count": count})


def unread_counts_refresh(*, member_ids: Sequence[int]) -> int:
    """Recount the badges of the members whose unread messages or notices came from
    `member_ids`, who were just deactivated (suspended, or their account being deleted):
    those no longer count, and a badge must not promise what the inbox doesn't show.
    How many members' badges were recounted."""
    last_read = "recipient__last_message_read_time"
    read_before = Q(**{f"{last_read}__isnull": True}) | Q(created__gt=F(last_read))
    by_message = set(
        Message.objects.filter(read_before, sender_id__in=member_ids).values_list("recipient_id", flat=True).distinct()
    )
    by_notice = set(
        Notice.objects.filter(actor_id__in=member_ids, read=False).values_list("recipient_id", flat=True).distinct()
    )
    recounted = 0
    for user in User.objects.filter(pk__in=by_message | by_notice, is_active=True):
        if user.pk in by_message:
            _notify_unread_count(user)
        if user.pk in by_notice:
            _notify_unread_notices(user)
        recounted += 1
    return recounted


def notice_add(*, recipient: User, kind: str, actor: User, subject_id: int = 0) -> Notice | None:
    """Tell `recipient` that `actor` did `kind` (about `subject_id`) and bump their
    badge. Nobody is told of their own actions, a closed account hears nothing, and
    the same action twice notifies once. Returns the notice, or None when none was made."""
    if recipient.pk == actor.pk or not recipient.is_active:
        return None
    if blocked_either_way(recipient, actor):
        return None  # a blocked member's mention stays text; nobody is told
    with transaction.atomic():
        notice, created = Notice.objects.get_or_create(
            recipient=recipient, kind=kind, actor=actor, subject_id=subject_id
        )
        if created:
            _notify_unread_notices(recipient)
            _push_enqueue(recipient, "push_notice", notice.pk)
            # For API clients' streams (the Mastodon streaming API's `notification`).
            event_publish(name="notice", data={"id": notice.pk, "kind": kind}, user_id=recipient.pk)
    return notice if created else None


def notice_tell(*, recipient: User, kind: str, subject_id: int) -> Notice:
    """Tell `recipient` something about their own doing (their report's progress): the
    notice's actor is the member themselves, so no block or mute can hide it."""
    with transaction.atomic():
        notice, created = Notice.objects.get_or_create(
            recipient=recipient, kind=kind, actor=recipient, subject_id=subject_id
        )
        if created:
            _notify_unread_notices(recipient)
    return notice


def notice_remove(*, kind: str, actor: User, subject_id: int = 0, recipient: User | None = None) -> None:
    """Take back what `actor`'s action told (an unlike, an unfollow, a deleted post):
    a like and its undo leave nothing on the recipient's page or badge."""
    notices = Notice.objects.filter(kind=kind, actor=actor, subject_id=subject_id)
    if recipient is not None:
        notices = notices.filter(recipient=recipient)
    with transaction.atomic():
        recipients = set(notices.values_list("recipient_id", flat=True))
        notices.delete()
        for member in User.objects.filter(pk__in=recipients):
            _notify_unread_notices(member)


def notices_remove_about(*, subject_id: int, kinds: list[str]) -> None:
    """Take back every notice of these kinds about `subject_id`, whoever caused it
    (a deleted post takes its likes', boosts', reply's and quote's notices with it)."""
    notices = Notice.objects.filter(subject_id=subject_id, kind__in=kinds)
    with transaction.atomic():
        recipients = set(notices.values_list("recipient_id", flat=True))
        if not recipients:
            return
        notices.delete()
        for member in User.objects.filter(pk__in=recipients):
            _notify_unread_notices(member)


def notices_mark_read(*, user: User) -> None:
    """Opening the notifications page reads everything on it; with nothing unread
    it writes nothing more than the UPDATE that finds nothing."""
    if Notice.objects.filter(recipient=user, read=False).update(read=True):
        notification_set(user=user, name=Notification.UNREAD_NOTICE_COUNT, payload={"count": 0})


def message_check(*, sender: User, recipient: User) -> None:
    """Raise MessageError if `sender` may not write to `recipient`."""
    if recipient.pk == sender.pk:
        raise MessageError(_("You can't send a message to yourself."))
    if not recipient.is_active:
        raise MessageError(
            _("%(username)s's account is closed, so they can't receive messages.") % {"username": recipient.username}
        )
    if blocked_either_way(sender, recipient):
        # The same words either way: a blocked member is not told who blocked whom.
        raise MessageError(_("You can't send messages to %(username)s.") % {"username": recipient.username})


def message_send(*, sender: User, recipient: User, body: str, idempotency_key: str = "") -> Message:
    """Send a private message and bump the recipient's unread badge. `idempotency_key`
    (the form's token): a repeat returns the message the first request sent."""
    message_check(sender=sender, recipient=recipient)
    with transaction.atomic():
        try:
            claim = idempotency_key_claim(scope="messaging.message", user_id=sender.pk, key=idempotency_key)
        except Replay as replay:
            message = Message.objects.filter(pk=replay.object_id, sender=sender).first()
            if message is None:
                raise MessageError(_("This message was already sent.")) from None
            return message
        message = Message.objects.create(sender=sender, recipient=recipient, body=body.strip())
        _notify_unread_count(recipient)
        _push_enqueue(recipient, "push_message", message.pk)
        idempotency_key_done(claim, object_id=message.pk)
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
        "download_url": reverse("messaging:job-download", args=[job.pk])
        if job.succeeded and (job.result or job.archive)
        else "",
    }
    notification_set(user=job.user, name=Notification.JOB_PROGRESS, payload=payload)


def job_start(
    *,
    user: User,
    name: str,
    description: str,
    task,
    args: tuple = (),
    deferred_message: str = "",
    summary: dict | None = None,
) -> Job:
    """Record a job and queue `task(job_id, *args)` once the row is committed.

    Raises JobAlreadyRunning when the member has an unfinished job of this
    kind, and JobDeferred (with `deferred_message`) when the queue is down: the
    job then waits in the outbox and starts when the queue is back."""
    # A job of this kind whose task was lost no longer blocks a new one (the sweep may not have run yet).
    jobs_fail_stale(jobs=Job.objects.filter(user=user, name=name))
    job_id = str(uuid.uuid4())
    try:
        with transaction.atomic():
            job = Job.objects.create(id=job_id, user=user, name=name, description=description, summary=summary or {})
            _notify_job(job)
            # The task id is the job id, so a re-published or redelivered task finds its row.
            enqueued = task_enqueue(task, args=(job_id, *args), task_id=job_id)
    except IntegrityError as error:
        raise JobAlreadyRunning from error
    if enqueued.published is False:
        raise JobDeferred(
            deferred_message
            or _("The job queue is unavailable right now: your job is saved and will start when it is back.")
        )
    return job


def job_heartbeat(*, job_id: str) -> bool:
    """Tell the sweep the job's task is alive (called as the task starts). False when
    the job is already complete: finished by another delivery, or failed as stale."""
    now = timezone.now()
    return bool(Job.objects.filter(pk=job_id, complete=False).update(heartbeat=now, updated=now))


def job_progress(*, job: Job, progress: int) -> bool:
    """Record progress (and a heartbeat). False when the job is already complete (failed
    as stale while this task was silent): the task should stop, and the member's
    failure notice is not overwritten by a progress bar."""
    now = timezone.now()
    job.progress = max(0, min(progress, 100))
    with transaction.atomic():
        if not Job.objects.filter(pk=job.pk, complete=False).update(progress=job.progress, heartbeat=now, updated=now):
            return False
        job.heartbeat = job.updated = now
        _notify_job(job)
    return True


def job_finish(*, job: Job, result: str = "", archive: str = "", expires=None, summary: dict | None = None) -> bool:
    """Mark the job done, with its output: a file under JOB_RESULTS_DIR (`result`) or in
    the default storage (`archive`, downloadable until `expires`), and what it did
    (`summary`). False when it already was: a duplicate delivery of the task finished
    first, and this one must not repeat what follows (the email)."""
    summary = summary if summary is not None else job.summary
    with transaction.atomic():
        done = Job.objects.filter(pk=job.pk, complete=False).update(
            progress=100,
            complete=True,
            error="",
            result=result,
            archive=archive,
            expires=expires,
            summary=summary,
            updated=timezone.now(),
        )
        if not done:
            return False
        job.progress, job.complete, job.error, job.result = 100, True, "", result
        job.archive, job.expires, job.summary = archive, expires, summary
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


def jobs_expire() -> int:
    """Delete the files of jobs whose download expired (an archive kept JOB_ARCHIVE_DAYS);
    the row stays, so the member sees that it expired. How many files went."""
    expired = Job.objects.filter(expires__lte=timezone.now()).exclude(archive="")
    count = 0
    for job in expired[:1000]:
        name = job.archive.name
        Job.objects.filter(pk=job.pk).update(archive="")
        job.archive.storage.delete(name)
        count += 1
    return count


def jobs_fail_stale(*, jobs=None) -> int:
    """Fail the running jobs (of `jobs`, default all) with no heartbeat for JOB_STALE_SECONDS:
    their task was lost (the broker restarted empty, a worker was killed) and the member
    can start again. Jobs waiting in the outbox for the broker are not lost. Each job is
    re-checked under its row lock, so one whose task beat meanwhile is left running;
    a late task then finds its job complete and neither overwrites it nor emails
    (job_progress, job_finish). Run by beat (CELERY_BEAT_SCHEDULE) and by job_start.
    Returns how many jobs were failed."""
    candidates = (jobs if jobs is not None else Job.objects.all()).filter(complete=False, heartbeat__lt=stale_before())
    candidates = candidates.exclude(pk__in=OutboxTask.objects.values("task_id"))
    failed = 0
    for job_id in list(candidates.values_list("pk", flat=True)[:1000]):
        with transaction.atomic():
            job = (
                Job.objects.select_for_update()
                .select_related("user")
                .filter(pk=job_id, complete=False, heartbeat__lt=stale_before())
                .first()
            )
            if job is None:
                continue
            # Stored as text, so in the member's language (the sweep runs in a worker, without a request).
            with translation.override(job.user.language or settings.LANGUAGE_CODE):
                job.error = _("It stopped before it finished; you can start it again.")
            job.complete = True
            job.save(update_fields=["complete", "error", "updated"])
            _notify_job(job)
            failed += 1
    return failed


def _push_enqueue(user: User, task_name: str, object_id: int) -> None:
    """Queue the push notification about `object_id` to the member's devices, after commit
    (the task builds it in their language, and checks their switches)."""
    if not push.push_enabled() or not PushSubscription.objects.filter(user=user).exists():
        return
    from messaging import tasks

    task_enqueue(getattr(tasks, task_name), args=(object_id,))


def push_subscribe(*, user: User, endpoint, p256dh, auth, name: str = "") -> PushSubscription:
    """Turn push notifications on for one of the member's devices (its browser's
    PushSubscription). The same endpoint again updates its keys; an endpoint another
    member subscribed (the same browser, someone else logged in now) moves to this one.
    Raises push.PushRefused for an address or keys the site will not send to."""
    endpoint = push.endpoint_check(endpoint)
    p256dh, auth = push.keys_check(p256dh, auth)
    name = " ".join(str(name or "").split())[:100]
    with transaction.atomic():
        # Locks the member's row: two devices subscribing at once cannot both pass the cap.
        User.objects.select_for_update().filter(pk=user.pk).first()
        existing = PushSubscription.objects.filter(endpoint=endpoint).first()
        if existing is None or existing.user_id != user.pk:
            if PushSubscription.objects.filter(user=user).count() >= push.MAX_DEVICES:
                raise push.PushRefused(
                    _("You have %(count)s devices with push notifications: remove one first.")
                    % {"count": push.MAX_DEVICES}
                )
        subscription, _created = PushSubscription.objects.update_or_create(
            endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth, "name": name}
        )
    return subscription


def push_unsubscribe(*, user: User, endpoint: str = "", subscription_id: int | None = None) -> bool:
    """Remove one of the member's devices (by its endpoint, or its id in the list).
    Another member's device is never touched. Returns whether one was removed."""
    devices = PushSubscription.objects.filter(user=user)
    if subscription_id is not None:
        devices = devices.filter(pk=subscription_id)
    elif endpoint:
        devices = devices.filter(endpoint=endpoint)
    else:
        return False
    return bool(devices.delete()[0])


def push_settings_save(*, user: User, enabled_kinds) -> PushSettings:
    """Switch the kinds of push notification on (those given) and off (the others)."""
    known = [kind for kind, _label in push.push_kinds()]
    muted = [kind for kind in known if kind not in set(enabled_kinds)]
    settings_row, _created = PushSettings.objects.update_or_create(user=user, defaults={"muted_kinds": muted})
    return settings_row


def push_muted_kinds(user: User) -> set[str]:
    row = PushSettings.objects.filter(user=user).first()
    return set(row.muted_kinds) if row else set()
