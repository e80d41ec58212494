"""Celery tasks of the accounts app: each takes ids and calls the service of the same name."""

from celery import shared_task

from accounts import services
from accounts.deletion import account_delete_run
from core.media import MediaStorageError


# A bucket that is briefly away: back off and retry; the old picture shows meanwhile.
@shared_task(
    autoretry_for=(MediaStorageError,), retry_backoff=10, retry_backoff_max=600, retry_jitter=True, max_retries=10
)
def profile_image_process(member_id: int, kind: str) -> None:
    services.profile_image_process(member_id=member_id, kind=kind)


@shared_task(acks_late=True)
def account_delete_task(user_id: int) -> int:
    """Delete the member's account (accounts.deletion); run again after a crash, it carries on."""
    return account_delete_run(user_id=user_id)
