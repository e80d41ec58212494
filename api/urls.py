from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import media_views, safety_views, views
from api.errors import not_found

app_name = "api"


def both(route, view, name):
    """The route with and without a trailing slash, as original clients use
    either, and a redirect would turn their POST/PUT/DELETE into a GET."""
    return [path(route, view, name=name), path(f"{route}/", view)]


urlpatterns = [
    *both("tokens", views.TokenApi.as_view(), "tokens"),
    *both("users", views.UserListApi.as_view(), "user-list"),
    *both("users/<int:pk>", views.UserDetailApi.as_view(), "user-detail"),
    *both("users/<int:pk>/followers", views.FollowersApi.as_view(), "user-followers"),
    *both("users/<int:pk>/following", views.FollowingApi.as_view(), "user-following"),
    *both("users/<int:pk>/follow", views.FollowApi.as_view(), "user-follow"),
    *both("users/<int:pk>/posts", views.UserPostsApi.as_view(), "user-posts"),
    *both("users/<int:pk>/avatar", media_views.AvatarApi.as_view(), "user-avatar"),
    *both("users/<int:pk>/header", media_views.HeaderApi.as_view(), "user-header"),
    *both("media", media_views.MediaCreateApi.as_view(), "media-create"),
    *both("media/<int:pk>", media_views.MediaDetailApi.as_view(), "media-detail"),
    *both("users/<int:pk>/block", safety_views.BlockApi.as_view(), "user-block"),
    *both("users/<int:pk>/mute", safety_views.MuteApi.as_view(), "user-mute"),
    *both("blocks", safety_views.BlockListApi.as_view(), "block-list"),
    *both("mutes", safety_views.MuteListApi.as_view(), "mute-list"),
    *both("reports", safety_views.ReportCreateApi.as_view(), "report-create"),
    *both("imports", safety_views.ImportListApi.as_view(), "import-list"),
    *both("imports/<uuid:pk>", safety_views.ImportDetailApi.as_view(), "import-detail"),
    *both("posts", views.PostListApi.as_view(), "post-list"),
    *both("posts/<int:pk>", views.PostDetailApi.as_view(), "post-detail"),
    *both("posts/<int:pk>/context", views.PostContextApi.as_view(), "post-context"),
    *both("posts/<int:pk>/replies", views.PostRepliesApi.as_view(), "post-replies"),
    *both("posts/<int:pk>/history", views.PostHistoryApi.as_view(), "post-history"),
    *both("posts/<int:pk>/like", views.PostLikeApi.as_view(), "post-like"),
    *both("posts/<int:pk>/boost", views.PostBoostApi.as_view(), "post-boost"),
    *both("timeline", views.TimelineApi.as_view(), "timeline"),
    *both("messages", views.MessageListApi.as_view(), "message-list"),
    *both("notifications", views.NotificationListApi.as_view(), "notification-list"),
    *both("tags/<str:tag>/posts", views.TagPostsApi.as_view(), "tag-posts"),
    *both("tags/<str:tag>/follow", views.TagFollowApi.as_view(), "tag-follow"),
    *both("followed_tags", views.FollowedTagListApi.as_view(), "followed-tag-list"),
    *both("notices", views.NoticeListApi.as_view(), "notice-list"),
    *both("notices/read", views.NoticeReadApi.as_view(), "notice-read"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI only: drf-spectacular's Redoc page pulls fonts and a logo from CDNs.
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Last: every other /api/ path is a JSON 404, never an HTML page or a slash redirect.
    # [\s\S], not ".": a path with a line break in it is an unknown path too, not an HTML 404.
    re_path(r"^[\s\S]*$", not_found),
]
