"""Celery tasks of the search app. Each has the name of the service it calls,
takes ids and is idempotent, so a retry or a duplicate does no harm."""

from celery import shared_task

from search import services

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
    services.search_index_posts(post_ids=post_ids)


@shared_task(**_SEARCH_RETRY)
def search_index_member(user_id: int) -> None:
    services.search_index_member(user_id=user_id)
