from django.contrib import admin

from core.models import OutboxTask, SitePage, SiteSettings
from core.site import site_page_delete, site_page_save, site_settings_save


# Tasks waiting for the broker to come back (superusers only): how long, how many tries.
@admin.register(OutboxTask)
class OutboxTaskAdmin(admin.ModelAdmin):
    list_display = ["task", "task_id", "created", "attempts"]
    list_filter = ["task"]
    readonly_fields = ["task", "args", "kwargs", "task_id", "created", "attempts"]


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """One row: the admin edits it, never adds a second or deletes it."""

    list_display = ["__str__", "name", "public"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        site_settings_save(row=obj)


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "updated"]

    def save_model(self, request, obj, form, change):
        site_page_save(page=obj)

    def delete_model(self, request, obj):
        site_page_delete(page=obj)

    def delete_queryset(self, request, queryset):
        for page in queryset:
            site_page_delete(page=page)
