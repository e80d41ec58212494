from django.conf import settings
from django.utils.functional import SimpleLazyObject

from core.site import current_site


def site(request):
    """Values every template may need, read per request so tests can override them."""
    return {
        "POST_MAX_LENGTH": settings.POST_MAX_LENGTH,
        "NOTIFICATIONS_POLL_SECONDS": settings.NOTIFICATIONS_POLL_SECONDS,
        "STREAM_URL": settings.STREAM_URL,
        # The site's name, pitch and public setting (core.site): read only by pages that show them.
        "SITE": SimpleLazyObject(current_site),
    }
