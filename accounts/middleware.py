from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from core.i18n import supported_language


class LastSeenMiddleware:
    """Updates request.user.last_seen at most once per LAST_SEEN_INTERVAL.

    A cache key per member remembers the last write, so a plain page view does
    not write to the database (the cache is shared by all web processes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            # cache.add only succeeds when the key is absent: one write per interval.
            if cache.add(f"last-seen:{user.pk}", 1, timeout=settings.LAST_SEEN_INTERVAL):
                user.touch_last_seen()
        return self.get_response(request)


class MemberLanguageMiddleware:
    """A member's saved language wins over the cookie and Accept-Language that
    LocaleMiddleware (which runs before authentication) went by."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        language = supported_language(user.language) if user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
