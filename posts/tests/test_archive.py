import datetime
import io
import json
import zipfile

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from accounts.models import Block, Follow, Mute
from accounts.tests.factories import UserFactory
from messaging.models import Job, Message
from messaging.services import jobs_expire
from posts import media, services
from posts.archive import ARCHIVE_JOB
from posts.models import Bookmark, Like
from posts.tests import images
from posts.tests.factories import PostFactory

ARCHIVE = reverse("posts:archive")
DATA = reverse("posts:data")


@pytest.fixture(autouse=True)
def _job_files_in_tmp(settings, tmp_path):
    settings.JOB_RESULTS_DIR = tmp_path / "jobs"


def _build(client, capture):
    with capture(execute=True):
        response = client.post(ARCHIVE)
    assert response.status_code == 302
    return Job.objects.get(name=ARCHIVE_JOB)


def _zip(client, job) -> zipfile.ZipFile:
    response = client.get(reverse("messaging:job-download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_archive_holds_posts_media_messages_and_mastodons_csvs(
    alice, bob, charlie, alice_client, django_capture_on_commit_callbacks
):
    dave = UserFactory(username="dave")
    Follow.objects.create(follower=alice, followed=charlie)
    Block.objects.create(blocker=alice, blocked=dave)
    Mute.objects.create(muter=alice, muted=bob, notifications=False)
    theirs = PostFactory(author=bob, body="bob's")
    Bookmark.objects.create(member=alice, post=theirs)
    Like.objects.create(member=alice, post=theirs)
    Message.objects.create(sender=bob, recipient=alice, body="hello alice")
    with django_capture_on_commit_callbacks(execute=True):
        upload = media.media_upload(owner=alice, upload=images.jpeg(64, 64))
        upload.description = "A cup"
        upload.save()
        first = services.post_create(author=alice, body="first «tea»", attachments=[upload])
    PostFactory(author=alice, body="second")

    job = _build(alice_client, django_capture_on_commit_callbacks)

    assert (job.complete, job.error, job.progress) == (True, "", 100)
    assert job.expires > timezone.now() + datetime.timedelta(days=6)
    archive = _zip(alice_client, job)
    # Mastodon's export formats, so that its import reads them.
    assert archive.read("following_accounts.csv").decode() == (
        "Account address,Show boosts,Notify on new posts,Languages\ncharlie@localhost,true,false,\n"
    )
    assert archive.read("blocked_accounts.csv").decode() == "dave@localhost\n"
    assert archive.read("muted_accounts.csv").decode() == "Account address,Hide notifications\nbob@localhost,false\n"
    assert archive.read("bookmarks.csv").decode() == f"http://localhost:8000/@bob/{theirs.pk}/\n"
    posts = json.loads(archive.read("posts.json"))
    assert [post["body"] for post in posts["posts"]] == ["first «tea»", "second"]
    outbox = json.loads(archive.read("outbox.json"))
    assert (outbox["type"], outbox["totalItems"]) == ("OrderedCollection", 2)
    create = outbox["orderedItems"][0]
    assert create["type"] == "Create" and create["object"]["type"] == "Note"
    assert create["object"]["url"] == f"http://localhost:8000/@alice/{first.pk}/"
    (document,) = create["object"]["attachment"]
    assert document["name"] == "A cup" and document["mediaType"] == "image/webp"
    upload.refresh_from_db()
    with default_storage.open(upload.file, "rb") as stored:
        assert archive.read(document["url"]) == stored.read()
    assert json.loads(archive.read("actor.json"))["preferredUsername"] == "alice"
    assert json.loads(archive.read("likes.json"))["orderedItems"] == [f"http://localhost:8000/@bob/{theirs.pk}/"]
    assert json.loads(archive.read("messages.json"))["messages"][0]["body"] == "hello alice"
    (email,) = mail.outbox
    assert email.to == ["alice@example.com"] and not email.attachments
    assert f"/jobs/{job.pk}/download/" in email.body


def test_only_the_owner_can_download_the_archive(alice, alice_client, bob_client, django_capture_on_commit_callbacks):
    job = _build(alice_client, django_capture_on_commit_callbacks)

    assert bob_client.get(reverse("messaging:job-download", args=[job.pk])).status_code == 404


def test_an_expired_archive_is_refused_and_its_file_deleted(alice, alice_client, django_capture_on_commit_callbacks):
    job = _build(alice_client, django_capture_on_commit_callbacks)
    name = job.archive.name
    Job.objects.filter(pk=job.pk).update(expires=timezone.now() - datetime.timedelta(seconds=1))

    assert alice_client.get(reverse("messaging:job-download", args=[job.pk])).status_code == 404
    assert jobs_expire() == 1
    assert not default_storage.exists(name)
    assert "Your last archive has expired" in alice_client.get(DATA).text


def test_one_archive_at_a_time(alice, alice_client):
    alice_client.post(ARCHIVE)  # queued, not run (no on-commit callbacks here)
    response = alice_client.post(ARCHIVE, follow=True)

    assert "Your archive is being prepared already." in response.text
    assert Job.objects.filter(name=ARCHIVE_JOB).count() == 1


def test_a_second_delivery_of_a_finished_job_does_nothing(alice, alice_client, django_capture_on_commit_callbacks):
    from posts.archive import archive_export

    job = _build(alice_client, django_capture_on_commit_callbacks)
    archive_export(job_id=job.pk, site_url="http://localhost:8000")

    assert len(mail.outbox) == 1
    assert len(default_storage.listdir(f"archives/{alice.pk}")[1]) == 1


def test_the_archive_start_needs_login_and_post(client, alice_client):
    assert client.post(ARCHIVE).status_code == 302
    assert alice_client.get(ARCHIVE).status_code == 405


def test_the_media_address_never_serves_an_archive(alice, alice_client, client, django_capture_on_commit_callbacks):
    job = _build(alice_client, django_capture_on_commit_callbacks)

    assert default_storage.exists(job.archive.name)
    assert client.get(f"/media/{job.archive.name}").status_code == 404
    assert alice_client.get(f"/media/{job.archive.name}").status_code == 404


def test_deleting_the_account_deletes_its_archive_and_saved_import_rows(
    alice, alice_client, django_capture_on_commit_callbacks, search_index, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from accounts.deletion import account_delete_run

    call_command("rebuild_index", interactive=False, verbosity=0)
    job = _build(alice_client, django_capture_on_commit_callbacks)
    upload = SimpleUploadedFile("b.csv", b"bob@localhost\n")
    alice_client.post(reverse("posts:import"), {"kind": "blocks", "mode": "merge", "file": upload})  # not run
    waiting = Job.objects.get(name="import")
    data = settings.JOB_RESULTS_DIR / waiting.summary["data"]
    assert data.is_file()

    with django_capture_on_commit_callbacks(execute=True):
        account_delete_run(user_id=alice.pk)

    assert not default_storage.exists(job.archive.name)
    assert not data.exists()
