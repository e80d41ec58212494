"""A real Celery worker, fed through the Redis server on 127.0.0.1, runs an
export from start to emailed attachment. Skips (CI: fails) without Redis."""

import json
import os

import pytest
import redis
from django.core import mail

from messaging.models import Job, Notification
from posts.models import Post
from posts.services import posts_export_start

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_reachable() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return False


@pytest.fixture
def redis_worker(settings, tmp_path, celery_worker_on):
    if not _redis_reachable():
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: start redis-server (or set TEST_REDIS_URL)")
    settings.JOB_RESULTS_DIR = tmp_path
    with celery_worker_on(REDIS_URL):
        yield


# serialized_rollback: the flush after this test must not take the migrations' groups with it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_exports_posts_and_emails_the_file(alice, redis_worker, wait_for):
    Post.objects.bulk_create(Post(author=alice, body=f"post number {n}") for n in range(3000))

    job = posts_export_start(user=alice, site_url="http://testserver/")

    assert wait_for(lambda: Job.objects.get(pk=job.pk).complete), "the export did not finish within 30 s"
    job.refresh_from_db()
    assert (job.progress, job.error) == (100, "")
    assert Notification.objects.get(user=alice, name=Notification.JOB_PROGRESS).payload["progress"] == 100
    # The email is a second task, queued by the first.
    assert wait_for(lambda: len(mail.outbox) == 1), "the export email was not delivered"
    (filename, content, mimetype) = mail.outbox[0].attachments[0]
    assert json.loads(content)["post_count"] == 3000
