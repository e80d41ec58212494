import datetime
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Messages older than any read time count as read; this stands in for "never read".
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class MessageQuerySet(models.QuerySet):
    def inbox_for(self, user):
        """Messages `user` received, newest first, senders loaded in the same query."""
        return self.filter(recipient=user, sender__is_active=True).select_related("sender").order_by("-created", "-id")

    def unread_for(self, user):
        return self.filter(recipient=user, sender__is_active=True, created__gt=user.last_message_read_time or _EPOCH)


class Message(models.Model):
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages_sent")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages_received")
    body = models.TextField(_("message"))
    created = models.DateTimeField(_("sent"), default=timezone.now)

    objects = MessageQuerySet.as_manager()

    class Meta:
        # The inbox and the unread count both read this index in order.
        indexes = [models.Index(fields=["recipient", "-created", "-id"], name="messaging_inbox_idx")]

    def __str__(self):
        return f"{self.sender} → {self.recipient}"

    def arrived_after_read(self, user) -> bool:
        """Whether this message came after `user` last read the inbox: the time test
        of unread_for (which also requires `user` as recipient and an active sender)."""
        return self.created > (user.last_message_read_time or _EPOCH)


class Notification(models.Model):
    """The latest value of one thing the navbar shows (unread count, job
    progress): one row per (user, name), overwritten rather than appended."""

    UNREAD_MESSAGE_COUNT = "unread_message_count"
    JOB_PROGRESS = "job_progress"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    name = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    timestamp = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="messaging_notification_unique_name")]
        # The poll asks for one member's rows newer than a time.
        indexes = [models.Index(fields=["user", "timestamp"], name="messaging_notif_poll_idx")]

    def __str__(self):
        return f"{self.user}: {self.name}"

    def as_dict(self) -> dict:
        return {"name": self.name, "data": self.payload, "timestamp": self.timestamp.timestamp()}


class Job(models.Model):
    """A background job a member started and watches (e.g. an export). The
    primary key is the Celery task id, so a redelivered task finds its row."""

    id = models.CharField(primary_key=True, max_length=36, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    name = models.CharField(_("name"), max_length=64)
    description = models.CharField(_("description"), max_length=255)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    complete = models.BooleanField(_("complete"), default=False)
    # Shown to the member when the job failed; empty on success.
    error = models.TextField(_("error"), blank=True)
    # The job's output file, relative to the exports directory.
    result = models.CharField(_("result"), max_length=255, blank=True)
    created = models.DateTimeField(_("started"), default=timezone.now)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        constraints = [
            # At most one running job of each kind per member, even under concurrent clicks.
            models.UniqueConstraint(
                fields=["user", "name"], condition=Q(complete=False), name="messaging_job_one_running_per_name"
            ),
        ]
        indexes = [models.Index(fields=["user", "-created"], name="messaging_job_user_idx")]

    def __str__(self):
        return f"{self.description} ({self.progress}%)"

    @property
    def succeeded(self) -> bool:
        return self.complete and not self.error

    def result_path(self) -> Path | None:
        """The job's output file, or None; never a path outside JOB_RESULTS_DIR."""
        if not self.result:
            return None
        root = Path(settings.JOB_RESULTS_DIR).resolve()
        path = (root / self.result).resolve()
        return path if path.is_relative_to(root) else None


class OutboxTask(models.Model):
    """A Celery task the broker refused (Redis down): kept here so the work is not
    lost, and published again by messaging.services.outbox_flush once it answers."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    # Kept when re-publishing: a job's task id is its Job id (see Job).
    task_id = models.CharField(max_length=36, blank=True)
    created = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.task}{tuple(self.args)!r}"
