"""Uploaded files on the filesystem and in an S3 bucket (moto's S3 server, the
production code path): random names, readable back, served without a listing,
deleted by a task, and a clear error when the bucket is down."""

import urllib.request

import pytest
from django.core.files.storage import default_storage

from core import media
from core.tasks import media_delete

PNG = b"\x89PNG\r\n\x1a\n" + b"x" * 100


def test_names_are_random_and_never_the_uploaded_name():
    names = {media.media_name("attachments", "webp") for _ in range(100)}
    assert len(names) == 100
    name = names.pop()
    assert name.startswith("attachments/") and name.endswith(".webp")
    # 128 bits of URL-safe randomness, with two of its characters as a subfolder.
    folder, token = name.removeprefix("attachments/").split("/")
    assert len(token.removesuffix(".webp")) >= 22 and token.startswith(folder)


def test_filesystem_storage_keeps_files_under_media_root(settings):
    name = media.media_save(media.media_name("attachments", "png"), PNG)
    assert (settings.MEDIA_ROOT / name).read_bytes() == PNG
    assert media.media_read(name) == PNG
    assert media.media_url(name) == f"/media/{name}"
    media_delete.delay([name])
    assert not (settings.MEDIA_ROOT / name).exists()
    # Twice is harmless: a retried task finds nothing to delete.
    media_delete.delay([name])


@pytest.mark.django_db
def test_the_app_serves_media_in_development_without_listing_folders(client):
    name = media.media_save(media.media_name("attachments", "png"), PNG)
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    folder = name.rsplit("/", 1)[0]
    assert client.get(f"/media/{folder}/").status_code == 404
    assert client.get("/media/attachments/").status_code == 404


def test_s3_storage_stores_reads_serves_and_deletes(s3_media):
    s3, bucket = s3_media
    assert default_storage.__class__.__name__ == "S3Storage"
    name = media.media_save(media.media_name("attachments", "png"), PNG)
    # Really in the bucket, under the random name.
    assert s3.get_object(Bucket=bucket, Key=name)["Body"].read() == PNG
    assert media.media_read(name) == PNG
    url = media.media_url(name)
    assert url.startswith("http://127.0.0.1:") and url.endswith(name) and "Signature" not in url
    # The plain URL a page links is fetchable as it is (public by its unguessable name).
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == PNG
        assert "immutable" in response.headers["Cache-Control"]
    media_delete.delay([name])
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount") == 0


def test_s3_down_is_a_clear_error_not_a_crash(s3_down):
    with pytest.raises(media.MediaStorageError) as raised:
        media.media_save(media.media_name("attachments", "png"), PNG)
    assert "can't be stored right now" in str(raised.value)
    with pytest.raises(media.MediaStorageError):
        media.media_delete(["attachments/ab/abcdef.png"])


def test_a_delete_that_fails_is_retried_by_the_task(s3_down):
    # The task owns its retries: autoretry on the storage's error.
    assert media.MediaStorageError in media_delete.autoretry_for
    assert media_delete.max_retries >= 5
