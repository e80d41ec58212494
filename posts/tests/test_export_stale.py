"""Issue 21, item 8: an export whose task was lost (the broker restarted empty before a
worker took it, or its worker was killed) is failed after JOB_STALE_SECONDS without a
heartbeat, and the member can start another; a task that still beats is left alone.
The same with real worker processes: test_export_worker_killed.py."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.models import OutboxTask
from messaging import tasks as messaging_tasks
from messaging.models import Job
from messaging.services import job_progress, jobs_fail_stale
from posts import tasks
from posts.services import posts_export
from posts.tests.factories import PostFactory

EXPORT = reverse("posts:export")
STOPPED = "It stopped before it finished; you can start it again."


@pytest.fixture(autouse=True)
def _job_files_in_tmp(settings, tmp_path):
    settings.JOB_RESULTS_DIR = tmp_path / "jobs"
    settings.JOB_STALE_SECONDS = 600


def _silent_for(job, seconds):
    Job.objects.filter(pk=job.pk).update(heartbeat=timezone.now() - datetime.timedelta(seconds=seconds))


def _lost_export(client):
    """An export whose queued message was lost: the on-commit publish never runs."""
    client.post(EXPORT)
    return Job.objects.get(complete=False)


def test_the_sweep_fails_a_job_whose_message_was_lost_and_a_new_export_starts(
    alice, alice_client, django_capture_on_commit_callbacks
):
    lost = _lost_export(alice_client)
    _silent_for(lost, 601)

    messaging_tasks.jobs_fail_stale.apply()

    lost.refresh_from_db()
    assert (lost.complete, lost.error) == (True, STOPPED)
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(EXPORT)
    assert "Your export has started." in str(list(get_messages(response.wsgi_request))[-1])
    assert Job.objects.filter(user=alice, complete=True, error="").count() == 1
    assert len(mail.outbox) == 1


def test_the_page_shows_the_failure_and_enables_the_button(alice, alice_client):
    _silent_for(_lost_export(alice_client), 601)
    jobs_fail_stale()

    html = alice_client.get("/user/alice/").content.decode()

    assert "The job failed:" in html and STOPPED.replace("'", "&#x27;") in html
    assert 'data-job-name="export_posts">' in html  # the button is not disabled


def test_a_new_export_is_not_refused_once_the_old_one_is_stale_even_before_the_sweep(alice, alice_client):
    lost = _lost_export(alice_client)
    _silent_for(lost, 601)

    html = alice_client.get("/user/alice/").content.decode()
    assert 'data-job-name="export_posts">' in html
    alice_client.post(EXPORT)

    lost.refresh_from_db()
    assert lost.error == STOPPED
    assert Job.objects.filter(user=alice, complete=False).exclude(pk=lost.pk).count() == 1


def test_a_job_within_the_bound_is_left_alone_and_still_blocks_a_second_export(alice, alice_client):
    job = _lost_export(alice_client)
    _silent_for(job, 599)

    assert jobs_fail_stale() == 0
    alice_client.post(EXPORT)

    job.refresh_from_db()
    assert not job.complete
    assert Job.objects.filter(user=alice).count() == 1


def test_a_job_whose_task_beats_is_left_alone(alice, alice_client):
    job = _lost_export(alice_client)
    _silent_for(job, 3600)

    assert job_progress(job=job, progress=10)  # the task is alive after all
    assert jobs_fail_stale() == 0
    job.refresh_from_db()
    assert not job.complete and job.progress == 10


def test_the_start_of_the_task_is_a_heartbeat(alice, alice_client, monkeypatch):
    job = _lost_export(alice_client)
    _silent_for(job, 3600)
    beats = []
    monkeypatch.setattr("posts.services.posts_export", lambda **kwargs: beats.append(jobs_fail_stale()))

    tasks.posts_export.apply(args=(job.pk, "http://testserver/"), task_id=job.pk)

    assert beats == [0]  # the sweep, run while the task ran, found it alive


def test_a_job_waiting_in_the_outbox_for_the_broker_is_not_stale(alice, alice_client):
    job = _lost_export(alice_client)
    OutboxTask.objects.create(task=tasks.posts_export.name, args=[job.pk, "x"], kwargs={}, task_id=job.pk)
    _silent_for(job, 3600)

    assert jobs_fail_stale() == 0


def test_a_late_task_does_not_overwrite_the_failure_nor_email(alice, alice_client):
    PostFactory.create_batch(30, author=alice)
    job = _lost_export(alice_client)
    _silent_for(job, 601)
    jobs_fail_stale()

    # The lost message turns up after all (a redelivery after the worker's death).
    tasks.posts_export.apply(args=(job.pk, "http://testserver/"), task_id=job.pk)
    stale = Job.objects.get(pk=job.pk)
    stale.complete = False  # a run that started before the sweep and beats again afterwards
    assert not job_progress(job=stale, progress=50)
    posts_export(job_id=job.pk, site_url="http://testserver/")

    job.refresh_from_db()
    assert (job.complete, job.error, job.progress) == (True, STOPPED, 0)
    assert not mail.outbox


def test_a_sweep_twice_fails_once(alice, alice_client):
    _silent_for(_lost_export(alice_client), 601)

    assert jobs_fail_stale() == 1
    assert jobs_fail_stale() == 0


def test_the_sweep_is_scheduled(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "messaging.tasks.jobs_fail_stale" in schedule
