"""Token authentication for the stream service (messaging.views.stream and the Mastodon
streaming API): API clients open streams with a bearer token instead of a session.
Named in settings.STREAM_TOKEN_AUTHENTICATORS, so messaging imports nothing from here."""

import hashlib

from oauth2_provider.models import AccessToken

from api.authentication import BearerTokenAuthentication
from api.mastodon.scopes import scope_granted, scopes_parse

# What a Mastodon token needs to read a stream (Mastodon asks read or read:statuses /
# read:notifications; any of them opens it here, and the stream carries both).
STREAM_SCOPES = ("read:statuses", "read:notifications")


def api_token_user(raw: str):
    """The member of a project API token (POST /api/tokens), or None."""
    token = BearerTokenAuthentication()._token(raw.encode("ascii", "replace"))
    return token.user if token is not None else None


def oauth_token_user(raw: str):
    """The member of a Mastodon OAuth access token with a read scope, or None (revoked,
    expired, an app's own token without a member, a closed account)."""
    checksum = hashlib.sha256(raw.encode()).hexdigest()
    token = AccessToken.objects.select_related("user").filter(token_checksum=checksum).first()
    if token is None or token.application_id is None or token.is_expired() or token.user is None:
        return None
    if not token.user.is_active:
        return None
    granted = scopes_parse(token.scope)
    if not any(scope_granted(granted, scope) for scope in STREAM_SCOPES):
        return None
    return token.user
