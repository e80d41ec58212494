"""Media: upload (v2 answers at once and a worker processes; v1 waits for it), look up
while processing, and change the alt text or focus
(https://docs.joinmastodon.org/methods/media/). The checks and the storage are
posts.media's, the same as the composer's."""

from django.conf import settings
from rest_framework import status as http
from rest_framework.exceptions import APIException, NotFound
from rest_framework.response import Response

from api.mastodon import entities
from api.mastodon.base import MastodonView, ValidationFailed, id_of
from core.images import TOO_LARGE
from core.media import MediaStorageError
from posts import media
from posts.models import MediaAttachment

# Mastodon's own words for an image its worker could not read.
PROCESSING_FAILED = "Error processing thumbnail for uploaded media"


class StorageDown(APIException):
    status_code = 503
    default_detail = "Uploads can't be stored right now"


def _text(request, name) -> str | None:
    value = request.data.get(name)
    return None if value is None else str(value)


def upload_from(request, *, owner) -> MediaAttachment:
    """The request's `file` (with `description` and `focus`) stored as `owner`'s upload,
    or a 422 (nothing stored) / 503 (the storage is down)."""
    upload = request.FILES.get("file")  # read first: the upload handler marks a file too large
    if "file" in getattr(request._request, "media_too_large", ()):
        raise ValidationFailed(str(TOO_LARGE % {"mb": settings.MEDIA_MAX_UPLOAD_BYTES // (1024 * 1024)}))
    if upload is None:
        raise ValidationFailed("file: can't be blank")
    try:
        return media.media_upload(
            owner=owner, upload=upload, description=_text(request, "description") or "", focus=_text(request, "focus")
        )
    except media.MediaError as error:
        raise ValidationFailed(str(error.message)) from None
    except MediaStorageError as error:
        raise StorageDown(str(error.message)) from None


def own_media(request, pk) -> MediaAttachment:
    attachment = MediaAttachment.objects.filter(pk=id_of(pk) or 0, owner=request.user).first()
    if attachment is None:
        raise NotFound("Record not found")
    return attachment


class MediaCreateV2Api(MastodonView):
    """202 with null URLs while a worker processes it (poll GET /api/v1/media/:id)."""

    scopes = {"POST": "write:media"}

    def post(self, request):
        attachment = upload_from(request, owner=request.user)
        attachment.refresh_from_db()
        done = attachment.state == MediaAttachment.State.READY
        return Response(entities.media_attachment(attachment), status=http.HTTP_200_OK if done else 202)


class MediaCreateV1Api(MastodonView):
    """The deprecated synchronous upload: processed before the answer. An image the worker
    cannot read is refused here, its row and files gone."""

    scopes = {"POST": "write:media"}

    def post(self, request):
        attachment = upload_from(request, owner=request.user)
        try:
            media.media_process(attachment_id=attachment.pk)
        except MediaStorageError as error:
            media.media_discard([attachment])
            raise StorageDown(str(error.message)) from None
        attachment.refresh_from_db()
        if attachment.state == MediaAttachment.State.FAILED:
            media.media_discard([attachment])
            raise ValidationFailed(PROCESSING_FAILED)
        return Response(entities.media_attachment(attachment))


class MediaDetailApi(MastodonView):
    """GET: 206 while processing, 200 when done, 422 if it could not be processed.
    PUT: description (alt text) and focus of one of the member's own images."""

    scopes = {"GET": "write:media", "PUT": "write:media"}

    def get(self, request, pk):
        attachment = own_media(request, pk)
        if attachment.state == MediaAttachment.State.FAILED:
            raise ValidationFailed(PROCESSING_FAILED)
        code = http.HTTP_200_OK if attachment.state == MediaAttachment.State.READY else 206
        return Response(entities.media_attachment(attachment), status=code)

    def put(self, request, pk):
        attachment = own_media(request, pk)
        try:
            media.media_describe(
                attachment=attachment, description=_text(request, "description"), focus=_text(request, "focus")
            )
        except media.MediaError as error:
            raise ValidationFailed(str(error.message)) from None
        return Response(entities.media_attachment(attachment))
