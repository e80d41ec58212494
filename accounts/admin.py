from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Follow, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "is_active", "is_staff", "date_joined", "last_seen"]
    list_filter = ["is_active", "is_staff", "is_superuser", "date_joined", "groups"]
    search_fields = ["username", "email"]
    ordering = ["-date_joined"]
    actions = ["deactivate"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Microblog"), {"fields": ["about_me", "language", "last_seen"]}),)
    readonly_fields = ["last_seen", "last_login", "date_joined"]

    @admin.action(description=_("Deactivate selected members"), permissions=["change"])
    def deactivate(self, request, queryset):
        # Never lock out the moderator doing the clean-up.
        count = queryset.exclude(pk=request.user.pk).update(is_active=False)
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
