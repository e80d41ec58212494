"""Images attached to posts: upload (checked in the request, stored as uploaded),
processing (a worker re-encodes it: posts.tasks.media_process), attaching to a post,
alt text, removal. A row's files are deleted after commit whenever the row goes
(the receiver below), whichever way it goes: an edit, a deleted post, a closed account."""

import datetime
import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.db.models import Q, signals
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from PIL import Image

from accounts.models import User
from core.images import Encoded, ImageRejected, Inspected, image_blurhash, image_encode, image_inspect, image_open
from core.media import MediaStorageError, media_delete, media_delete_later, media_name, media_read, media_save
from core.queue import task_enqueue
from posts.models import MediaAttachment

logger = logging.getLogger(__name__)


class MediaError(Exception):
    """A refused upload or attachment; the message is for the member."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def description_check(description: str) -> str:
    description = description.strip()
    try:
        # Django's own check and words: PostgreSQL refuses a NUL in text.
        ProhibitNullCharactersValidator()(description)
    except ValidationError as error:
        raise MediaError(error.messages[0]) from None
    limit = settings.MEDIA_DESCRIPTION_MAX_LENGTH
    if len(description) > limit:
        raise MediaError(
            ngettext(
                "Alt text can be at most %(limit)d character.", "Alt text can be at most %(limit)d characters.", limit
            )
            % {"limit": limit}
        )
    return description


def media_check(upload) -> Inspected:
    """The upload's checks (core.images.image_inspect), as a MediaError."""
    try:
        return image_inspect(upload)
    except ImageRejected as rejected:
        raise MediaError(rejected.message) from None


def media_upload(
    *, owner: User, upload, description: str = "", focus: str | None = None, inspected: Inspected | None = None
) -> MediaAttachment:
    """Store an uploaded image as `owner`'s, unattached, and queue its processing.
    Raises MediaError (not an image, too large, damaged, alt text too long, a bad
    focus) or MediaStorageError (the storage is down); either way nothing is left behind."""
    description = description_check(description)
    focus_x, focus_y = focus_check(focus) if focus else (None, None)
    inspected = inspected or media_check(upload)
    upload.seek(0)
    name = media_save(media_name("originals", inspected.format.lower()), upload.read())
    try:
        with transaction.atomic():
            attachment = MediaAttachment.objects.create(
                owner=owner,
                description=description,
                original=name,
                width=inspected.width,
                height=inspected.height,
                animated=inspected.frames > 1,
                focus_x=focus_x,
                focus_y=focus_y,
            )
            from posts import tasks

            task_enqueue(tasks.media_process, args=(attachment.pk,))
    except BaseException:
        media_delete([name])
        raise
    return attachment


def media_uploads_store(*, owner: User, uploads: Sequence[tuple]) -> list[MediaAttachment]:
    """Several uploads (file, alt text, and its Inspected when already checked) at once,
    all or none: when one fails, those already stored are deleted again before the error goes up."""
    stored: list[MediaAttachment] = []
    try:
        for upload, description, *inspected in uploads:
            stored.append(
                media_upload(
                    owner=owner, upload=upload, description=description, inspected=inspected[0] if inspected else None
                )
            )
    except BaseException:
        media_discard(stored)
        raise
    return stored


def media_discard(attachments: Sequence[MediaAttachment]) -> None:
    """Delete attachments made for a post that was then refused (their files follow, by the receiver below)."""
    MediaAttachment.objects.filter(pk__in=[attachment.pk for attachment in attachments if attachment.pk]).delete()


NOT_YOURS = _("One of these images is not yours or is already in a post.")
FAILED = _("This image could not be processed.")


def media_for_post(*, owner: User, ids: Sequence[int], post=None) -> list[MediaAttachment]:
    """The attachments `ids` names, in that order, for a new post of `owner` (or for
    `post`, being edited: its own images count as free): each must be theirs and not
    in another post (someone else's, an unknown or a used one is refused, as is a 5th,
    and one whose processing failed)."""
    ids = list(dict.fromkeys(ids))
    if len(ids) > settings.MEDIA_MAX_ATTACHMENTS:
        raise MediaError(too_many_message())
    free = Q(post__isnull=True) | Q(post=post) if post is not None else Q(post__isnull=True)
    found = MediaAttachment.objects.filter(free, pk__in=ids, owner=owner).in_bulk()
    if len(found) != len(ids):
        raise MediaError(NOT_YOURS)
    if any(attachment.state == MediaAttachment.State.FAILED for attachment in found.values()):
        raise MediaError(FAILED)
    return [found[pk] for pk in ids]


def too_many_message() -> str:
    limit = settings.MEDIA_MAX_ATTACHMENTS
    return ngettext("A post can have at most %(limit)d image.", "A post can have at most %(limit)d images.", limit) % {
        "limit": limit
    }


def media_attach(*, post, attachments: Sequence[MediaAttachment]) -> None:
    """Put `attachments` (checked by media_for_post) in `post`'s grid, in order. Inside
    the post's transaction; a race for the same upload attaches it once."""
    for position, attachment in enumerate(attachments):
        claimed = MediaAttachment.objects.filter(Q(post__isnull=True) | Q(post=post), pk=attachment.pk).update(
            post=post, position=position
        )
        if not claimed:
            raise MediaError(NOT_YOURS)
        attachment.post, attachment.position = post, position


def media_replace(*, post, attachments: Sequence[MediaAttachment]) -> int:
    """Make `attachments` (checked by media_for_post with `post`) the post's whole grid, in
    order (Mastodon's edit sends the full list): the images left out go (their files after
    commit), new ones are claimed. Inside the edit's transaction. Returns how many went."""
    kept = [attachment.pk for attachment in attachments]
    removed, _kinds = MediaAttachment.objects.filter(post=post).exclude(pk__in=kept).delete()
    media_attach(post=post, attachments=attachments)
    return removed


def focus_check(raw: str) -> tuple[float, float]:
    """Mastodon's focus, "x,y" with each from -1.0 to 1.0."""
    try:
        x, y = (float(part) for part in str(raw).split(","))
    except ValueError:
        raise MediaError(_("The focus must be two numbers from -1 to 1, as x,y.")) from None
    if not (-1.0 <= x <= 1.0 and -1.0 <= y <= 1.0):
        raise MediaError(_("The focus must be two numbers from -1 to 1, as x,y."))
    return x, y


def media_describe(
    *, attachment: MediaAttachment, description: str | None = None, focus: str | None = None
) -> MediaAttachment:
    """Change an image's alt text and/or focus point (its owner's call; the caller checks).
    Both are checked before either is saved."""
    fields = []
    if description is not None:
        attachment.description = description_check(description)
        fields.append("description")
    if focus is not None:
        attachment.focus_x, attachment.focus_y = focus_check(focus)
        fields += ["focus_x", "focus_y"]
    if fields:
        attachment.save(update_fields=fields)
    return attachment


def media_remove(*, post, ids: Sequence[int]) -> int:
    """Take images out of `post` (an edit): the rows go now, their files after commit."""
    removed, _ = MediaAttachment.objects.filter(post=post, pk__in=list(ids)).delete()
    return removed


def media_sizes(data: bytes) -> tuple[Encoded, Encoded, str]:
    """The full size (MEDIA_LONG_SIDE), the preview (MEDIA_PREVIEW_LONG_SIDE) and the
    blurhash of an uploaded image's bytes, decoding every pixel (bench/media.py times
    this). Raises OSError, ValueError, SyntaxError or EOFError for a damaged file."""
    image = image_open(data, long_side=settings.MEDIA_LONG_SIDE)
    full = image_encode(image, long_side=settings.MEDIA_LONG_SIDE, fast=True)
    # Each smaller size from the one before (a still image's): scaling 2,000 px down
    # again for the preview and the blurhash cost more than encoding them.
    preview = image_encode(full.image or image, long_side=settings.MEDIA_PREVIEW_LONG_SIDE, animated=False)
    return full, preview, image_blurhash(preview.image)


def media_process(*, attachment_id: int) -> None:
    """Re-encode an uploaded image: orientation applied, metadata dropped, scaled to
    MEDIA_LONG_SIDE, a preview of MEDIA_PREVIEW_LONG_SIDE and a blurhash. Idempotent:
    a processed row is left alone. Raises MediaStorageError (the task retries)."""
    attachment = MediaAttachment.objects.filter(pk=attachment_id, state=MediaAttachment.State.PROCESSING).first()
    if attachment is None or not attachment.original:
        return
    data = media_read(attachment.original)
    try:
        full, preview, blurhash = media_sizes(data)
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError) as error:
        # The request only read the header (core.images.image_inspect): damage further in
        # is found here. Shown as "could not be processed", never a broken image; the
        # upload's file goes, the row stays so that the member (and the API) sees why.
        logger.warning("Could not process attachment %s: %r", attachment_id, error)
        with transaction.atomic():
            failed = MediaAttachment.objects.filter(pk=attachment_id, state=MediaAttachment.State.PROCESSING).update(
                state=MediaAttachment.State.FAILED, original=""
            )
            if failed:
                media_delete_later([attachment.original])
        return
    del data
    file_name = media_save(media_name("attachments", full.extension), full.data)
    try:
        preview_name = media_save(media_name("previews", preview.extension), preview.data)
    except MediaStorageError:
        media_delete_later([file_name])
        raise
    with transaction.atomic():
        updated = MediaAttachment.objects.filter(pk=attachment_id, state=MediaAttachment.State.PROCESSING).update(
            state=MediaAttachment.State.READY,
            file=file_name,
            preview=preview_name,
            width=full.width,
            height=full.height,
            preview_width=preview.width,
            preview_height=preview.height,
            blurhash=blurhash,
            original="",
        )
        # The original goes once the row no longer names it; a row deleted meanwhile
        # (or a second run that lost the race) leaves only these new files to delete.
        media_delete_later([attachment.original] if updated else [file_name, preview_name])


def media_sweep(*, older_than: datetime.timedelta = datetime.timedelta(days=1), batch: int = 500) -> int:
    """Delete uploads never attached to a post and older than `older_than` (an API client
    that uploaded and never posted, a refused post's leftovers): rows now, files after
    commit (the receiver below), on disk or in the bucket alike. Rows are locked while
    they go, so one being attached this instant either is attached first (and kept) or
    fails to attach. Returns how many went."""
    cutoff = timezone.now() - older_than
    swept = 0
    while True:
        with transaction.atomic():
            ids = list(
                MediaAttachment.objects.select_for_update(skip_locked=True)
                .filter(post__isnull=True, created__lt=cutoff)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                return swept
            deleted, _kinds = MediaAttachment.objects.filter(pk__in=ids, post__isnull=True).delete()
        swept += deleted
        if len(ids) < batch:
            return swept


@receiver(signals.post_delete, sender=MediaAttachment, dispatch_uid="posts.media.files_delete")
def _files_delete(sender, instance, **kwargs):
    # Every way a row goes (an edit, a post deleted, an account closed): its files after commit.
    media_delete_later(instance.stored_names)
