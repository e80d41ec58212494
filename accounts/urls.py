from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/edit/", views.profile_edit, name="profile-edit"),
    path("profile/delete/", views.account_delete, name="delete"),
    path("invite/<str:code>/", views.invite, name="invite"),
    path("invites/", views.invite_list, name="invites"),
    path("invites/<int:pk>/revoke/", views.invite_revoke, name="invite-revoke"),
    path("user/<username:username>/follow/", views.follow, name="follow"),
    path("user/<username:username>/unfollow/", views.unfollow, name="unfollow"),
    path("user/<username:username>/block/", views.block, name="block"),
    path("user/<username:username>/unblock/", views.unblock, name="unblock"),
    path("user/<username:username>/mute/", views.mute, name="mute"),
    path("user/<username:username>/unmute/", views.unmute, name="unmute"),
    path("settings/safety/", views.safety_settings, name="safety"),
    path("settings/safety/words/<int:pk>/delete/", views.muted_word_remove, name="muted-word-delete"),
    path("user/<username:username>/identicon.svg", views.identicon, name="identicon"),
    path("user/<username:username>/popover/", views.user_popover, name="popover"),
    path("@<username:username>/followers/", views.follower_list, name="followers"),
    path("@<username:username>/following/", views.following_list, name="following"),
]
