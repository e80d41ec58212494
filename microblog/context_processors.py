from django.conf import settings


def site(request):
    """Values every template may need, read per request so tests can override them."""
    return {
        "POST_MAX_LENGTH": settings.POST_MAX_LENGTH,
        "NOTIFICATIONS_POLL_SECONDS": settings.NOTIFICATIONS_POLL_SECONDS,
    }
