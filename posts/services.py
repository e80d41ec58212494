import fcntl
import json
import os

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from messaging.models import Job
from messaging.services import job_finish, job_progress, job_start
from posts.language import language_detect
from posts.models import Post

EXPORT_JOB = "export_posts"
# How many times the progress bar moves during an export.
_EXPORT_PROGRESS_STEPS = 20


def post_create(*, author: User, body: str) -> Post:
    """Publish a post, with its language detected ('' when unsure). Search indexing hooks in here."""
    body = body.strip()
    return Post.objects.create(author=author, body=body, language=language_detect(body))


def posts_export_start(*, user: User, site_url: str, language: str = "") -> Job:
    """Queue an export of the member's posts; `language` is the page's, for the
    email when the member saved none. Raises JobAlreadyRunning, or JobDeferred when the queue is down."""
    from posts.tasks import export_posts

    return job_start(
        user=user,
        name=EXPORT_JOB,
        description=_("Exporting your posts"),
        task=export_posts,
        args=(site_url, language),
        deferred_message=_(
            "The job queue is unavailable right now: your export is saved and will start when it is back."
        ),
    )


def posts_export(*, job_id: str, site_url: str, language: str = "") -> None:
    """Write the member's posts to a JSON file, then email it. Safe to run twice, even
    at once: a finished job is left alone, a half-written file is rewritten, a file
    another run is writing is left to it, and only the run that finishes the job emails."""
    job = Job.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.complete:
        return
    posts = Post.objects.filter(author=job.user).order_by("created", "id")
    total = posts.count()
    step = max(total // _EXPORT_PROGRESS_STEPS, 1)
    final = _export_path(job)
    partial = final.with_suffix(".part")
    partial.parent.mkdir(parents=True, exist_ok=True)
    header = {"username": job.user.username, "exported_at": timezone.now().isoformat(), "post_count": total}
    with partial.open("a", encoding="utf-8") as out:
        try:
            # A second delivery of the same job (redelivered while the first still runs)
            # must not write into the same file; the first one's own redelivery covers its crash.
            fcntl.flock(out, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return
        out.truncate(0)  # what a killed run left behind
        # Streamed row by row: memory stays flat however many posts there are.
        out.write(json.dumps(header, ensure_ascii=False)[:-1] + ', "posts": [')
        rows = posts.values_list("body", "created", "language").iterator(chunk_size=2000)
        for done, (body, created, post_language) in enumerate(rows, start=1):
            row = {"body": body, "created": created.isoformat(), "language": post_language}
            out.write(("," if done > 1 else "") + "\n" + json.dumps(row, ensure_ascii=False))
            if done % step == 0 and done < total:
                job_progress(job=job, progress=done * 100 // total)
        out.write("\n]}\n")
        out.flush()
        os.replace(partial, final)  # still under the lock
    if job_finish(job=job, result=str(final.relative_to(settings.JOB_RESULTS_DIR))):
        _export_email(job=job, path=final, site_url=site_url, language=language)


def _export_path(job: Job):
    return settings.JOB_RESULTS_DIR / "exports" / str(job.user_id) / f"{job.pk}.json"


def _export_email(*, job: Job, path, site_url: str, language: str) -> None:
    user = job.user
    if not user.email:
        return
    context = {
        "user": user,
        "download_url": site_url.rstrip("/") + reverse("messaging:job-download", args=[job.pk]),
        "attached": path.stat().st_size <= settings.EXPORT_ATTACHMENT_MAX_BYTES,
    }
    # The worker has no request: the saved language, else the one the export was started in.
    with translation.override(user.language or language or settings.LANGUAGE_CODE):
        message = EmailMultiAlternatives(
            subject=_("Your Microblog posts"),
            body=render_to_string("emails/export_ready.txt", context),
            to=[user.email],
        )
        message.attach_alternative(render_to_string("emails/export_ready.html", context), "text/html")
    if context["attached"]:
        message.attach(f"microblog-posts-{user.username}.json", path.read_bytes(), "application/json")
    message.send()
