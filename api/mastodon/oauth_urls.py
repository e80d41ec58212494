from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from api.mastodon import oauth

app_name = "oauth"

urlpatterns = [
    path("authorize", oauth.authorize, name="authorize"),
    path("authorize/", oauth.authorize),
    path("token", csrf_exempt(oauth.MastodonTokenView.as_view()), name="token"),
    path("token/", csrf_exempt(oauth.MastodonTokenView.as_view())),
    path("revoke", csrf_exempt(oauth.MastodonRevokeView.as_view()), name="revoke"),
    path("revoke/", csrf_exempt(oauth.MastodonRevokeView.as_view())),
    path("authorized_applications/", oauth.authorized_apps, name="authorized-apps"),
    path("authorized_applications/<int:pk>/revoke/", oauth.authorized_app_revoke, name="authorized-app-revoke"),
]
