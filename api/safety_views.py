"""The project's REST API for blocks, mutes and reports (issue 18): the same services
as the pages (accounts.services, posts.moderation)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Block, Mute, User
from accounts.services import SafetyError, block_create, block_delete, mute_create, mute_delete
from api import serializers as s
from api.views import PAGE_PARAMETERS, errors, paginated, validated
from messaging.models import Job
from posts.imports import IMPORT_JOB
from posts.models import Post, Report
from posts.moderation import REPORT_POSTS_MAX, ReportError, report_create


def _member_or_404(pk) -> User:
    return get_object_or_404(User, pk=pk, is_active=True)


def _safety(call):
    try:
        call()
    except SafetyError as error:
        raise exceptions.ValidationError(str(error)) from None
    return Response(status=status.HTTP_204_NO_CONTENT)


class BlockApi(APIView):
    @extend_schema(request=None, responses={204: None, **errors(400, 401, 404)}, operation_id="users_block")
    def post(self, request, pk):
        return _safety(lambda: block_create(blocker=request.user, blocked=_member_or_404(pk)))

    @extend_schema(responses={204: None, **errors(400, 401, 404)}, operation_id="users_unblock")
    def delete(self, request, pk):
        return _safety(lambda: block_delete(blocker=request.user, blocked=get_object_or_404(User, pk=pk)))


class MuteCreateSerializer(serializers.Serializer):
    duration = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=60,
        max_value=10 * 365 * 86400,
        help_text=gettext_lazy("Seconds (3600, 86400, 604800…); null or absent: until unmuted."),
    )
    notifications = serializers.BooleanField(
        required=False, default=True, help_text=gettext_lazy("Hide their notifications too.")
    )


class MuteApi(APIView):
    @extend_schema(
        request=MuteCreateSerializer, responses={204: None, **errors(400, 401, 404)}, operation_id="users_mute"
    )
    def post(self, request, pk):
        data = validated(MuteCreateSerializer, request)
        member = _member_or_404(pk)
        return _safety(
            lambda: mute_create(
                muter=request.user,
                muted=member,
                seconds=data.get("duration"),
                notifications=data["notifications"],
            )
        )

    @extend_schema(responses={204: None, **errors(400, 401, 404)}, operation_id="users_unmute")
    def delete(self, request, pk):
        return _safety(lambda: mute_delete(muter=request.user, muted=get_object_or_404(User, pk=pk)))


class MemberRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class BlockSerializer(serializers.Serializer):
    user = MemberRefSerializer(source="blocked")
    created = serializers.DateTimeField()


class MuteSerializer(serializers.Serializer):
    user = MemberRefSerializer(source="muted")
    created = serializers.DateTimeField()
    expires = serializers.DateTimeField(allow_null=True)
    notifications = serializers.BooleanField()


class BlockPageSerializer(serializers.Serializer):
    items = BlockSerializer(many=True)
    _meta = s.PageMetaSerializer()
    _links = s.PageLinksSerializer()


class MutePageSerializer(serializers.Serializer):
    items = MuteSerializer(many=True)
    _meta = s.PageMetaSerializer()
    _links = s.PageLinksSerializer()


class BlockListApi(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: BlockPageSerializer, **errors(401)},
        operation_id="blocks_list",
        description=gettext_lazy("The members you block, newest first."),
    )
    def get(self, request):
        blocks = (
            Block.objects.filter(blocker=request.user, blocked__is_active=True)
            .select_related("blocked")
            .order_by("-created", "-id")
        )
        return paginated(self, blocks, BlockSerializer)


class MuteListApi(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: MutePageSerializer, **errors(401)},
        operation_id="mutes_list",
        description=gettext_lazy("The members you mute (mutes in force), newest first."),
    )
    def get(self, request):
        mutes = (
            Mute.objects.active()
            .filter(muter=request.user, muted__is_active=True)
            .select_related("muted")
            .order_by("-created", "-id")
        )
        return paginated(self, mutes, MuteSerializer)


class ReportCreateSerializer(serializers.Serializer):
    post = serializers.IntegerField(required=False, help_text=gettext_lazy("The post reported."))
    user = serializers.IntegerField(required=False, help_text=gettext_lazy("The member reported (without a post)."))
    reason = serializers.ChoiceField(choices=Report.Reason.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    post_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=REPORT_POSTS_MAX
    )


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()
    status = serializers.CharField()
    created = serializers.DateTimeField()


class ReportCreateApi(APIView):
    @extend_schema(
        request=ReportCreateSerializer,
        responses={201: ReportSerializer, **errors(400, 401)},
        operation_id="reports_create",
        description=gettext_lazy(
            "Report a post (`post`) or a member (`user`) to the moderators, with up to 5 of their posts."
        ),
    )
    def post(self, request):
        data = validated(ReportCreateSerializer, request)
        post = target = None
        if "post" in data:
            post = Post.objects.filter(pk=data["post"]).select_related("author", "reblog_of").first()
            if post is None:
                raise exceptions.ValidationError({"post": [_("There is no post with this id.")]})
        elif "user" in data:
            target = User.objects.filter(pk=data["user"], is_active=True).first()
            if target is None:
                raise exceptions.ValidationError({"user": [_("There is no member with this id.")]})
        try:
            report = report_create(
                reporter=request.user,
                post=post,
                target=target,
                reason=data["reason"],
                comment=data["comment"],
                post_ids=data["post_ids"],
            )
        except ReportError as error:
            raise exceptions.ValidationError(error.message) from None
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


class ImportSerializer(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.CharField(source="summary.kind", default="")
    mode = serializers.CharField(source="summary.mode", default="")
    rows = serializers.IntegerField(source="summary.rows", default=0)
    progress = serializers.IntegerField(help_text=gettext_lazy("0 to 100."))
    complete = serializers.BooleanField()
    error = serializers.CharField(help_text=gettext_lazy("Why it failed; empty while running or when it worked."))
    added = serializers.IntegerField(source="summary.added", default=None, allow_null=True)
    already = serializers.IntegerField(source="summary.already", default=None, allow_null=True)
    removed = serializers.IntegerField(source="summary.removed", default=None, allow_null=True)
    remote = serializers.IntegerField(
        source="summary.remote", default=None, allow_null=True, help_text=gettext_lazy("Accounts on other servers.")
    )
    unknown = serializers.IntegerField(
        source="summary.unknown", default=None, allow_null=True, help_text=gettext_lazy("Names nobody has here.")
    )
    refused = serializers.IntegerField(source="summary.refused", default=None, allow_null=True)
    duplicates = serializers.IntegerField(source="summary.duplicates", default=0)
    created = serializers.DateTimeField()
    updated = serializers.DateTimeField()


class ImportPageSerializer(serializers.Serializer):
    items = ImportSerializer(many=True)
    _meta = s.PageMetaSerializer()
    _links = s.PageLinksSerializer()


def _imports(user):
    return Job.objects.filter(user=user, name=IMPORT_JOB).order_by("-created", "-pk")


class ImportListApi(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: ImportPageSerializer, **errors(401)},
        operation_id="imports_list",
        description=gettext_lazy(
            "Your CSV imports (Settings → Your data), newest first: progress and, once done, what each did."
        ),
    )
    def get(self, request):
        return paginated(self, _imports(request.user), ImportSerializer)


class ImportDetailApi(APIView):
    @extend_schema(responses={200: ImportSerializer, **errors(401, 404)}, operation_id="imports_retrieve")
    def get(self, request, pk):
        return Response(ImportSerializer(get_object_or_404(_imports(request.user), pk=str(pk))).data)
