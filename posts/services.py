import fcntl
import json
import os
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User, blocked_either_way
from core.idempotency import Replay, idempotency_key_claim, idempotency_key_done
from messaging.events import event_publish
from messaging.models import Job, Notice
from messaging.services import job_finish, job_progress, job_start, notice_add, notice_remove, notices_remove_about
from posts.counts import member_counts_forget
from posts.language import language_detect
from posts.media import MediaError, media_attach, media_remove, media_replace
from posts.models import Bookmark, Like, MediaAttachment, Post, PostRevision
from posts.text import post_text_apply

EXPORT_JOB = "export_posts"
# How many times the progress bar moves during an export.
_EXPORT_PROGRESS_STEPS = 20


class PostError(ValidationError):
    """A post cannot be written this way (replying to a deleted post…); the message says why."""


# The notice kinds that name a post as their subject: a deleted post takes them back.
POST_NOTICE_KINDS = [Notice.Kind.REPLY, Notice.Kind.LIKE, Notice.Kind.BOOST, Notice.Kind.QUOTE, Notice.Kind.MENTION]


def _original(post: Post) -> Post:
    """What an action on a boost row acts on: the boosted post."""
    return post.reblog_of if post.reblog_of_id else post


def _check_target(post: Post | None, message: str, *, member: User) -> Post | None:
    if post is None:
        return None
    post = _original(post)
    if post.is_deleted or not post.author.is_active:
        raise PostError(message)
    _check_not_blocked(member, post)
    return post


def _check_not_blocked(member: User, post: Post) -> None:
    """A member blocked by the author (or blocking them) can't answer, quote, like or boost."""
    if post.author_id != member.pk and blocked_either_way(member, post.author):
        raise PostError(_("You can't interact with this post."))


def post_create(
    *,
    author: User,
    body: str,
    in_reply_to: Post | None = None,
    quote_of: Post | None = None,
    idempotency_key: str = "",
    attachments: Sequence[MediaAttachment] = (),
    spoiler_text: str = "",
    sensitive: bool = False,
) -> Post:
    """Publish a post, with its language detected ('' when unsure), as a reply to
    `in_reply_to` and/or quoting `quote_of` (a boost given for either means its original).
    The parent's reply count goes up and the parent's and quoted authors are notified.
    Raises PostError for a deleted or unavailable parent or quoted post. Search indexing hooks in here.
    `idempotency_key` (the form's token, the API's Idempotency-Key): a repeat returns the
    post the first request made, or raises PostError if it made none. An empty post (no
    text, no image) is a PostError. `attachments`: the author's unattached uploads
    (posts.media.media_for_post checked them), in grid order; `spoiler_text`, a content
    warning; `sensitive`, images blurred until clicked."""
    body = body.strip()
    if not body and not attachments:
        raise PostError(_("Your post is empty."))
    in_reply_to = _check_target(in_reply_to, _("This post was deleted, so it can't be answered."), member=author)
    quote_of = _check_target(quote_of, _("This post was deleted, so it can't be quoted."), member=author)
    with transaction.atomic():
        try:
            claim = idempotency_key_claim(scope="posts.post", user_id=author.pk, key=idempotency_key)
        except Replay as replay:
            post = Post.objects.filter(pk=replay.object_id, author=author).first()
            if post is None:
                raise PostError(_("This post was already sent.")) from None
            return post
        post = Post.objects.create(
            author=author,
            body=body,
            language=language_detect(body),
            in_reply_to=in_reply_to,
            in_reply_to_author_id=in_reply_to.author_id if in_reply_to else None,
            quote_of=quote_of,
            spoiler_text=spoiler_text.strip(),
            # A warning hides the images too, so it implies sensitive (as on Mastodon).
            sensitive=sensitive or bool(spoiler_text.strip()),
        )
        if attachments:
            try:
                media_attach(post=post, attachments=attachments)
            except MediaError as error:
                raise PostError(error.message) from None
        # Links, mentions (notified) and hashtags, rendered into body_html and stored.
        post_text_apply(post)
        if in_reply_to is not None:
            Post.objects.filter(pk=in_reply_to.pk).update(reply_count=F("reply_count") + 1)
            notice_add(recipient=in_reply_to.author, kind=Notice.Kind.REPLY, actor=author, subject_id=post.pk)
        if quote_of is not None:
            notice_add(recipient=quote_of.author, kind=Notice.Kind.QUOTE, actor=author, subject_id=post.pk)
        idempotency_key_done(claim, object_id=post.pk)
    post_announce(post=post)
    return post


def post_announce(*, post: Post) -> None:
    """Tell open timelines of a new post (their "new posts" button), after commit: Explore
    for an original, the home timelines of the author's followers (topic author:<id>), the
    pages of its tags (tag:<name>) and, for a reply, the post page it answers (replies:<id>)."""
    event_publish(name="post", data={"id": post.pk, "author": post.author.username}, topics=_post_topics(post))


def _post_topics(post: Post) -> tuple[str, ...]:
    topics = [f"author:{post.author_id}"]
    if post.in_reply_to_id is None:
        topics.append("explore")
    else:
        topics.append(f"replies:{post.in_reply_to_id}")
    topics += [f"tag:{name}" for name in post.post_tags.values_list("tag__name", flat=True)]
    return tuple(topics)


def post_like(*, member: User, post: Post) -> bool:
    """`member` likes `post` (a boost: its original). Twice is once: the unique
    constraint holds even for two requests at the same instant. True if it was new.
    Raises PostError when a block stands between them."""
    post = _original(post)
    _check_not_blocked(member, post)
    with transaction.atomic():
        _, created = Like.objects.get_or_create(member=member, post=post)
        if created:
            Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + 1)
            notice_add(recipient=post.author, kind=Notice.Kind.LIKE, actor=member, subject_id=post.pk)
    return created


def post_unlike(*, member: User, post: Post) -> bool:
    """Undo `member`'s like of `post`, and its notice; nothing happens if there was none."""
    post = _original(post)
    with transaction.atomic():
        removed, _ = Like.objects.filter(member=member, post=post).delete()
        if removed:
            Post.objects.filter(pk=post.pk).update(like_count=F("like_count") - 1)
            notice_remove(kind=Notice.Kind.LIKE, actor=member, subject_id=post.pk)
    return bool(removed)


def post_boost(*, member: User, post: Post) -> bool:
    """`member` boosts `post` (a boost: its original): a post of theirs whose reblog_of
    is the original, at most one per member and post (a database constraint). True if new.
    Raises PostError when a block stands between them."""
    post = _original(post)
    _check_not_blocked(member, post)
    with transaction.atomic():
        _, created = Post.objects.get_or_create(author=member, reblog_of=post, defaults={"body": ""})
        if created:
            Post.objects.filter(pk=post.pk).update(boost_count=F("boost_count") + 1)
            notice_add(recipient=post.author, kind=Notice.Kind.BOOST, actor=member, subject_id=post.pk)
    return created


def post_unboost(*, member: User, post: Post) -> bool:
    """Undo `member`'s boost of `post`: the boost row goes (it has nothing of its own)."""
    post = _original(post)
    with transaction.atomic():
        removed, _ = Post.objects.filter(author=member, reblog_of=post).delete()
        if removed:
            Post.objects.filter(pk=post.pk).update(boost_count=F("boost_count") - 1)
            notice_remove(kind=Notice.Kind.BOOST, actor=member, subject_id=post.pk)
    return bool(removed)


def post_bookmark(*, member: User, post: Post) -> bool:
    """`member` bookmarks `post` (a boost: its original); twice is once. Nobody is told.
    True if it was new. Raises PostError for a deleted post, or one whose author and
    `member` are blocked either way (the same rule as liking and boosting)."""
    post = _check_target(post, _("This post was deleted, so it can't be bookmarked."), member=member)
    _bookmark, created = Bookmark.objects.get_or_create(member=member, post=post)
    return created


def post_unbookmark(*, member: User, post: Post) -> bool:
    """Take `post` (a boost: its original) out of `member`'s bookmarks, if it was there."""
    removed, _kinds = Bookmark.objects.filter(member=member, post=_original(post)).delete()
    return bool(removed)


def post_edit(
    *,
    post: Post,
    body: str,
    remove_media: Sequence[int] = (),
    attachments: Sequence[MediaAttachment] | None = None,
    spoiler_text: str | None = None,
    sensitive: bool | None = None,
) -> Post:
    """Change a post's text: the old text is kept as a PostRevision (viewable, as on
    Mastodon), the language is detected again and `edited` set. Saving re-indexes it.
    `remove_media` takes those images out (their files are deleted after commit);
    `attachments`, when given, becomes the whole grid (posts.media.media_for_post with
    this post checked them; Mastodon's edit); `spoiler_text` and `sensitive`, when
    given, replace the post's."""
    body = body.strip()
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.is_deleted or post.is_boost:
            raise PostError(_("This post can't be edited."))
        removed = media_remove(post=post, ids=remove_media) if remove_media else 0
        if attachments is not None:
            before = list(post.attachments.order_by("position", "id").values_list("pk", flat=True))
            try:
                removed += media_replace(post=post, attachments=attachments)
            except MediaError as error:
                raise PostError(error.message) from None
            # A new order or a new image is an edit too.
            removed = removed or int(before != [attachment.pk for attachment in attachments])
        if not body and not post.attachments.exists():
            raise PostError(_("Your post is empty."))
        fields = []
        if spoiler_text is not None and spoiler_text.strip() != post.spoiler_text:
            post.spoiler_text = spoiler_text.strip()
            fields.append("spoiler_text")
        if sensitive is not None:
            sensitive = sensitive or bool(post.spoiler_text)
            if sensitive != post.sensitive:
                post.sensitive = sensitive
                fields.append("sensitive")
        if body == post.body:
            if fields or removed:
                post.edited = timezone.now()
                post.save(update_fields=[*fields, "edited"])
            return post
        PostRevision.objects.create(post=post, body=post.body, created=post.edited or post.created)
        post.body = body
        post.language = language_detect(body)
        post.edited = timezone.now()
        post.save(update_fields=["body", "language", "edited", *fields])
        # Links, mentions and hashtags of the new text; members no longer mentioned lose the notice.
        post_text_apply(post)
    return post


def post_delete(*, post: Post) -> None:
    """Delete a post, keeping its row as a tombstone: its id is never reused, its
    replies keep their thread (it shows as "deleted"), quotes of it show
    "unavailable". Its text, revisions, likes and boosts go, the parent's reply
    count goes down, every notice about it is taken back, and saving it removes it
    from the search index. Deleting it twice does nothing more. A boost row is
    simply undone."""
    if post.is_boost:
        post_unboost(member=post.author, post=post.reblog_of)
        return
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.is_deleted:
            return
        if post.in_reply_to_id:
            Post.objects.filter(pk=post.in_reply_to_id).update(reply_count=F("reply_count") - 1)
        post.revisions.all().delete()
        # Its images' files go after commit (posts.media's receiver).
        post.attachments.all().delete()
        post.likes.all().delete()
        post.bookmarks.all().delete()
        post.boosts.all().delete()
        notices_remove_about(subject_id=post.pk, kinds=POST_NOTICE_KINDS)
        # The timelines that announced it (API clients' streams drop it), before its tags go.
        event_publish(name="post_delete", data={"id": post.pk}, topics=_post_topics(post))
        post.deleted = timezone.now()
        post.body = ""
        post.language = ""
        post.like_count = post.boost_count = 0
        post.save(update_fields=["deleted", "body", "language", "like_count", "boost_count"])
        # The empty text: no rendered body, tags or mentions are left.
        post_text_apply(post, notify=False)
        member_counts_forget([post.author_id])


def posts_export_start(*, user: User, site_url: str, language: str = "") -> Job:
    """Queue an export of the member's posts; `language` is the page's, for the
    email when the member saved none. Raises JobAlreadyRunning, or JobDeferred when the queue is down."""
    from posts import tasks

    return job_start(
        user=user,
        name=EXPORT_JOB,
        description=_("Exporting your posts"),
        task=tasks.posts_export,
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
        media = _export_media(job.user, site_url)
        rows = posts.values_list("id", "body", "created", "language", "spoiler_text").iterator(chunk_size=2000)
        for done, (pk, body, created, post_language, spoiler_text) in enumerate(rows, start=1):
            row = {"body": body, "created": created.isoformat(), "language": post_language}
            if spoiler_text:
                row["content_warning"] = spoiler_text
            if pk in media:
                row["media"] = media[pk]
            out.write(("," if done > 1 else "") + "\n" + json.dumps(row, ensure_ascii=False))
            # False: the sweep failed the job while this run was silent; the member was told to start again.
            if done % step == 0 and done < total and not job_progress(job=job, progress=done * 100 // total):
                return
        out.write("\n]}\n")
        out.flush()
        os.replace(partial, final)  # still under the lock
    if job_finish(job=job, result=str(final.relative_to(settings.JOB_RESULTS_DIR))):
        _export_email(job=job, path=final, site_url=site_url, language=language)


def _export_media(user: User, site_url: str) -> dict[int, list[dict]]:
    """The member's post images by post id, for the export: their full-size file's
    address (absolute), alt text and size. One query, however many posts."""
    from core.media import media_url

    media: dict[int, list[dict]] = {}
    attachments = (
        MediaAttachment.objects.filter(owner=user, post__isnull=False, state=MediaAttachment.State.READY)
        .order_by("post_id", "position")
        .values_list("post_id", "file", "description", "width", "height")
    )
    for post_id, name, description, width, height in attachments.iterator(chunk_size=2000):
        url = media_url(name)
        if url.startswith("/"):
            url = site_url.rstrip("/") + url
        media.setdefault(post_id, []).append({"url": url, "description": description, "width": width, "height": height})
    return media


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
