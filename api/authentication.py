from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from api.models import Token, token_digest
from api.services import LoginRefused, member_authenticate
from api.throttling import BadTokenThrottle

# The original Microblog API (Flask-HTTPAuth) answered 401s with this realm.
REALM = "Authentication Required"


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>` with a token from POST /api/tokens."""

    keyword = "bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.encode():
            return None  # not ours: let session authentication try
        throttle = BadTokenThrottle()
        if throttle.refuses(request):
            raise exceptions.Throttled(wait=throttle.wait())
        if len(parts) != 2:
            throttle.failure_record(request)
            raise exceptions.AuthenticationFailed(_("Invalid Authorization header: use 'Bearer <token>'."))
        token = self._token(parts[1])
        if token is None:
            throttle.failure_record(request)
            raise exceptions.AuthenticationFailed(_("Invalid or expired token."))
        return token.user, token

    def _token(self, raw: bytes) -> Token | None:
        try:
            raw = raw.decode("ascii")
        except UnicodeDecodeError:
            return None
        token = Token.objects.live().select_related("user").filter(digest=token_digest(raw)).first()
        # The token is derived from the member's password hash too: a changed or reset
        # password (by any way) revokes it, as Django does with sessions.
        if token is None or token_digest(token.plaintext()) != token.digest:
            return None
        return token

    def authenticate_header(self, request):
        return f'Bearer realm="{REALM}"'


class BasicAuthentication(authentication.BasicAuthentication):
    """HTTP Basic for POST /api/tokens, checked as the login page checks a password
    (one lockout for every way in) and, with two-factor login on, the code in the
    X-OTP header (api.services.member_authenticate)."""

    www_authenticate_realm = REALM

    def authenticate_credentials(self, userid, password, request=None):
        try:
            user = member_authenticate(
                request=request._request, login=userid, password=password, code=request.META.get("HTTP_X_OTP", "")
            )
        except LoginRefused as refused:
            if refused.locked:
                raise exceptions.Throttled(detail=str(refused)) from None
            failed = exceptions.AuthenticationFailed(str(refused))
            failed.code_needed = refused.code_needed
            raise failed from None
        return user, None
