"""/api/v1/… and /api/v2/…: every path with and without a trailing slash (Mastodon.py
and toot add one; a redirect would turn their POST into a GET)."""

from django.urls import path, re_path

from api.errors import not_found
from api.mastodon import accounts, media, safety, statuses, streaming, views

app_name = "mastodon"


def both(route, view, name):
    return [path(route, view, name=name), path(f"{route}/", view)]


v = views
urlpatterns = [
    *both("v1/apps", v.AppCreateApi.as_view(), "apps"),
    *both("v1/apps/verify_credentials", v.AppVerifyApi.as_view(), "apps-verify"),
    *both("v1/instance", v.InstanceV1Api.as_view(), "instance"),
    *both("v2/instance", v.InstanceV2Api.as_view(), "instance-v2"),
    *both("v1/instance/peers", v.InstancePeersApi.as_view(), "instance-peers"),
    *both("v1/instance/activity", statuses.InstanceActivityApi.as_view(), "instance-activity"),
    *both("v1/custom_emojis", v.CustomEmojisApi.as_view(), "custom-emojis"),
    *both("v1/accounts/verify_credentials", v.VerifyCredentialsApi.as_view(), "verify-credentials"),
    *both("v1/accounts/lookup", v.AccountLookupApi.as_view(), "account-lookup"),
    *both("v1/accounts/relationships", v.RelationshipsApi.as_view(), "relationships"),
    *both("v1/accounts/update_credentials", accounts.UpdateCredentialsApi.as_view(), "update-credentials"),
    *both("v1/accounts/search", accounts.AccountSearchApi.as_view(), "account-search"),
    *both("v1/accounts/<str:pk>", v.AccountDetailApi.as_view(), "account"),
    *both("v1/accounts/<str:pk>/statuses", v.AccountStatusesApi.as_view(), "account-statuses"),
    *both("v1/accounts/<str:pk>/followers", v.FollowersApi.as_view(), "account-followers"),
    *both("v1/accounts/<str:pk>/following", v.FollowingApi.as_view(), "account-following"),
    *both("v1/accounts/<str:pk>/follow", v.FollowApi.as_view(), "account-follow"),
    *both("v1/accounts/<str:pk>/unfollow", v.UnfollowApi.as_view(), "account-unfollow"),
    *both("v1/accounts/<str:pk>/block", safety.BlockApi.as_view(), "account-block"),
    *both("v1/accounts/<str:pk>/unblock", safety.UnblockApi.as_view(), "account-unblock"),
    *both("v1/accounts/<str:pk>/mute", safety.MuteApi.as_view(), "account-mute"),
    *both("v1/accounts/<str:pk>/unmute", safety.UnmuteApi.as_view(), "account-unmute"),
    *both("v1/blocks", safety.BlockListApi.as_view(), "blocks"),
    *both("v1/mutes", safety.MuteListApi.as_view(), "mutes"),
    *both("v1/reports", safety.ReportCreateApi.as_view(), "reports"),
    *both("v1/statuses", v.StatusCreateApi.as_view(), "statuses"),
    *both("v1/statuses/<str:pk>", statuses.StatusApi.as_view(), "status"),
    *both("v1/statuses/<str:pk>/history", statuses.StatusHistoryApi.as_view(), "status-history"),
    *both("v1/statuses/<str:pk>/source", statuses.StatusSourceApi.as_view(), "status-source"),
    *both("v1/statuses/<str:pk>/bookmark", statuses.BookmarkApi.as_view(), "status-bookmark"),
    *both("v1/statuses/<str:pk>/unbookmark", statuses.UnbookmarkApi.as_view(), "status-unbookmark"),
    *both("v1/bookmarks", statuses.BookmarksApi.as_view(), "bookmarks"),
    *both("v1/favourites", statuses.FavouritesApi.as_view(), "favourites"),
    *both("v1/markers", statuses.MarkersApi.as_view(), "markers"),
    *both("v1/statuses/<str:pk>/context", v.StatusContextApi.as_view(), "status-context"),
    *both("v1/statuses/<str:pk>/favourite", v.FavouriteApi.as_view(), "status-favourite"),
    *both("v1/statuses/<str:pk>/unfavourite", v.UnfavouriteApi.as_view(), "status-unfavourite"),
    *both("v1/statuses/<str:pk>/reblog", v.ReblogApi.as_view(), "status-reblog"),
    *both("v1/statuses/<str:pk>/unreblog", v.UnreblogApi.as_view(), "status-unreblog"),
    *both("v1/statuses/<str:pk>/favourited_by", v.FavouritedByApi.as_view(), "status-favourited-by"),
    *both("v1/statuses/<str:pk>/reblogged_by", v.RebloggedByApi.as_view(), "status-reblogged-by"),
    *both("v1/timelines/home", v.HomeTimelineApi.as_view(), "timeline-home"),
    *both("v1/timelines/public", v.PublicTimelineApi.as_view(), "timeline-public"),
    *both("v1/timelines/tag/<str:hashtag>", v.TagTimelineApi.as_view(), "timeline-tag"),
    *both("v1/notifications", v.NotificationListApi.as_view(), "notifications"),
    *both("v1/notifications/clear", v.NotificationClearApi.as_view(), "notifications-clear"),
    *both("v1/notifications/unread_count", statuses.NotificationUnreadCountApi.as_view(), "notifications-unread"),
    *both("v1/notifications/<str:pk>", v.NotificationDetailApi.as_view(), "notification"),
    *both("v1/notifications/<str:pk>/dismiss", v.NotificationDismissApi.as_view(), "notification-dismiss"),
    *both("v2/search", v.SearchApi.as_view(), "search"),
    *both("v2/media", media.MediaCreateV2Api.as_view(), "media-v2"),
    *both("v1/media", media.MediaCreateV1Api.as_view(), "media"),
    *both("v1/media/<str:pk>", media.MediaDetailApi.as_view(), "media-detail"),
    # Served by the stream service (api/mastodon/streaming.py); nginx routes them there.
    path("v1/streaming", streaming.streaming, name="streaming"),
    re_path(r"^v1/streaming/(?P<stream>[a-z/]{1,40})$", streaming.streaming, name="streaming-stream"),
    # Every other /api/v1 or /api/v2 path: Mastodon's {"error": …} 404.
    # [\s\S], not ".": a path with a line break in it is an unknown path too, not an HTML 404.
    re_path(r"^[\s\S]*$", not_found),
]
