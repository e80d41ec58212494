"""The hourly sweep of uploads never attached to a post: after a day their rows go and
their files after commit, on disk and in the bucket alike; attached ones, recent ones
and others' posts' images stay."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from posts import media, tasks
from posts.models import MediaAttachment
from posts.services import post_create
from posts.tests import images

pytestmark = pytest.mark.django_db


def _aged(attachment, **delta):
    MediaAttachment.objects.filter(pk=attachment.pk).update(created=timezone.now() - datetime.timedelta(**delta))


def _uploads(alice, committing):
    """An old unattached upload (processed), an old one still waiting, a recent one, and an old attached one."""
    old = committing(media.media_upload, owner=alice, upload=images.jpeg())
    waiting = media.media_upload(owner=alice, upload=images.png())
    recent = committing(media.media_upload, owner=alice, upload=images.jpeg())
    used = committing(media.media_upload, owner=alice, upload=images.jpeg())
    post_create(author=alice, body="", attachments=[used])
    for attachment in (old, waiting, used):
        _aged(attachment, hours=25)
    _aged(recent, hours=23)
    return [MediaAttachment.objects.get(pk=a.pk) for a in (old, waiting, recent, used)]


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    def call(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return call


def test_old_unattached_uploads_go_with_their_files(alice, committing):
    old, waiting, recent, used = _uploads(alice, committing)
    assert old.file and waiting.original
    gone = old.stored_names + waiting.stored_names
    assert all(default_storage.exists(name) for name in gone)
    # The beat entry's task, as the worker runs it.
    assert committing(tasks.media_sweep.apply).get() == 2
    assert set(MediaAttachment.objects.values_list("pk", flat=True)) == {recent.pk, used.pk}
    assert not any(default_storage.exists(name) for name in gone)
    assert all(default_storage.exists(name) for name in recent.stored_names + used.stored_names)
    # Nothing left to do: a second run finds nothing.
    assert committing(media.media_sweep) == 0


def test_the_sweep_works_in_batches(alice, committing):
    for _ in range(5):
        _aged(MediaAttachment.objects.create(owner=alice, original="originals/x/none.jpg"), days=2)
    assert committing(media.media_sweep, batch=2) == 5
    assert MediaAttachment.objects.count() == 0


def test_the_sweep_deletes_from_the_bucket(alice, committing, s3_media):
    client, bucket = s3_media
    old, waiting, recent, used = _uploads(alice, committing)

    def keys():
        return {item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])}

    assert set(old.stored_names) <= keys()
    committing(media.media_sweep)
    assert keys() == set(recent.stored_names + used.stored_names)


def test_beat_runs_the_sweep(settings):
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "posts.tasks.media_sweep")
    assert entry["schedule"] <= 3600
