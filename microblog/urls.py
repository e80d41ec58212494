from allauth.account.decorators import secure_admin_login
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularSwaggerSplitView

from accounts.views import SignupView
from api.errors import not_found as api_not_found
from microblog import benchmark
from microblog.health import healthz

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
    # Normally answered by microblog.health.HealthCheckMiddleware before this; here for reverse().
    path("healthz", healthz, name="healthz"),
    path("api/docs/", api_docs),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls", namespace="api")),
    # Bare /api too: a JSON 404, not a slash redirect that would turn a POST into a GET.
    path("api", api_not_found),
    # allauth's signup, answering a lost race with a form error (accounts.views.SignupView).
    path("accounts/signup/", SignupView.as_view(), name="account_signup"),
    path("accounts/", include("allauth.urls")),
    # set_language (POST) for the footer's language switcher.
    path("i18n/", include("django.conf.urls.i18n")),
    # Translators only: accounts.rosetta.can_translate.
    path("rosetta/", include("rosetta.urls")),
    path("", include("accounts.urls")),
    path("", include("messaging.urls")),
    path("", include("posts.urls")),
]
# The benchmark's constant page (bench/run.py); never part of a normal deployment.
if settings.BENCHMARK:
    urlpatterns.insert(0, path(benchmark.CEILING_PATH, benchmark.ceiling, name="bench-ceiling"))
