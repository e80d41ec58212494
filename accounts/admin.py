from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Follow, User
from accounts.services import members_deactivate

# Fields that grant powers. Moderators hold change_user to moderate members; without
# this they could make themselves (or anyone) superuser.
PRIVILEGE_FIELDS = ["is_staff", "is_superuser", "groups", "user_permissions"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "is_active", "is_staff", "date_joined", "last_seen"]
    list_filter = ["is_active", "is_staff", "is_superuser", "date_joined", "groups"]
    search_fields = ["username", "email"]
    ordering = ["-date_joined"]
    actions = ["deactivate"]
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


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["follower", "followed", "created"]
    list_select_related = ["follower", "followed"]
    search_fields = ["follower__username", "followed__username"]
    raw_id_fields = ["follower", "followed"]
    date_hierarchy = "created"
