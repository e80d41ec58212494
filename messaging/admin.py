from django.contrib import admin

from messaging.models import Job, Message, Notification, OutboxTask


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


# Tasks waiting for the broker to come back (superusers only): how long, how many tries.
@admin.register(OutboxTask)
class OutboxTaskAdmin(admin.ModelAdmin):
    list_display = ["task", "task_id", "created", "attempts"]
    list_filter = ["task"]
    readonly_fields = ["task", "args", "kwargs", "task_id", "created", "attempts"]
