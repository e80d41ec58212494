"""Celery tasks of the posts app. Each takes ids, loads the rows and calls a
service; each is idempotent, so a retry or a duplicate does no harm."""

from celery import shared_task

from messaging.tasks import JobTask
from posts.search import search_index_member_sync, search_index_posts_sync
from posts.services import posts_export

# The index may be locked by another writer or briefly unreachable (Elasticsearch).
_SEARCH_RETRY = {
    "autoretry_for": (Exception,),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**_SEARCH_RETRY)
def search_index_posts(post_ids: list[int]) -> None:
    search_index_posts_sync(post_ids=post_ids)


@shared_task(**_SEARCH_RETRY)
def search_index_member(user_id: int) -> None:
    search_index_member_sync(user_id=user_id)


@shared_task(base=JobTask)
def export_posts(job_id: str, site_url: str, language: str = "") -> None:
    posts_export(job_id=job_id, site_url=site_url, language=language)
