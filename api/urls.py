from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import views
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
    *both("posts", views.PostListApi.as_view(), "post-list"),
    *both("posts/<int:pk>", views.PostDetailApi.as_view(), "post-detail"),
    *both("timeline", views.TimelineApi.as_view(), "timeline"),
    *both("messages", views.MessageListApi.as_view(), "message-list"),
    *both("notifications", views.NotificationListApi.as_view(), "notification-list"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI only: drf-spectacular's Redoc page pulls fonts and a logo from CDNs.
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Last: every other /api/ path is a JSON 404, never an HTML page or a slash redirect.
    re_path(r"^.*$", not_found),
]
