import smtplib

from celery import current_app as celery_app
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from kombu.exceptions import OperationalError

from core import mail as queued_mail
from core.tasks import email_deliver


def test_mail_is_queued_only_when_the_transaction_commits(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_mail("Hello", "Body", None, ["alice@example.com"])
        assert mail.outbox == []

    assert len(callbacks) == 1
    assert [message.subject for message in mail.outbox] == ["Hello"]


def test_a_rolled_back_transaction_sends_nothing(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        send_mail("Hello", "Body", None, ["alice@example.com"])

    assert mail.outbox == []


def test_a_message_survives_the_trip_through_the_queue():
    message = EmailMultiAlternatives(
        "Subject é", "Text", "from@example.com", ["to@example.com"], cc=["cc@example.com"], reply_to=["r@example.com"]
    )
    message.attach_alternative("<p>HTML</p>", "text/html")
    message.attach("data.json", b'{"a": 1}', "application/json")
    message.attach("note.txt", "plain text", "text/plain")

    copy = queued_mail.deserialize(queued_mail.serialize(message))

    assert (copy.subject, copy.body, copy.from_email, copy.to, copy.cc, copy.reply_to) == (
        "Subject é",
        "Text",
        "from@example.com",
        ["to@example.com"],
        ["cc@example.com"],
        ["r@example.com"],
    )
    assert copy.alternatives[0][:2] == ("<p>HTML</p>", "text/html")
    assert [tuple(a) for a in copy.attachments] == [
        ("data.json", b'{"a": 1}', "application/json"),
        ("note.txt", "plain text", "text/plain"),
    ]


def test_when_the_queue_is_down_the_mail_is_sent_directly(db, monkeypatch, caplog, django_capture_on_commit_callbacks):
    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(email_deliver, "apply_async", broker_down)

    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Reset your password", "Body", None, ["alice@example.com"])

    assert [message.subject for message in mail.outbox] == ["Reset your password"]
    assert "Could not queue core.tasks.email_deliver" in caplog.text


def test_delivery_retries_with_backoff_on_smtp_failure(monkeypatch):
    attempts = []

    def flaky(payload):
        attempts.append(payload)
        if len(attempts) < 3:
            raise smtplib.SMTPServerDisconnected("gone")
        mail.outbox.append(payload["subject"])

    monkeypatch.setattr(queued_mail, "email_deliver", flaky)
    celery_app.conf.task_eager_propagates = False  # let eager retries run as a worker would
    payload = queued_mail.serialize(EmailMultiAlternatives("Hi", "Body", None, ["a@example.com"]))

    email_deliver.apply(args=[payload])

    assert len(attempts) == 3 and mail.outbox == ["Hi"]
    assert email_deliver.retry_backoff and email_deliver.max_retries >= 5


def test_delivery_gives_up_after_the_last_retry(monkeypatch):
    def always_down(payload):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr(queued_mail, "email_deliver", always_down)
    celery_app.conf.task_eager_propagates = False
    payload = queued_mail.serialize(EmailMultiAlternatives("Hi", "Body", None, ["a@example.com"]))

    result = email_deliver.apply(args=[payload])

    assert result.failed() and isinstance(result.result, ConnectionRefusedError)
    assert mail.outbox == []
