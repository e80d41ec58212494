"""Celery tasks of the shared plumbing; each calls the function of the same name."""

import smtplib

from celery import shared_task
from celery.signals import worker_ready

from core import idempotency, mail, media, queue


# SMTP trouble is usually brief (server restart, greylisting): back off and retry for about an hour.
@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=8,
)
def email_deliver(payload: dict) -> None:
    mail.email_deliver(payload)


# A bucket that is briefly away: back off and retry for about an hour.
@shared_task(
    autoretry_for=(media.MediaStorageError,),
    retry_backoff=30,
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=8,
)
def media_delete(names: list[str]) -> None:
    """Delete stored files (a deleted post's images, a replaced avatar), after commit."""
    media.media_delete(names)


@shared_task
def outbox_flush() -> None:
    """Re-queue the tasks the broker refused while it was down (CELERY_BEAT_SCHEDULE)."""
    queue.outbox_flush()


@shared_task
def idempotency_keys_purge() -> None:
    """Forget the forms' and the API's one-time keys after a day (CELERY_BEAT_SCHEDULE)."""
    idempotency.idempotency_keys_purge()


@worker_ready.connect
def _flush_outbox_at_start(sender, **kwargs):
    # A worker that starts after an outage sends what waited, without waiting for beat.
    outbox_flush.delay()
