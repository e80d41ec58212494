from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/edit/", views.profile_edit, name="profile-edit"),
    path("user/<str:username>/follow/", views.follow, name="follow"),
    path("user/<str:username>/unfollow/", views.unfollow, name="unfollow"),
    path("user/<str:username>/identicon.svg", views.identicon, name="identicon"),
]
