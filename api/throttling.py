"""DRF throttles whose rates are read from settings when a request arrives
(DRF's own classes read them once, at import)."""

import base64
import binascii

from django.db.models import Q
from rest_framework import throttling
from rest_framework.settings import api_settings

from accounts.models import User


class SettingsRateMixin:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonRateThrottle(SettingsRateMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(SettingsRateMixin, throttling.UserRateThrottle):
    pass


class TokenRateThrottle(SettingsRateMixin, throttling.SimpleRateThrottle):
    """Limits POST /api/tokens per client address and per username tried, so
    password guessing is slow from one machine and against one member from
    many. It never looks at request.user: it runs before authentication, so
    failed guesses count too."""

    scope = "token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenUsernameRateThrottle(TokenRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        username = basic_auth_username(request)
        if not username:
            return None
        # One allowance per member, whether tried by username or email address.
        member = User.objects.filter(Q(username__iexact=username) | Q(email__iexact=username))
        pks = list(member.values_list("pk", flat=True)[:2])
        ident = f"member:{pks[0]}" if len(pks) == 1 else username.lower()
        return self.cache_format % {"scope": "token-user", "ident": ident}


class BadTokenThrottle(SettingsRateMixin, throttling.SimpleRateThrottle):
    """Limits failed bearer tokens per client address, so tokens cannot be guessed at
    full speed: authentication fails before DRF's throttles run, so an invalid token
    was never counted. Only failures count (`failure_record`); once over the limit the
    address is refused before any token is checked, the right one included."""

    scope = "bad_token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def refuses(self, request) -> bool:
        """Whether the address is over its allowance; counts nothing."""
        if self.rate is None:
            return False
        self.key = self.get_cache_key(request, None)
        self.now = self.timer()
        self.history = [hit for hit in self.cache.get(self.key, []) if hit > self.now - self.duration]
        return len(self.history) >= self.num_requests

    def failure_record(self, request) -> None:
        if self.rate is not None and not self.refuses(request):
            self.throttle_success()  # DRF's name for "count this hit"


def basic_auth_username(request) -> str:
    """The username in an HTTP Basic header, without checking the password."""
    header = request.META.get("HTTP_AUTHORIZATION", "").split()
    if len(header) != 2 or header[0].lower() != "basic":
        return ""
    try:
        decoded = base64.b64decode(header[1], validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return ""
    return decoded.partition(":")[0][:150]
