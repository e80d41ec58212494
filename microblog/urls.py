from allauth.account.decorators import secure_admin_login
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.static import serve as static_serve
from drf_spectacular.views import SpectacularSwaggerSplitView

from accounts.views import SignupView
from api.errors import not_found as api_not_found
from api.mastodon import views as mastodon_views
from core import views as core_views
from core.health import healthz
from microblog import benchmark, webapp

admin.site.site_header = _("Microblog administration")
admin.site.site_title = _("Microblog admin")
# The admin's own login form has no rate limit: send visitors to allauth's, which has.
admin.site.login = secure_admin_login(admin.site.login)

# Swagger UI with its settings script served as a file (no inline <script>), so the site's CSP holds;
# only its inline <style> block needs 'unsafe-inline' for styles, on this page alone.
# Matched ahead of api.urls' own "docs/" route, which therefore keeps its name for reverse().
api_docs = csp_update({"style-src": ["'unsafe-inline'"]})(SpectacularSwaggerSplitView.as_view(url_name="api:schema"))


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (admin, API docs): send them to ours."""
    response = redirect(static("favicon.svg"))
    patch_cache_control(response, public=True, max_age=86400)
    return response


urlpatterns = [
    path("favicon.ico", favicon),
    # Follows the site's public / members-only setting (core.site).
    path("robots.txt", core_views.robots_txt, name="robots"),
    # The installable app (microblog/webapp.py).
    path("manifest.webmanifest", webapp.manifest, name="manifest"),
    path("service-worker.js", webapp.service_worker, name="service-worker"),
    path("offline/", webapp.offline, name="offline"),
    # Normally answered by core.health.HealthCheckMiddleware before this; here for reverse().
    path("healthz", healthz, name="healthz"),
    path("api/docs/", api_docs),
    path("admin/", admin.site.urls),
    # The Mastodon client API and its OAuth server (api/mastodon/), ahead of api.urls' catch-all.
    re_path(r"^api/(?=v[12]/)", include("api.mastodon.urls", namespace="mastodon")),
    path("oauth/", include("api.mastodon.oauth_urls", namespace="oauth")),
    path(".well-known/nodeinfo", mastodon_views.nodeinfo_index, name="nodeinfo-index"),
    path("nodeinfo/2.0", mastodon_views.nodeinfo, name="nodeinfo"),
    path("api/", include("api.urls", namespace="api")),
    # Bare /api too: a JSON 404, not a slash redirect that would turn a POST into a GET.
    path("api", api_not_found),
    # allauth's signup, answering a lost race with a form error (accounts.views.SignupView).
    path("accounts/signup/", SignupView.as_view(), name="account_signup"),
    path("accounts/", include("allauth.urls")),
    # The footer's language switcher: Django's set_language with a notice (core.views).
    path("i18n/setlang/", core_views.language_set, name="set_language"),
    # Translators only: accounts.rosetta.can_translate.
    path("rosetta/", include("rosetta.urls")),
    # About, Rules, Privacy (core.site).
    path("", include("core.urls")),
    path("", include("accounts.urls")),
    path("", include("messaging.urls")),
    path("", include("posts.urls")),
    path("", include("search.urls")),
]


def media_serve(request, path):
    """A file of MEDIA_ROOT (read when asked, so a changed setting applies), never a folder listing.
    Members' archives are never served here: only their owner downloads them (messaging:job-download)."""
    if path.startswith("archives/"):
        raise Http404
    return static_serve(request, path, document_root=settings.MEDIA_ROOT, show_indexes=False)


# Uploaded files from MEDIA_ROOT (nginx serves them in production).
if settings.MEDIA_SERVE and settings.MEDIA_STORAGE == "filesystem" and settings.MEDIA_URL.startswith("/"):
    urlpatterns.insert(
        0,
        re_path(
            rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$",
            media_serve,
            name="media",
        ),
    )
# The benchmark's constant page (bench/run.py); never part of a normal deployment.
if settings.BENCHMARK:
    urlpatterns.insert(0, path(benchmark.CEILING_PATH, benchmark.ceiling, name="bench-ceiling"))
