import datetime
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import hidden_authors_sql

# Messages older than any read time count as read; this stands in for "never read".
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class MessageQuerySet(models.QuerySet):
    def received_by(self, user):
        """Messages `user` received from active members they are not blocking or blocked by."""
        hidden = RawSQL(*hidden_authors_sql(user, mutes=False))
        return self.filter(recipient=user, sender__is_active=True).exclude(sender_id__in=hidden)

    def inbox_for(self, user):
        """Messages `user` received, newest first, senders loaded in the same query."""
        return self.received_by(user).select_related("sender").order_by("-created", "-id")

    def unread_for(self, user):
        return self.received_by(user).filter(created__gt=user.last_message_read_time or _EPOCH)


class NoticeQuerySet(models.QuerySet):
    def for_recipient(self, user):
        """`user`'s notices that they may see: from active members, none from a member
        they block or who blocks them, nor from one they muted with notifications."""
        hidden = RawSQL(*hidden_authors_sql(user, mutes=True, notifications=True))
        return self.filter(recipient=user, actor__is_active=True).exclude(actor_id__in=hidden)


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
    UNREAD_NOTICE_COUNT = "unread_notice_count"
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


def stale_before() -> datetime.datetime:
    """A running job whose heartbeat is older than this has lost its task."""
    return timezone.now() - datetime.timedelta(seconds=settings.JOB_STALE_SECONDS)


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
    # An output kept in the default storage (disk or S3) instead: the member's archive.
    # Its name is random; only messaging:job-download hands it out, to the owner.
    archive = models.FileField(_("archive"), max_length=255, blank=True)
    # After this the download is refused and the file deleted (jobs_expire); None: kept.
    expires = models.DateTimeField(_("expires"), null=True, blank=True)
    # What the job did, for the member (an import's counts: added, skipped, unknown…).
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created = models.DateTimeField(_("started"), default=timezone.now)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    # Refreshed when the task starts and at each progress step. A job that has not beaten for
    # JOB_STALE_SECONDS lost its task (a queue emptied by a restart, a killed worker) and is failed.
    heartbeat = models.DateTimeField(_("heartbeat"), default=timezone.now)

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

    @property
    def is_expired(self) -> bool:
        return self.expires is not None and self.expires <= timezone.now()

    @property
    def is_stale(self) -> bool:
        """Unfinished and silent for longer than JOB_STALE_SECONDS: its task is gone."""
        return not self.complete and self.heartbeat < stale_before()

    def result_path(self) -> Path | None:
        """The job's output file, or None; never a path outside JOB_RESULTS_DIR."""
        if not self.result:
            return None
        root = Path(settings.JOB_RESULTS_DIR).resolve()
        path = (root / self.result).resolve()
        return path if path.is_relative_to(root) else None

    def owned_files(self) -> list[Path]:
        """Files that go with the row when a member's account is deleted (accounts.deletion):
        its result, and the rows an unfinished import keeps (summary["data"]). The archive
        is a FileField, which the deletion walk finds by itself."""
        root = Path(settings.JOB_RESULTS_DIR).resolve()
        paths = [self.result_path()]
        if self.summary.get("data"):
            data = (root / self.summary["data"]).resolve()
            paths.append(data if data.is_relative_to(root) else None)
        return [path for path in paths if path]


class Notice(models.Model):
    """One entry of a member's notifications page: `actor` did `kind` to them,
    about `subject_id` (a post's id for the post kinds; messaging knows no posts,
    the app that acts passes the id and renders the subject)."""

    class Kind(models.TextChoices):
        FOLLOW = "follow", _("followed you")
        MENTION = "mention", _("mentioned you")
        REPLY = "reply", _("replied to your post")
        LIKE = "like", _("liked your post")
        BOOST = "boost", _("boosted your post")
        QUOTE = "quote", _("quoted your post")
        # About a member's own report (subject: the report's id); the actor is the member.
        REPORT_RECEIVED = "report_received", _("your report was received")
        REPORT_RESOLVED = "report_resolved", _("your report was resolved")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices_caused")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # 0 where there is no subject (a follow), so the unique constraint holds on every database.
    subject_id = models.BigIntegerField(_("subject"), default=0)
    created = models.DateTimeField(_("created"), default=timezone.now)
    read = models.BooleanField(_("read"), default=False)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        constraints = [
            # Doing the same thing twice (a double click, a like after an unlike) notifies once.
            models.UniqueConstraint(fields=["recipient", "kind", "actor", "subject_id"], name="messaging_notice_once"),
        ]
        indexes = [
            # The notifications page (newest first, keyset) and its unread badge.
            models.Index(fields=["recipient", "-created", "-id"], name="messaging_notice_list_idx"),
            # Undoing an action finds the notices it caused.
            models.Index(fields=["actor", "kind", "subject_id"], name="messaging_notice_actor_idx"),
        ]

    def __str__(self):
        return f"{self.actor} {self.kind} → {self.recipient}"


class StreamEvent(models.Model):
    """The stream's event log on the embedded default (no REDIS_URL): the stream
    process reads it from its own process (messaging.stream). With Redis the log is a
    capped Redis stream instead and this table stays empty. Pruned as it grows, to the
    replay window (STREAM_REPLAY_EVENTS)."""

    name = models.CharField(max_length=32)
    # The member the event is for, or None for a public topic (a timeline).
    user_id = models.BigIntegerField(null=True)
    topics = models.JSONField(default=list)
    data = models.JSONField(default=dict)
    created = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.pk} {self.name}"


class PushSubscription(models.Model):
    """One device (a browser on a phone or desktop) a member turned push notifications
    on for: where its push service takes messages, and the keys they are encrypted with
    (the browser's PushSubscription). Deleted when the member removes it or the push
    service answers that it is gone (404/410)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(_("endpoint"), max_length=1024, unique=True)
    # The browser's P-256 public key and auth secret, base64url as it sends them.
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=40)
    # What the member sees in their list of devices ("Firefox on Android").
    name = models.CharField(_("device"), max_length=100, blank=True)
    created = models.DateTimeField(_("added"), default=timezone.now)
    last_used = models.DateTimeField(_("last notified"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created"], name="messaging_push_user_idx")]

    def __str__(self):
        return f"{self.user}: {self.name or self.endpoint[:40]}"

    def info(self) -> dict:
        """The subscription as pywebpush takes it."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class PushSettings(models.Model):
    """Which kinds of push notification a member switched off (for all their devices).
    Stored as the kinds switched off, so a kind added later is on until they say otherwise."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_settings")
    muted_kinds = models.JSONField(default=list)

    def __str__(self):
        return f"{self.user}: off {', '.join(self.muted_kinds) or '-'}"
