import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging.models import Job, Message, Notification
from messaging.services import (
    JobAlreadyRunning,
    MessageError,
    job_fail,
    job_finish,
    job_start,
    message_send,
    messages_mark_read,
    notification_set,
)
from posts.tasks import posts_export


def test_message_send_strips_the_body_and_counts_unread(alice, bob):
    message = message_send(sender=bob, recipient=alice, body="  hi  ")

    assert message.body == "hi"
    assert Notification.objects.get(user=alice).payload == {"count": 1}


def test_message_send_refuses_oneself_and_closed_accounts(alice, bob):
    bob.is_active = False
    bob.save()

    with pytest.raises(MessageError):
        message_send(sender=alice, recipient=alice, body="hi")
    with pytest.raises(MessageError):
        message_send(sender=alice, recipient=bob, body="hi")
    assert not Message.objects.exists()


def test_reading_the_inbox_resets_the_unread_count(alice, bob):
    message_send(sender=bob, recipient=alice, body="hi")

    messages_mark_read(user=alice)
    message_send(sender=bob, recipient=alice, body="again")

    assert Notification.objects.get(user=alice).payload == {"count": 1}


def test_notification_set_keeps_one_row_per_name(alice):
    first = notification_set(user=alice, name="x", payload={"n": 1})
    second = notification_set(user=alice, name="x", payload={"n": 2})

    assert Notification.objects.get().payload == {"n": 2}
    assert second.timestamp >= first.timestamp


def test_job_start_refuses_a_second_running_job_of_the_same_kind(alice):
    job_start(user=alice, name="export_posts", description="Export", task=posts_export, args=("http://x/",))

    with pytest.raises(JobAlreadyRunning):
        job_start(user=alice, name="export_posts", description="Export", task=posts_export, args=("http://x/",))
    assert Job.objects.count() == 1


def test_job_fail_does_not_touch_a_finished_job(alice):
    job = Job.objects.create(id="3f1c8a2e-1111-4c2d-9a7b-0123456789ab", user=alice, name="n", description="d")
    job_finish(job=job, result="exports/x.json")

    job_fail(job_id=job.pk, error="late failure")

    job.refresh_from_db()
    assert job.succeeded and job.error == ""


def test_job_fail_on_an_unknown_job_is_a_no_op(db):
    job_fail(job_id="missing", error="x")


def test_marking_read_with_nothing_new_writes_nothing(alice, bob, django_assert_num_queries):
    message_send(sender=bob, recipient=alice, body="hi")
    messages_mark_read(user=alice)
    alice.refresh_from_db()
    read_at = alice.last_message_read_time
    newest_page = list(Message.objects.inbox_for(alice))

    with django_assert_num_queries(2):  # two reads: the unread messages and the badge
        messages_mark_read(user=alice)
    with django_assert_num_queries(1):  # the newest page shows there is nothing unread: only the badge
        messages_mark_read(user=alice, newest_page=newest_page)
    with django_assert_num_queries(1):
        messages_mark_read(user=alice, newest_page=[])

    alice.refresh_from_db()
    assert alice.last_message_read_time == read_at


def test_a_badge_left_by_a_closed_senders_message_is_still_cleared(alice, bob):
    message_send(sender=bob, recipient=alice, body="hi")
    bob.is_active = False
    bob.save()  # the message no longer counts as unread, but the badge still says 1

    messages_mark_read(user=alice)

    assert Notification.objects.get(user=alice).payload == {"count": 0}


def test_marking_read_from_the_newest_page_needs_no_unread_query(alice, bob, charlie, django_assert_num_queries):
    message_send(sender=bob, recipient=alice, body="old")
    messages_mark_read(user=alice)
    message_send(sender=charlie, recipient=alice, body="new")
    alice.refresh_from_db()
    newest_page = list(Message.objects.inbox_for(alice))

    with CaptureQueriesContext(connection) as captured:
        messages_mark_read(user=alice, newest_page=newest_page)

    assert [q["sql"] for q in captured if q["sql"].startswith("SELECT 1 AS")] == []  # no exists() check
    assert not Message.objects.unread_for(alice).exists()
    assert Notification.objects.get(user=alice).payload == {"count": 0}


def test_marking_read_from_an_older_page_still_finds_what_is_unread(alice, bob, charlie):
    message_send(sender=bob, recipient=alice, body="old")
    messages_mark_read(user=alice)
    message_send(sender=charlie, recipient=alice, body="new")
    alice.refresh_from_db()

    messages_mark_read(user=alice)  # an older page: the caller cannot tell

    assert not Message.objects.unread_for(alice).exists()
    assert Notification.objects.get(user=alice).payload == {"count": 0}


def test_a_badge_left_by_a_closed_sender_is_cleared_from_the_newest_page_too(alice, bob):
    message_send(sender=bob, recipient=alice, body="hi")
    bob.is_active = False
    bob.save()  # the inbox no longer shows the message, but the badge still says 1

    messages_mark_read(user=alice, newest_page=list(Message.objects.inbox_for(alice)))

    assert Notification.objects.get(user=alice).payload == {"count": 0}
