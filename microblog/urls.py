from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.views import SignupView
from api.errors import not_found as api_not_found

admin.site.site_header = _("Microblog administration")
admin.site.site_title = _("Microblog admin")
# The admin's own login form has no rate limit: send visitors to allauth's, which has.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
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
