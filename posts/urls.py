from django.urls import path
from django.views.decorators.http import require_safe

from posts import archive_views, bookmark_views, feeds, report_views, tag_views, views

app_name = "posts"

urlpatterns = [
    path("", views.home, name="home"),
    path("explore/", views.explore, name="explore"),
    path("user/<username:username>/", views.user_detail, name="user"),
    # Mastodon-style addresses: /@name/ (the profile) and /@name/<id>/ (a post), stable for federation.
    path("@<username:username>/", views.user_detail, name="user-at"),
    path("@<username:username>/<int:pk>/", views.post_detail, name="post"),
    path("@<username:username>/<int:pk>/history/", views.post_history, name="history"),
    path("user/<username:username>/rss/", require_safe(feeds.MemberPostsFeed()), name="user-rss"),
    path("user/<username:username>/atom/", require_safe(feeds.MemberPostsAtomFeed()), name="user-atom"),
    path("export/", views.export_start, name="export"),
    path("settings/data/", archive_views.data_settings, name="data"),
    path("settings/data/archive/", archive_views.archive_start_view, name="archive"),
    path("settings/data/import/", archive_views.import_start_view, name="import"),
    path("post/<int:pk>/translate/", views.post_translate_json, name="translate"),
    # tags: hashtags and the notifications page.
    path("tags/<str:tag>/", tag_views.tag_detail, name="tag"),
    path("tags/<str:tag>/rss/", require_safe(feeds.TagPostsFeed()), name="tag-rss"),
    path("tags/<str:tag>/atom/", require_safe(feeds.TagPostsAtomFeed()), name="tag-atom"),
    path("tags/<str:tag>/follow/", tag_views.tag_follow_view, name="tag-follow"),
    path("tags/<str:tag>/unfollow/", tag_views.tag_unfollow_view, name="tag-unfollow"),
    path("notifications/", tag_views.notifications, name="notifications"),
    path("post/<int:pk>/reply/", views.post_reply, name="reply"),
    path("post/<int:pk>/like/", views.post_like_view, name="like"),
    path("post/<int:pk>/unlike/", views.post_unlike_view, name="unlike"),
    path("post/<int:pk>/boost/", views.post_boost_view, name="boost"),
    path("post/<int:pk>/unboost/", views.post_unboost_view, name="unboost"),
    path("post/<int:pk>/bookmark/", views.post_bookmark_view, name="bookmark"),
    path("post/<int:pk>/unbookmark/", views.post_unbookmark_view, name="unbookmark"),
    path("bookmarks/", bookmark_views.bookmarks, name="bookmarks"),
    path("post/<int:pk>/quote/", views.post_quote, name="quote"),
    path("post/<int:pk>/report/", report_views.post_report, name="report"),
    path("user/<username:username>/report/", report_views.member_report, name="member-report"),
    path("post/<int:pk>/edit/", views.post_edit_view, name="edit"),
    path("post/<int:pk>/delete/", views.post_delete_view, name="delete"),
]
