from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/edit/", views.profile_edit, name="profile-edit"),
    path("user/<username:username>/follow/", views.follow, name="follow"),
    path("user/<username:username>/unfollow/", views.unfollow, name="unfollow"),
    path("user/<username:username>/identicon.svg", views.identicon, name="identicon"),
    path("user/<username:username>/popover/", views.user_popover, name="popover"),
]
