from django.contrib import admin

from messaging.models import Job, Message, Notice, Notification, PushSubscription


# Private messages and notifications: superusers only (no group is granted these permissions).
@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["sender", "recipient", "created"]
    list_select_related = ["sender", "recipient"]
    search_fields = ["sender__username", "recipient__username"]
    date_hierarchy = "created"
    raw_id_fields = ["sender", "recipient"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "timestamp"]
    list_select_related = ["user"]
    list_filter = ["name"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]


# Moderators may view jobs (granted by migration) to help a member whose export failed.
@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["description", "user", "progress", "complete", "created"]
    list_select_related = ["user"]
    list_filter = ["name", "complete"]
    search_fields = ["user__username", "id"]
    readonly_fields = ["id", "created", "updated"]
    raw_id_fields = ["user"]


# Notices (superusers only, like messages): what a member was told, and by whom.
@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "actor", "created", "read"]
    list_select_related = ["recipient", "actor"]
    list_filter = ["kind", "read"]
    search_fields = ["recipient__username", "actor__username"]
    raw_id_fields = ["recipient", "actor"]


# Members' push devices (superusers only): to help with notifications that never arrive.
@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "created", "last_used"]
    list_select_related = ["user"]
    search_fields = ["user__username", "name"]
    readonly_fields = ["endpoint", "p256dh", "auth", "created", "last_used"]
    raw_id_fields = ["user"]
