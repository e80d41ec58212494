from django.urls import path

from messaging import push_views, views

app_name = "messaging"

urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/new/<username:username>/", views.message_create, name="message-create"),
    # The navbar's poll. Its old address, /notifications/?since=, is still answered by
    # the notifications page (posts.tag_views.notifications), which lives there now.
    path("notifications/poll/", views.notification_list, name="notifications"),
    # Served by the stream service (uvicorn); nginx routes /stream/ there.
    path("stream/", views.stream, name="stream"),
    path("settings/push/", push_views.push_settings, name="push-settings"),
    path("settings/push/subscribe/", push_views.push_subscribe_view, name="push-subscribe"),
    path("settings/push/unsubscribe/", push_views.push_unsubscribe_view, name="push-unsubscribe"),
    path("settings/push/devices/<int:subscription_id>/remove/", push_views.push_device_remove, name="push-remove"),
    path("jobs/<uuid:job_id>/download/", views.job_download, name="job-download"),
]
