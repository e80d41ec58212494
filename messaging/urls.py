from django.urls import path

from messaging import views

app_name = "messaging"

urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/new/<username:username>/", views.message_create, name="message-create"),
    path("notifications/", views.notification_list, name="notifications"),
    path("jobs/<uuid:job_id>/download/", views.job_download, name="job-download"),
]
