from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.formats import localize
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from posts.models import ModerationAction, Post, Report
from posts.moderation import ModerationError, member_unsuspend, report_resolve


def count_subquery(queryset):
    """COUNT(*) of `queryset` (correlated by OuterRef) as one subquery of the list's query."""
    return Coalesce(Subquery(queryset.order_by().values("target").annotate(n=Count("*")).values("n")[:1]), 0)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["short_body", "author", "created", "language"]
    list_select_related = ["author"]
    list_filter = ["created", "language"]
    search_fields = ["body", "author__username"]
    raw_id_fields = ["author"]
    date_hierarchy = "created"
    ordering = ["-created", "-id"]
    show_full_result_count = False  # a COUNT(*) over every post on each page is slow on big tables

    @admin.display(description=_("body"))
    def short_body(self, post):
        return post.body[:80]


class ReportResolveForm(forms.ModelForm):
    """The queue's decision on a report: what to do and why (posts.moderation.report_resolve)."""

    decision = forms.ChoiceField(
        label=_("Action"),
        choices=[
            (ModerationAction.Kind.DISMISS, _("Dismiss the report")),
            (ModerationAction.Kind.DELETE_POSTS, _("Delete the reported posts")),
            (ModerationAction.Kind.WARN, _("Warn the member (they see the reason at their next login)")),
            (ModerationAction.Kind.SUSPEND, _("Suspend the member (no login, content hidden; reversible)")),
            (
                ModerationAction.Kind.DELETE_ACCOUNT,
                _("Delete the account and everything they made (can't be undone)"),
            ),
        ],
        widget=forms.RadioSelect,
    )
    decision_reason = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the moderation log; a warning shows it to the member."),
    )
    confirm_username = forms.CharField(
        label=_("Confirm the deletion"),
        required=False,
        help_text=_("To delete the account, type the member's username."),
    )

    class Meta:
        model = Report
        fields = []

    def clean(self):
        cleaned = super().clean()
        if self.instance.status != Report.Status.OPEN:
            raise forms.ValidationError(_("This report was closed already."))
        moderator = self.moderator
        member = self.instance.target
        if cleaned.get("decision") != ModerationAction.Kind.DISMISS and (
            (member.is_staff or member.is_superuser) and not moderator.is_superuser
        ):
            raise forms.ValidationError(_("Only superusers can act on staff accounts."))
        if cleaned.get("decision") == ModerationAction.Kind.DELETE_ACCOUNT:
            deletion_confirm(member, cleaned.get("confirm_username", ""))
        return cleaned


def deletion_confirm(member, typed: str) -> None:
    """An account is deleted only when the moderator typed its username: a slip of the radio can't do it."""
    if typed.strip() != member.username:
        raise forms.ValidationError(
            _("To delete %(username)s's account, type their username in the confirmation box.")
            % {"username": member.username}
        )


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """The moderation queue: open reports, newest first, with what they're about."""

    form = ReportResolveForm
    list_display = ["created", "target", "reason", "short_comment", "reporter", "other_open", "status"]
    list_display_links = ["created", "target"]
    list_filter = ["status", "reason"]
    list_select_related = ["reporter", "target"]
    search_fields = ["target__username", "reporter__username", "comment"]
    ordering = ["-created", "-id"]
    readonly_fields = [
        "created",
        "reporter",
        "target",
        "reason",
        "comment",
        "reported_posts",
        "other_open",
        "status",
        "outcome",
        "resolved_by",
        "resolved",
    ]
    fieldsets = [
        (None, {"fields": ["created", "target", "reason", "comment", "reported_posts", "other_open", "reporter"]}),
        (_("Decision"), {"fields": ["decision", "decision_reason", "confirm_username"]}),
        (_("Outcome"), {"fields": ["status", "outcome", "resolved_by", "resolved"]}),
    ]
    show_full_result_count = False

    def get_queryset(self, request):
        others = Report.objects.filter(target=OuterRef("target"), status=Report.Status.OPEN).exclude(pk=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(other_open_count=count_subquery(others))
            .prefetch_related(Prefetch("posts", queryset=Post.objects.order_by("-created", "-id")))
        )

    def changelist_view(self, request, extra_context=None):
        # The queue opens on the open reports; the filter still shows closed ones.
        if (
            "status__exact" not in request.GET
            and not request.GET.get("_changelist_filters")
            and not request.GET.get("q")
        ):
            query = request.GET.copy()
            query["status__exact"] = Report.Status.OPEN
            request.GET = query
            request.META["QUERY_STRING"] = query.urlencode()
        return super().changelist_view(request, extra_context)

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.status != Report.Status.OPEN:
            return [fieldset for fieldset in self.fieldsets if fieldset[0] != _("Decision")]
        return self.fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and obj.status != Report.Status.OPEN:
            kwargs["form"] = forms.ModelForm
        form = super().get_form(request, obj, change=change, **kwargs)
        form.moderator = request.user
        return form

    def get_urls(self):
        route = path(
            "<int:report_id>/delete-account/",
            self.admin_site.admin_view(self.delete_account_view),
            name="posts_report_delete_account",
        )
        return [route, *super().get_urls()]

    def delete_account_view(self, request, report_id):
        """POST only: delete the reported member's account (reason and typed username in the
        body), as the queue's "Delete the account" decision does; for moderators only."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        report = get_object_or_404(Report.objects.select_related("target"), pk=report_id)
        if not self.has_change_permission(request, report):
            raise PermissionDenied
        try:
            deletion_confirm(report.target, request.POST.get("confirm_username", ""))
            report_resolve(
                report=report,
                moderator=request.user,
                kind=ModerationAction.Kind.DELETE_ACCOUNT,
                reason=request.POST.get("reason", ""),
            )
        except (forms.ValidationError, ModerationError) as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect("admin:posts_report_change", report.pk)
        self.message_user(request, _("%(username)s's account is being deleted.") % {"username": report.target.username})
        return redirect("admin:posts_report_changelist")

    def has_add_permission(self, request):
        return False  # members report from the site

    def has_delete_permission(self, request, obj=None):
        return False  # a report is closed, never lost

    @admin.display(description=_("comment"))
    def short_comment(self, report):
        return report.comment[:80]

    @admin.display(description=_("other open reports about this member"))
    def other_open(self, report):
        return report.other_open_count

    @admin.display(description=_("reported posts"))
    def reported_posts(self, report):
        posts = list(report.posts.all())
        if not posts:
            return _("No posts attached.")
        return format_html_join(
            "",
            '<blockquote style="border-left:3px solid #ccc;padding-left:.5em;margin:0 0 .5em">{}'
            '<br><small><a href="{}">{}</a>{}</small></blockquote>',
            (
                (
                    post.body or "",
                    post.get_absolute_url(),
                    localize(post.created),
                    _(" (deleted)") if post.is_deleted else "",
                )
                for post in posts
            ),
        )

    def save_model(self, request, obj, form, change):
        if "decision" not in form.cleaned_data:
            return
        try:
            report_resolve(
                report=obj,
                moderator=request.user,
                kind=form.cleaned_data["decision"],
                reason=form.cleaned_data["decision_reason"],
            )
        except ModerationError as error:
            self.message_user(request, error.message, messages.ERROR)

    def save_related(self, request, form, formsets, change):
        pass  # nothing of the report itself is edited here


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The audit log: who did what, to whom and why. Superusers only; nobody edits it."""

    list_display = ["created", "moderator", "kind", "target_username", "short_reason", "report"]
    list_filter = ["kind", "created"]
    list_select_related = ["moderator", "report"]
    search_fields = ["target_username", "moderator__username", "reason"]
    ordering = ["-created", "-id"]
    readonly_fields = [
        "created",
        "moderator",
        "kind",
        "target",
        "target_username",
        "report",
        "reason",
        "post_ids",
        "seen",
    ]
    actions = ["lift_suspension"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        # Admin actions need a change permission by default; this one is the superusers'.
        actions = super().get_actions(request)
        return actions if request.user.is_superuser else {}

    @admin.display(description=_("reason"))
    def short_reason(self, action):
        return action.reason[:80]

    @admin.action(description=_("Lift the suspension of the selected entries' members"), permissions=["view"])
    def lift_suspension(self, request, queryset):
        lifted = 0
        for action in queryset.filter(kind=ModerationAction.Kind.SUSPEND).select_related("target"):
            # None: the account was deleted since; the log row stays.
            if action.target is not None and not action.target.is_active:
                try:
                    member_unsuspend(moderator=request.user, member=action.target, reason=_("Suspension lifted."))
                except ModerationError as error:
                    self.message_user(request, error.message, messages.ERROR)
                    continue
                lifted += 1
        self.message_user(
            request,
            ngettext("%(count)d suspension lifted.", "%(count)d suspensions lifted.", lifted) % {"count": lifted},
        )
