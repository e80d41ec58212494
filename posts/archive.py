"""The member's archive (issue 18): one zip with their posts (posts.json in this site's
export format, and outbox.json + actor.json + likes.json in the ActivityStreams shape of
Mastodon's archive), their media files (media_attachments/…), their private messages
(messages.json) and every list of the CSV registry (posts.csv_kinds) in Mastodon's
formats. Built by a Celery job (messaging.Job: progress, one at a time per member),
written entry by entry to a temporary file — memory stays flat — then streamed to the
default storage (disk or S3). Only the owner can download it (messaging:job-download),
for JOB_ARCHIVE_DAYS days; the member is emailed when it is ready."""

import csv
import datetime
import io
import json
import logging
import secrets
import shutil
import tempfile
import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from messaging.models import Job, Message
from messaging.services import job_finish, job_progress, job_start
from posts.csv_kinds import KINDS
from posts.models import Like, MediaAttachment, Post

logger = logging.getLogger(__name__)

ARCHIVE_JOB = "export_archive"
AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
# How many times the progress bar moves while the archive is written.
_PROGRESS_STEPS = 20


def archive_start(*, user: User, site_url: str, language: str = "") -> Job:
    """Queue the member's archive. Raises JobAlreadyRunning, or JobDeferred when the queue is down."""
    from posts import tasks

    return job_start(
        user=user,
        name=ARCHIVE_JOB,
        description=_("Preparing your archive"),
        task=tasks.archive_export,
        args=(site_url, language),
        deferred_message=_(
            "The job queue is unavailable right now: your archive is saved and will start when it is back."
        ),
    )


class _Progress:
    """Moves the job's bar every 1/_PROGRESS_STEPS of `total` steps; False once the job was
    failed meanwhile (as stale), so the task stops."""

    def __init__(self, job: Job, total: int):
        self.job, self.total, self.done = job, max(total, 1), 0
        self.every = max(self.total // _PROGRESS_STEPS, 1)

    def step(self) -> bool:
        self.done += 1
        if self.done % self.every or self.done >= self.total:
            return True
        return job_progress(job=self.job, progress=min(self.done * 100 // self.total, 99))


class _Stopped(Exception):
    pass


def _media_by_post(user: User) -> dict[int, list[tuple]]:
    """(file name, description, width, height) of the member's ready post images, by post: one query."""
    media: dict[int, list[tuple]] = {}
    rows = (
        MediaAttachment.objects.filter(owner=user, post__isnull=False, state=MediaAttachment.State.READY)
        .order_by("post_id", "position")
        .values_list("post_id", "file", "description", "width", "height")
    )
    for post_id, name, description, width, height in rows.iterator(chunk_size=2000):
        if name:
            media.setdefault(post_id, []).append((name, description, width, height))
    return media


def _in_zip(name: str) -> str:
    # Where a stored file sits in the archive (Mastodon: media_attachments/files/…).
    return str(PurePosixPath("media_attachments") / PurePosixPath(name).as_posix().lstrip("/"))


def _mime(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    return {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif"}.get(
        suffix, "image/webp" if suffix == ".webp" else "application/octet-stream"
    )


def _json_array(out, items, *, head: dict, key: str) -> None:
    """Write `head` with `key` as a JSON array of `items`, one item at a time."""
    out.write(json.dumps(head, ensure_ascii=False)[:-1] + f', "{key}": [')
    for index, item in enumerate(items):
        out.write(("," if index else "") + "\n" + json.dumps(item, ensure_ascii=False))
    out.write("\n]}\n")


def _post_items(user: User, site_url: str, media: dict, progress: _Progress, *, activity: bool):
    """The member's posts, oldest first: this site's export rows, or Create activities."""
    actor = f"{site_url}/@{user.username}/"
    rows = (
        Post.objects.filter(author=user, deleted__isnull=True, reblog_of__isnull=True)
        .order_by("created", "id")
        .values_list(
            "id",
            "body",
            "body_html",
            "created",
            "language",
            "spoiler_text",
            "in_reply_to_id",
            "in_reply_to__author__username",
        )
    )
    for pk, body, body_html, created, language, spoiler, reply_to, reply_author in rows.iterator(chunk_size=2000):
        images = media.get(pk, [])
        if not activity:
            row = {"id": pk, "body": body, "created": created.isoformat(), "language": language}
            if spoiler:
                row["content_warning"] = spoiler
            if images:
                row["media"] = [
                    {"file": _in_zip(n), "description": d, "width": w, "height": h} for n, d, w, h in images
                ]
            yield row
            continue
        url = f"{actor}{pk}/"
        note = {
            "id": url,
            "type": "Note",
            "summary": spoiler or None,
            "inReplyTo": f"{site_url}/@{reply_author}/{reply_to}/" if reply_to and reply_author else None,
            "published": created.isoformat(),
            "url": url,
            "attributedTo": actor,
            "to": [PUBLIC],
            "cc": [f"{actor}followers/"],
            "sensitive": bool(spoiler),
            "content": body_html or body,
            "contentMap": {language: body_html or body} if language else {},
            "attachment": [
                {
                    "type": "Document",
                    "mediaType": _mime(n),
                    "url": _in_zip(n),
                    "name": d or None,
                    "width": w,
                    "height": h,
                }
                for n, d, w, h in images
            ],
        }
        yield {
            "id": f"{url}activity",
            "type": "Create",
            "actor": actor,
            "published": created.isoformat(),
            "to": note["to"],
            "cc": note["cc"],
            "object": note,
        }
        if not progress.step():
            raise _Stopped


def _message_items(user: User):
    rows = (
        Message.objects.filter(Q(sender=user) | Q(recipient=user))
        .order_by("created", "id")
        .values_list("sender__username", "recipient__username", "body", "created")
    )
    for sender, recipient, body, created in rows.iterator(chunk_size=2000):
        yield {"from": sender, "to": recipient, "body": body, "sent": created.isoformat()}


def _like_items(user: User, site_url: str):
    rows = (
        Like.objects.filter(member=user, post__deleted__isnull=True)
        .order_by("created", "id")
        .values_list("post__author__username", "post_id")
    )
    return (f"{site_url}/@{name}/{pk}/" for name, pk in rows.iterator(chunk_size=2000))


def _write_zip(path, user: User, site_url: str, job: Job) -> None:
    media = _media_by_post(user)
    files = [name for images in media.values() for name, *_rest in images]
    posts = Post.objects.filter(author=user, deleted__isnull=True, reblog_of__isnull=True).count()
    progress = _Progress(job, posts + len(files))
    actor = f"{site_url}/@{user.username}/"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def entry(name):
            return io.TextIOWrapper(archive.open(name, "w", force_zip64=True), encoding="utf-8", newline="")

        with entry("actor.json") as out:
            person = {
                "@context": AS_CONTEXT,
                "id": actor,
                "type": "Person",
                "preferredUsername": user.username,
                "name": user.display_name or user.username,
                "summary": user.about_me,
                "url": actor,
                "published": user.date_joined.isoformat(),
                "outbox": "outbox.json",
                "likes": "likes.json",
            }
            json.dump(person, out, ensure_ascii=False)
        with entry("outbox.json") as out:
            head = {
                "@context": AS_CONTEXT,
                "id": "outbox.json",
                "type": "OrderedCollection",
                "totalItems": posts,
            }
            _json_array(out, _post_items(user, site_url, media, progress, activity=True), head=head, key="orderedItems")
        with entry("posts.json") as out:
            head = {"username": user.username, "exported_at": timezone.now().isoformat(), "post_count": posts}
            _json_array(out, _post_items(user, site_url, media, progress, activity=False), head=head, key="posts")
        with entry("likes.json") as out:
            head = {"@context": AS_CONTEXT, "id": "likes.json", "type": "OrderedCollection"}
            _json_array(out, _like_items(user, site_url), head=head, key="orderedItems")
        with entry("messages.json") as out:
            _json_array(out, _message_items(user), head={"username": user.username}, key="messages")
        for kind in KINDS.values():
            with entry(kind.filename) as out:
                writer = csv.writer(out, lineterminator="\n")
                if kind.writes_header:
                    writer.writerow(kind.header)
                writer.writerows(kind.rows(user))
        for name in files:
            try:
                with default_storage.open(name, "rb") as source, archive.open(_in_zip(name), "w") as target:
                    shutil.copyfileobj(source, target, 1024 * 1024)
            except FileNotFoundError:
                logger.warning("Archive of %s: media file %s is missing; left out", user.pk, name)
            if not progress.step():
                raise _Stopped


def archive_export(*, job_id: str, site_url: str, language: str = "") -> None:
    """Build the member's archive and tell them. Safe to run twice, even at once: a finished
    job is left alone, and a second run's file is deleted when the first one finished."""
    job = Job.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.complete:
        return
    site_url = site_url.rstrip("/")
    scratch = settings.JOB_RESULTS_DIR / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=scratch, suffix=".zip") as temporary:
        try:
            _write_zip(temporary.name, job.user, site_url, job)
        except _Stopped:
            return
        temporary.seek(0)
        name = f"archives/{job.user_id}/{secrets.token_urlsafe(24)}.zip"
        # Streamed to the storage in chunks (S3: a multipart upload), never read whole.
        stored = default_storage.save(name, File(temporary))
    expires = timezone.now() + datetime.timedelta(days=settings.JOB_ARCHIVE_DAYS)
    if not job_finish(job=job, archive=stored, expires=expires):
        default_storage.delete(stored)
        return
    _ready_email(job=job, site_url=site_url, language=language)


def _ready_email(*, job: Job, site_url: str, language: str) -> None:
    user = job.user
    if not user.email:
        return
    context = {
        "user": user,
        "download_url": site_url + reverse("messaging:job-download", args=[job.pk]),
        "expires": job.expires,
    }
    with translation.override(user.language or language or settings.LANGUAGE_CODE):
        message = EmailMultiAlternatives(
            subject=_("Your Microblog archive is ready"),
            body=render_to_string("emails/archive_ready.txt", context),
            to=[user.email],
        )
        message.attach_alternative(render_to_string("emails/archive_ready.html", context), "text/html")
    message.send()
