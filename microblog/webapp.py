"""The installable web app: its manifest, its service worker (served from the site's root so
that it may control every page) and the page it shows offline."""

from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

SERVICE_WORKER = Path(settings.BASE_DIR) / "static" / "js" / "service-worker.js"


@require_safe
def manifest(request):
    data = {
        "name": "Microblog",
        "short_name": "Microblog",
        "description": _("Short posts from the people you follow."),
        "start_url": reverse("posts:home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0d6efd",
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any maskable"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any maskable"},
            {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    patch_cache_control(response, public=True, max_age=3600)
    return response


@require_safe
def service_worker(request):
    """static/js/service-worker.js from /service-worker.js: a worker controls only the pages
    under its own path. The shell it caches is named here, with the static files' real
    (hashed, in production) URLs, and never the cached copy of a member's page."""
    shell = [
        reverse("offline"),
        static("vendor/bootstrap/css/bootstrap.min.css"),
        static("css/site.css"),
        static("favicon.svg"),
        static("icons/icon-192.png"),
    ]
    script = SERVICE_WORKER.read_text(encoding="utf-8").replace("__SHELL__", ",".join(f'"{url}"' for url in shell))
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    # Browsers check for a new worker on every navigation anyway; keep proxies from holding an old one.
    patch_cache_control(response, no_cache=True)
    return response


@require_safe
def offline(request):
    """What the service worker shows when a page cannot be fetched. The same for everyone
    (it is cached once for all): no member's name or counts."""
    return render(request, "offline.html")
