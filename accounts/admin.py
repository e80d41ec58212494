from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.deletion import AccountDeletionRefused, account_delete_start
from accounts.models import EmailDomainBlock, Follow, Invite, ReservedUsername, SignupApplication, User
from accounts.services import members_deactivate, user_email_change
from accounts.signup import invite_revoke, signup_application_approve, signup_application_reject

# Fields that grant powers. Moderators hold change_user to moderate members; without
# this they could make themselves (or anyone) superuser. The email address is one too:
# whoever sets it receives the member's password reset, which is taking over the account.
PRIVILEGE_FIELDS = ["email", "is_staff", "is_superuser", "groups", "user_permissions"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "is_active", "is_staff", "date_joined", "last_seen"]
    list_filter = ["is_active", "is_staff", "is_superuser", "date_joined", "groups"]
    search_fields = ["username", "email"]
    ordering = ["-date_joined"]
    actions = ["deactivate", "delete_accounts"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Microblog"), {"fields": ["about_me", "language", "last_seen"]}),)
    readonly_fields = ["last_seen", "last_login", "date_joined"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return readonly
        return readonly + PRIVILEGE_FIELDS

    def has_change_permission(self, request, obj=None):
        # Only superusers change staff accounts (moderators may still view them).
        if obj is not None and (obj.is_staff or obj.is_superuser) and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A superuser's change of address goes to allauth's addresses too (no stale row
        # that still receives password resets).
        if change and "email" in form.changed_data and obj.email:
            user_email_change(user=obj, email=obj.email, old=form.initial.get("email") or "")

    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password is taking over their account: superusers only.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.action(description=_("Deactivate selected members"), permissions=["change"])
    def deactivate(self, request, queryset):
        # Never lock out the moderator doing the clean-up.
        members = queryset.exclude(pk=request.user.pk)
        if not request.user.is_superuser:
            # The same rule as has_change_permission: staff accounts are the superusers' business.
            members = members.filter(is_staff=False, is_superuser=False)
        count = members_deactivate(members=members)
        self.message_user(
            request,
            ngettext("%(count)d member deactivated.", "%(count)d members deactivated.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Delete selected accounts and everything they made"), permissions=["change"])
    def delete_accounts(self, request, queryset):
        """As members delete their own (accounts.deletion): locked now, deleted by a task.
        Staff accounts only by a superuser; never the moderator's own."""
        count = refused = 0
        for member in queryset.exclude(pk=request.user.pk):
            try:
                account_delete_start(user=member, by=request.user)
            except AccountDeletionRefused:
                refused += 1
            else:
                count += 1
        self.message_user(
            request,
            ngettext("%(count)d account is being deleted.", "%(count)d accounts are being deleted.", count)
            % {"count": count},
            messages.SUCCESS,
        )
        if refused:
            self.message_user(
                request, _("Staff accounts can only be deleted by a superuser; they were left alone."), messages.WARNING
            )


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["follower", "followed", "created"]
    list_select_related = ["follower", "followed"]
    search_fields = ["follower__username", "followed__username"]
    raw_id_fields = ["follower", "followed"]
    date_hierarchy = "created"


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    """Every member's invite links: who made them, how they were used; revoke any."""

    list_display = ["code", "created_by", "created", "expires", "uses", "max_uses", "revoked"]
    list_select_related = ["created_by"]
    list_filter = [("revoked", admin.EmptyFieldListFilter), "created"]
    search_fields = ["code", "created_by__username"]
    readonly_fields = ["code", "created_by", "created", "uses", "revoked"]
    fields = ["code", "created_by", "created", "expires", "max_uses", "uses", "revoked"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # members make them on their invites page

    @admin.action(description=_("Revoke selected invites"), permissions=["change"])
    def revoke(self, request, queryset):
        for invite in queryset.filter(revoked__isnull=True):
            invite_revoke(invite=invite)
        self.message_user(request, _("The selected invites no longer work."), messages.SUCCESS)


@admin.register(SignupApplication)
class SignupApplicationAdmin(admin.ModelAdmin):
    """The approval queue (SIGNUP_MODE=approval): the oldest waiting first."""

    list_display = ["user", "user_email", "reason", "created", "status"]
    list_select_related = ["user"]
    list_filter = ["status"]
    search_fields = ["user__username", "user__email", "reason"]
    ordering = ["status", "created"]
    readonly_fields = ["user", "reason", "created", "status", "decided"]
    actions = ["approve", "reject"]

    @admin.display(description=_("email"))
    def user_email(self, application):
        return application.user.email

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # "reject" deletes the account, with a mail; a bare delete would not tell them

    @admin.action(description=_("Approve selected applications (the members are emailed)"), permissions=["change"])
    def approve(self, request, queryset):
        pending = list(queryset.filter(status=SignupApplication.PENDING).select_related("user"))
        for application in pending:
            signup_application_approve(application=application)
        self.message_user(request, _("%(count)d approved.") % {"count": len(pending)}, messages.SUCCESS)

    @admin.action(
        description=_("Reject selected applications (the accounts are deleted, the applicants emailed)"),
        permissions=["change"],
    )
    def reject(self, request, queryset):
        pending = list(queryset.filter(status=SignupApplication.PENDING).select_related("user"))
        for application in pending:
            signup_application_reject(application=application)
        self.message_user(request, _("%(count)d rejected.") % {"count": len(pending)}, messages.SUCCESS)


@admin.register(ReservedUsername)
class ReservedUsernameAdmin(admin.ModelAdmin):
    """Names of deleted accounts (and whether the deletion has finished)."""

    list_display = ["username", "requested", "completed"]
    search_fields = ["username"]
    readonly_fields = ["username", "user_id", "requested", "completed"]

    def has_add_permission(self, request):
        return False


@admin.register(EmailDomainBlock)
class EmailDomainBlockAdmin(admin.ModelAdmin):
    list_display = ["domain", "note", "created"]
    search_fields = ["domain", "note"]
    fields = ["domain", "note"]
