import logging
import smtplib

from celery import Task, shared_task
from celery.signals import worker_ready
from django.utils.translation import gettext as _

from messaging import mail, services
from messaging.services import job_fail

logger = logging.getLogger(__name__)


class JobTask(Task):
    """Base for tasks whose first argument is a messaging.Job id: a crash ends
    the job with a visible error instead of a progress bar stuck forever."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        logger.error("Job %s failed: %r", args[0] if args else task_id, exc)
        job_fail(job_id=args[0] if args else task_id, error=_("Something went wrong and the job stopped."))


# SMTP trouble is usually brief (server restart, greylisting): back off and retry for ~1 hour.
@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=8,
)
def email_deliver(payload: dict) -> None:
    mail.deliver(payload)


@shared_task
def outbox_flush() -> None:
    """Re-queue the tasks the broker refused while it was down (CELERY_BEAT_SCHEDULE)."""
    services.outbox_flush()


@worker_ready.connect
def _flush_outbox_at_start(sender, **kwargs):
    # A worker that starts after an outage sends what waited, without waiting for beat.
    outbox_flush.delay()
