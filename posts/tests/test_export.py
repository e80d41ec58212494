import datetime
import fcntl
import json

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from core.models import OutboxTask
from core.queue import outbox_flush
from messaging.models import Job, Notification
from microblog.celery import app as celery_app
from posts import tasks
from posts.models import Post
from posts.services import EXPORT_JOB, posts_export
from posts.tests.factories import PostFactory

EXPORT = reverse("posts:export")


@pytest.fixture(autouse=True)
def _job_files_in_tmp(settings, tmp_path):
    settings.JOB_RESULTS_DIR = tmp_path / "jobs"


def _flashed(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def _start(client, capture):
    with capture(execute=True):
        return client.post(EXPORT)


def test_it_exports_the_members_posts_as_json_and_emails_them(alice, alice_client, django_capture_on_commit_callbacks):
    PostFactory(author=alice, body="first «tea»", created=timezone.now() - datetime.timedelta(days=1), language="en")
    PostFactory(author=alice, body="second")
    PostFactory(body="someone else's")

    response = _start(alice_client, django_capture_on_commit_callbacks)

    assert response["Location"] == "/user/alice/"
    assert "Your export has started." in " ".join(_flashed(response))
    job = Job.objects.get(user=alice)
    assert (job.complete, job.progress, job.error) == (True, 100, "")
    exported = json.loads(job.result_path().read_text())
    assert exported["username"] == "alice" and exported["post_count"] == 2
    assert [post["body"] for post in exported["posts"]] == ["first «tea»", "second"]
    first = exported["posts"][0]
    assert first["language"] == "en"
    assert datetime.datetime.fromisoformat(first["created"]).tzinfo is not None
    (email,) = mail.outbox
    assert email.to == ["alice@example.com"]
    (filename, content, mimetype) = email.attachments[0]
    assert filename == "microblog-posts-alice.json" and mimetype == "application/json"
    assert json.loads(content)["post_count"] == 2
    assert f"http://localhost:8000/jobs/{job.pk}/download/" in email.body


def test_a_member_with_no_posts_gets_an_empty_list(alice, alice_client, django_capture_on_commit_callbacks):
    _start(alice_client, django_capture_on_commit_callbacks)

    assert json.loads(Job.objects.get().result_path().read_text())["posts"] == []


def test_a_big_export_is_linked_not_attached(alice, alice_client, django_capture_on_commit_callbacks, settings):
    settings.EXPORT_ATTACHMENT_MAX_BYTES = 10
    PostFactory(author=alice)

    _start(alice_client, django_capture_on_commit_callbacks)

    assert mail.outbox[0].attachments == []
    assert "/download/" in mail.outbox[0].body


def test_the_progress_notification_ends_complete_with_a_download_link(
    alice, alice_client, django_capture_on_commit_callbacks
):
    PostFactory.create_batch(45, author=alice)

    _start(alice_client, django_capture_on_commit_callbacks)

    job = Job.objects.get()
    payload = Notification.objects.get(user=alice, name=Notification.JOB_PROGRESS).payload
    assert payload["progress"] == 100 and payload["complete"] is True
    assert payload["download_url"] == reverse("messaging:job-download", args=[job.pk])


def test_a_second_export_is_refused_while_one_runs(alice, alice_client):
    # Without executing on-commit callbacks the first job stays queued.
    alice_client.post(EXPORT)

    response = alice_client.post(EXPORT)

    assert "already running" in " ".join(_flashed(response))
    assert Job.objects.filter(user=alice).count() == 1


def test_the_profile_disables_the_button_while_an_export_runs(alice, alice_client):
    alice_client.post(EXPORT)

    html = alice_client.get("/user/alice/").content.decode()

    assert "Export my posts" in html and "disabled" in html
    assert "Exporting your posts" in html  # the navbar's progress bar, rendered by the server


def test_a_finished_export_can_be_started_again(alice, alice_client, django_capture_on_commit_callbacks):
    _start(alice_client, django_capture_on_commit_callbacks)
    _start(alice_client, django_capture_on_commit_callbacks)

    assert Job.objects.filter(user=alice, complete=True).count() == 2


def test_the_profile_links_the_last_finished_export(alice, alice_client, django_capture_on_commit_callbacks):
    _start(alice_client, django_capture_on_commit_callbacks)

    html = alice_client.get("/user/alice/").content.decode()

    assert reverse("messaging:job-download", args=[Job.objects.get().pk]) in html


def test_other_members_see_no_export_button(alice, bob_client):
    assert "Export my posts" not in bob_client.get("/user/alice/").content.decode()


def test_when_the_queue_is_down_the_export_waits_in_the_outbox_and_runs_later(
    alice, alice_client, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    PostFactory(author=alice, body="kept for later")

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.posts_export, "apply_async", broker_down)
    response = _start(alice_client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert "kept in the outbox" in caplog.text
    job = Job.objects.get()
    assert not job.complete  # waiting, not failed
    (row,) = OutboxTask.objects.all()
    assert (row.task, row.task_id, row.args[0]) == ("posts.tasks.posts_export", job.pk, job.pk)

    monkeypatch.undo()  # the broker is back (tasks run eagerly here)
    with django_capture_on_commit_callbacks(execute=True):  # the email is queued on commit
        assert outbox_flush() == 1

    job.refresh_from_db()
    assert (job.complete, job.error, job.progress) == (True, "", 100)
    assert not OutboxTask.objects.exists()
    assert len(mail.outbox) == 1
    assert outbox_flush() == 0  # a second sweep sends nothing twice
    assert len(mail.outbox) == 1


# serialized_rollback: the flush after this test must not take the migrations' groups with it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_when_the_queue_is_down_the_page_says_the_export_is_saved(alice, client_for, monkeypatch):
    # Autocommit (no test transaction): the enqueue runs inside the request, as in production.
    monkeypatch.setattr(
        tasks.posts_export, "apply_async", lambda *a, **k: (_ for _ in ()).throw(OperationalError("down"))
    )

    response = client_for(alice).post(EXPORT)

    assert "your export is saved and will start when it is back" in " ".join(_flashed(response))
    assert [message.level_tag for message in get_messages(response.wsgi_request)] == ["warning"]
    assert OutboxTask.objects.get().task_id == Job.objects.get(user=alice, complete=False).pk


def test_a_task_that_raises_marks_the_job_failed(alice, alice_client, django_capture_on_commit_callbacks, monkeypatch):
    def disk_full(**kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("posts.services.posts_export", disk_full)
    # As on a worker: the error is recorded by the task's failure handler, not re-raised into the page.
    celery_app.conf.task_eager_propagates = False  # the autouse fixture restores it

    _start(alice_client, django_capture_on_commit_callbacks)

    job = Job.objects.get()
    assert job.complete and job.error == "Something went wrong and the job stopped."
    payload = Notification.objects.get(user=alice, name=Notification.JOB_PROGRESS).payload
    assert payload["complete"] and payload["error"] and payload["download_url"] == ""


def test_running_the_task_twice_is_harmless(alice, alice_client, django_capture_on_commit_callbacks):
    PostFactory(author=alice)
    _start(alice_client, django_capture_on_commit_callbacks)
    job = Job.objects.get()

    tasks.posts_export.apply(args=[job.pk, "http://testserver/"])  # a redelivered message

    assert len(mail.outbox) == 1
    assert Job.objects.get().complete


def _waiting_job(alice):
    return Job.objects.create(id="5b0c7a1e-0000-4000-8000-000000000001", user=alice, name=EXPORT_JOB, description="x")


def test_a_delivery_that_finds_another_writing_the_file_leaves_it_alone(alice, settings):
    job = _waiting_job(alice)
    partial = settings.JOB_RESULTS_DIR / "exports" / str(alice.pk) / f"{job.pk}.part"
    partial.parent.mkdir(parents=True)
    with partial.open("w") as other_run:
        other_run.write("half written by the first delivery")
        other_run.flush()
        fcntl.flock(other_run, fcntl.LOCK_EX)

        posts_export(job_id=job.pk, site_url="http://testserver/")

    assert partial.read_text() == "half written by the first delivery"
    job.refresh_from_db()
    assert not job.complete and not mail.outbox


def test_a_delivery_that_another_finished_first_sends_no_second_email(alice, settings, monkeypatch):
    PostFactory.create_batch(30, author=alice)
    job = _waiting_job(alice)

    def finished_meanwhile(**kwargs):
        Job.objects.filter(pk=job.pk).update(complete=True, progress=100)
        return True  # the other delivery finished after this one's last progress step

    monkeypatch.setattr("posts.services.job_progress", finished_meanwhile)
    posts_export(job_id=job.pk, site_url="http://testserver/")

    assert not mail.outbox
    assert json.loads((settings.JOB_RESULTS_DIR / "exports" / str(alice.pk) / f"{job.pk}.json").read_text())


def test_anonymous_visitors_cannot_export(client, db):
    response = client.post(EXPORT)

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert not Job.objects.exists()


def test_get_does_not_start_an_export(alice_client):
    assert alice_client.get(EXPORT).status_code == 405
    assert not Job.objects.exists()


def test_the_export_streams_many_posts(alice, alice_client, django_capture_on_commit_callbacks):
    Post.objects.bulk_create(Post(author=alice, body=f"post {n}") for n in range(2500))

    _start(alice_client, django_capture_on_commit_callbacks)

    assert json.loads(Job.objects.get(name=EXPORT_JOB).result_path().read_text())["post_count"] == 2500
