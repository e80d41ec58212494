"""Email goes out through Celery: EMAIL_BACKEND queues each message after the
transaction commits (core.queue), and the email_deliver task hands it to the real
backend (EMAIL_DELIVERY_BACKEND, from EMAIL_URL) with retries. Code that sends
mail (allauth, the export job) just calls Django's mail API."""

import base64
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from core.queue import task_enqueue


def serialize(message) -> dict | None:
    """A JSON-safe copy of an EmailMessage, or None if it has parts JSON can't carry."""
    attachments = []
    for attachment in message.attachments:
        if not isinstance(attachment, tuple):  # a prebuilt MIME part
            return None
        filename, content, mimetype = attachment
        if isinstance(content, bytes):
            attachments.append([filename, base64.b64encode(content).decode(), mimetype, "base64"])
        else:
            attachments.append([filename, content, mimetype, "text"])
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [list(alternative) for alternative in getattr(message, "alternatives", [])],
        "attachments": attachments,
        "content_subtype": message.content_subtype,
    }


def deserialize(payload: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload["cc"],
        bcc=payload["bcc"],
        reply_to=payload["reply_to"],
        headers=payload["headers"],
        alternatives=[tuple(alternative) for alternative in payload["alternatives"]],
    )
    message.content_subtype = payload["content_subtype"]
    for filename, content, mimetype, encoding in payload["attachments"]:
        message.attach(filename, base64.b64decode(content) if encoding == "base64" else content, mimetype)
    return message


def email_deliver(payload: dict) -> None:
    """Send through the real backend; errors propagate so the task can retry."""
    with get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=False) as connection:
        connection.send_messages([deserialize(payload)])


def _deliver_directly(message) -> None:
    with get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=True) as connection:
        connection.send_messages([message])


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        from core.tasks import email_deliver

        for message in email_messages:
            payload = serialize(message)
            if payload is None:  # parts JSON can't carry: no queue for this one
                transaction.on_commit(partial(_deliver_directly, message))
                continue
            # With the broker down a password-reset mail must still go out: sent at once.
            task_enqueue(email_deliver, args=(payload,), when_refused=partial(_deliver_directly, message))
        return len(email_messages)
