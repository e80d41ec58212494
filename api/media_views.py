"""The project's REST API for images (issue 17): upload (multipart), look up and change
the alt text of one's uploads, and the avatar and header. The same services and checks
as the composer and the profile page (posts.media, accounts.services, core.images)."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, parsers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.services import ProfileImageError, profile_image_set
from api import serializers as s
from api.views import errors, validated
from core.images import TOO_LARGE
from core.media import MediaStorageError
from posts import media
from posts.models import MediaAttachment


class StorageDown(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE


def _upload(request, serializer_class):
    """The request's validated multipart fields; a file the upload handler stopped reading is a 400."""
    request.FILES  # noqa: B018 - parsed first: the upload handler marks a file too large
    if "file" in getattr(request._request, "media_too_large", ()):
        raise exceptions.ValidationError(
            {"file": [TOO_LARGE % {"mb": settings.MEDIA_MAX_UPLOAD_BYTES // (1024 * 1024)}]}
        )
    return validated(serializer_class, request)


class MediaCreateApi(APIView):
    parser_classes = [parsers.MultiPartParser]

    @extend_schema(
        operation_id="media_create",
        request=s.MediaCreateSerializer,
        responses={201: s.MediaSerializer, **errors(400, 401, 503)},
        description=gettext_lazy(
            "Upload an image for a post (multipart). It is checked now and processed by a worker: the answer "
            "says processing until GET /api/media/{id} says ready. Put it in a post with media_ids; an upload "
            "never used is deleted after a day."
        ),
    )
    def post(self, request):
        data = _upload(request, s.MediaCreateSerializer)
        try:
            attachment = media.media_upload(owner=request.user, upload=data["file"], description=data["description"])
        except media.MediaError as error:
            raise exceptions.ValidationError({"file": [error.message]}) from None
        except MediaStorageError as error:
            raise StorageDown(error.message) from None
        return Response(s.MediaSerializer(attachment).data, status=status.HTTP_201_CREATED)


class MediaDetailApi(APIView):
    def _own(self, request, pk) -> MediaAttachment:
        return get_object_or_404(MediaAttachment, pk=pk, owner=request.user)

    @extend_schema(operation_id="media_retrieve", responses={200: s.MediaSerializer, **errors(401, 404)})
    def get(self, request, pk):
        return Response(s.MediaSerializer(self._own(request, pk)).data)

    @extend_schema(
        operation_id="media_update",
        request=s.MediaUpdateSerializer,
        responses={200: s.MediaSerializer, **errors(400, 401, 404)},
        description=gettext_lazy("Change the alt text of one of your images, in a post or not."),
    )
    def put(self, request, pk):
        attachment = self._own(request, pk)
        data = validated(s.MediaUpdateSerializer, request)
        try:
            media.media_describe(attachment=attachment, description=data["description"])
        except media.MediaError as error:
            raise exceptions.ValidationError({"description": [error.message]}) from None
        return Response(s.MediaSerializer(attachment).data)


class _PictureApi(APIView):
    parser_classes = [parsers.MultiPartParser]
    kind = ""  # "avatar" or "header"

    def put(self, request, pk):
        if pk != request.user.pk:
            raise exceptions.PermissionDenied(_("You can only change your own account."))
        data = _upload(request, s.PictureSerializer)
        member = get_object_or_404(User, pk=request.user.pk)
        try:
            profile_image_set(member=member, kind=self.kind, upload=data["file"])
        except ProfileImageError as error:
            raise exceptions.ValidationError({"file": [error.message]}) from None
        except MediaStorageError as error:
            raise StorageDown(error.message) from None
        return Response({"message": _("Saved: it shows once processed, in a few seconds.")}, status=202)


class AvatarApi(_PictureApi):
    kind = "avatar"

    @extend_schema(
        operation_id="users_avatar",
        request=s.PictureSerializer,
        responses={202: s.SignupPendingSerializer, **errors(400, 401, 403, 503)},
        description=gettext_lazy("Upload your avatar (multipart): cropped to a square by a worker."),
    )
    def put(self, request, pk):
        return super().put(request, pk)


class HeaderApi(_PictureApi):
    kind = "header"

    @extend_schema(
        operation_id="users_header",
        request=s.PictureSerializer,
        responses={202: s.SignupPendingSerializer, **errors(400, 401, 403, 503)},
        description=gettext_lazy("Upload your profile header (multipart): cropped to 3:1 by a worker."),
    )
    def put(self, request, pk):
        return super().put(request, pk)
