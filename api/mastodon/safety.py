"""Mastodon's blocks, mutes and reports (issue 18): /api/v1/accounts/:id/block|unblock|
mute|unmute, /api/v1/blocks, /api/v1/mutes, /api/v1/reports, on the same services as
the pages. Kept apart from views.py so the other Mastodon endpoints merge cleanly."""

from rest_framework import serializers
from rest_framework.response import Response

from accounts.models import Block, Mute
from accounts.services import SafetyError, block_create, block_delete, mute_create, mute_delete
from api.mastodon import entities
from api.mastodon.base import MastodonView, ValidationFailed, keyset_page, paged
from api.mastodon.views import active_member, relationship_change, relationships
from posts.counts import with_member_counts
from posts.models import Post, Report
from posts.moderation import REPORT_POSTS_MAX, ReportError, report_create


class BlockApi(MastodonView):
    scopes = {"POST": "write:blocks"}

    def post(self, request, pk):
        return relationship_change(
            request,
            pk,
            lambda member: block_create(blocker=request.user, blocked=member),
            SafetyError,
            refuse_self="You can't block yourself.",
        )


class UnblockApi(MastodonView):
    scopes = {"POST": "write:blocks"}

    def post(self, request, pk):
        return relationship_change(
            request, pk, lambda member: block_delete(blocker=request.user, blocked=member), SafetyError
        )


class MuteSerializer(serializers.Serializer):
    notifications = serializers.BooleanField(required=False, default=True)
    # Seconds; 0 (Mastodon's default) or absent: until unmuted.
    duration = serializers.IntegerField(required=False, default=0, min_value=0, max_value=10 * 365 * 86400)


class MuteApi(MastodonView):
    scopes = {"POST": "write:mutes"}

    def post(self, request, pk):
        member = active_member(pk)
        data = self.validated(MuteSerializer, request.data)
        try:
            mute_create(
                muter=request.user,
                muted=member,
                seconds=data["duration"] or None,
                notifications=data["notifications"],
            )
        except SafetyError as error:
            raise ValidationFailed(str(error)) from None
        return Response(relationships(request.user, [member])[0])


class UnmuteApi(MastodonView):
    scopes = {"POST": "write:mutes"}

    def post(self, request, pk):
        member = active_member(pk)
        try:
            mute_delete(muter=request.user, muted=member)
        except SafetyError:
            pass
        return Response(relationships(request.user, [member])[0])


class BlockListApi(MastodonView):
    scopes = {"GET": "read:blocks"}

    def get(self, request):
        blocks = Block.objects.filter(blocker=request.user, blocked__is_active=True).select_related("blocked")
        rows, links = keyset_page(request, blocks.order_by("-created", "-id"))
        members = with_member_counts([block.blocked for block in rows])
        return paged([entities.account(member) for member in members], links)


class MuteListApi(MastodonView):
    scopes = {"GET": "read:mutes"}

    def get(self, request):
        mutes = Mute.objects.active().filter(muter=request.user, muted__is_active=True).select_related("muted")
        rows, links = keyset_page(request, mutes.order_by("-created", "-id"))
        members = with_member_counts([mute.muted for mute in rows])
        return paged([entities.account(member) for member in members], links)


class FormListField(serializers.ListField):
    """A list from JSON, or from a form as `name[]` (how Mastodon's clients send one) or `name`."""

    def get_value(self, dictionary):
        if hasattr(dictionary, "getlist") and f"{self.field_name}[]" in dictionary:
            return dictionary.getlist(f"{self.field_name}[]")
        return super().get_value(dictionary)


class ReportSerializer(serializers.Serializer):
    account_id = serializers.CharField()
    status_ids = FormListField(child=serializers.CharField(), required=False, default=list)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)
    category = serializers.ChoiceField(choices=["spam", "legal", "violation", "other"], required=False, default="other")


# Mastodon's categories as this site's reasons ("violation" of the rules: harassment and the like).
CATEGORIES = {
    "spam": Report.Reason.SPAM,
    "legal": Report.Reason.ILLEGAL,
    "violation": Report.Reason.HARASSMENT,
    "other": Report.Reason.OTHER,
}


class ReportCreateApi(MastodonView):
    scopes = {"POST": "write:reports"}

    def post(self, request):
        data = self.validated(ReportSerializer, request.data)
        member = active_member(data["account_id"])
        ids = [int(pk) for pk in data["status_ids"] if pk.isdigit() and int(pk) < 2**63]
        if len(ids) != len(data["status_ids"]) or len(ids) > REPORT_POSTS_MAX:
            raise ValidationFailed(f"status_ids: at most {REPORT_POSTS_MAX} ids of the account's statuses")
        try:
            report = report_create(
                reporter=request.user,
                target=member,
                reason=CATEGORIES[data["category"]],
                comment=data["comment"],
                post_ids=ids,
            )
        except ReportError as error:
            raise ValidationFailed(" ".join(error.messages)) from None
        posts = Post.objects.filter(pk__in=ids).values_list("pk", flat=True)
        return Response(
            {
                "id": str(report.pk),
                "action_taken": False,
                "action_taken_at": None,
                "category": data["category"],
                "comment": report.comment,
                "forwarded": False,
                "created_at": entities.iso(report.created),
                "status_ids": [str(pk) for pk in posts],
                "rule_ids": [],
                "target_account": entities.account(with_member_counts([member])[0]),
            }
        )
