import logging

from celery import Task, shared_task
from django.utils.translation import gettext as _

from messaging import services

logger = logging.getLogger(__name__)


class JobTask(Task):
    """Base for tasks whose first argument is a messaging.Job id: a crash ends
    the job with a visible error instead of a progress bar stuck forever, and the
    task's start is a heartbeat (see jobs_fail_stale)."""

    def before_start(self, task_id, args, kwargs):
        services.job_heartbeat(job_id=args[0] if args else task_id)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        logger.error("Job %s failed: %r", args[0] if args else task_id, exc)
        services.job_fail(job_id=args[0] if args else task_id, error=_("Something went wrong and the job stopped."))


@shared_task
def jobs_fail_stale() -> None:
    """Fail the jobs whose task was lost, so their members can start again (CELERY_BEAT_SCHEDULE)."""
    services.jobs_fail_stale()


@shared_task
def jobs_expire() -> None:
    """Delete expired archives (CELERY_BEAT_SCHEDULE)."""
    services.jobs_expire()


# Tries again of a push the push service could not take (429, 5xx, no answer), after
# PUSH_RETRY_SECONDS, then twice as long each time (30 s … 8 min); then it is given up.
PUSH_MAX_RETRIES = 5
# Seconds a push service has to answer.
PUSH_TIMEOUT = 10
# Seconds a push service keeps a notification for a device that is offline.
PUSH_TTL = 24 * 3600


def _deliver(user, build) -> int:
    """Build the notification in the member's language and queue one push per device."""
    from django.conf import settings
    from django.utils import translation

    from core.queue import task_enqueue
    from messaging.models import PushSubscription
    from messaging.push import absolute

    with translation.override(user.language or settings.LANGUAGE_CODE):
        payload = build()
    if payload is None:
        return 0
    payload["url"] = absolute(payload["url"])
    payload["icon"] = absolute(payload["icon"])
    devices = list(PushSubscription.objects.filter(user=user).values_list("pk", flat=True))
    for subscription_id in devices:
        task_enqueue(push_send, args=(subscription_id, payload))
    return len(devices)


@shared_task
def push_notice(notice_id: int) -> int:
    """Push a notice (any Notice kind) to its recipient's devices, unless they switched
    its kind off; nothing when it was taken back meanwhile (an unlike)."""
    from messaging.models import Notice
    from messaging.push import notice_payload

    notice = Notice.objects.select_related("recipient", "actor").filter(pk=notice_id).first()
    if notice is None or not notice.actor.is_active or not notice.recipient.is_active:
        return 0
    if notice.kind in services.push_muted_kinds(notice.recipient):
        return 0
    return _deliver(notice.recipient, lambda: notice_payload(notice))


@shared_task
def push_message(message_id: int) -> int:
    from messaging.models import Message
    from messaging.push import MESSAGE, message_payload

    message = Message.objects.select_related("sender", "recipient").filter(pk=message_id).first()
    if message is None or not message.sender.is_active or not message.recipient.is_active:
        return 0
    if MESSAGE in services.push_muted_kinds(message.recipient):
        return 0
    return _deliver(message.recipient, lambda: message_payload(message))


@shared_task(bind=True, max_retries=PUSH_MAX_RETRIES)
def push_send(self, subscription_id: int, payload: dict) -> str:
    """Send one notification to one device: encrypted for it, signed with the site's
    VAPID key. A device its push service says is gone (404, 410), or whose address turns
    out not to be public, is deleted; a busy or unreachable push service is retried with
    backoff. Returns what became of it (for the logs and tests)."""
    import json

    import requests
    from django.conf import settings
    from django.utils import timezone
    from py_vapid import Vapid
    from pywebpush import WebPushException, webpush

    from messaging.models import PushSubscription
    from messaging.push import PushRefused, endpoint_resolve_check

    subscription = PushSubscription.objects.filter(pk=subscription_id).first()
    if subscription is None or not settings.VAPID_PRIVATE_KEY:
        return "gone"
    try:
        endpoint_resolve_check(subscription.endpoint)
        webpush(
            subscription.info(),
            data=json.dumps(payload),
            vapid_private_key=Vapid.from_string(settings.VAPID_PRIVATE_KEY),
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            timeout=PUSH_TIMEOUT,
            ttl=PUSH_TTL,
            headers={"Urgency": "normal"},
        )
    except PushRefused as refused:
        logger.warning("Push subscription %s deleted: %s", subscription_id, refused)
        subscription.delete()
        return "refused"
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in (404, 410):
            logger.info("Push subscription %s is gone (%s); deleted", subscription_id, status)
            subscription.delete()
            return "deleted"
        if status is None or status == 429 or status >= 500:
            return _push_retry(self, subscription_id, error)
        logger.error("Push to subscription %s refused (%s): %s", subscription_id, status, error)
        return "refused"
    except (requests.ConnectionError, requests.Timeout, OSError) as error:
        return _push_retry(self, subscription_id, error)
    PushSubscription.objects.filter(pk=subscription_id).update(last_used=timezone.now())
    return "sent"


def _push_retry(task, subscription_id: int, error: Exception) -> str:
    if task.request.retries >= PUSH_MAX_RETRIES:
        logger.warning("Push to subscription %s given up after %d tries: %s", subscription_id, task.max_retries, error)
        return "given up"
    from django.conf import settings

    raise task.retry(countdown=settings.PUSH_RETRY_SECONDS * 2**task.request.retries)


@shared_task
def unread_counts_refresh(member_ids: list[int]) -> int:
    return services.unread_counts_refresh(member_ids=member_ids)
