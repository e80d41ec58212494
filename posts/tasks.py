from celery import shared_task

from messaging.tasks import JobTask
from posts.services import posts_export


@shared_task(base=JobTask)
def export_posts(job_id: str, site_url: str) -> None:
    posts_export(job_id=job_id, site_url=site_url)
