"""Celery tasks of the posts app. Each takes ids, loads the rows and calls a
service; each is idempotent, so a retry or a duplicate does no harm."""

from celery import shared_task

from core.media import MediaStorageError
from messaging.tasks import JobTask
from posts import archive, imports, media, services


@shared_task(base=JobTask)
def posts_export(job_id: str, site_url: str, language: str = "") -> None:
    services.posts_export(job_id=job_id, site_url=site_url, language=language)


@shared_task(base=JobTask)
def archive_export(job_id: str, site_url: str, language: str = "") -> None:
    archive.archive_export(job_id=job_id, site_url=site_url, language=language)


@shared_task(base=JobTask)
def csv_import(job_id: str, kind: str, mode: str, data: str) -> None:
    imports.import_run(job_id=job_id, kind_name=kind, mode=mode, data=data)


# A bucket that is briefly away: back off and retry; the post shows "processing" meanwhile.
@shared_task(
    autoretry_for=(MediaStorageError,),
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=10,
)
def media_process(attachment_id: int) -> None:
    media.media_process(attachment_id=attachment_id)


@shared_task
def media_sweep() -> int:
    """Delete uploads never put in a post within a day (CELERY_BEAT_SCHEDULE)."""
    return media.media_sweep()
