from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Microblog administration")
admin.site.site_title = _("Microblog admin")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # set_language (POST) for the footer's language switcher.
    path("i18n/", include("django.conf.urls.i18n")),
    # Translators only: accounts.rosetta.can_translate.
    path("rosetta/", include("rosetta.urls")),
    path("", include("accounts.urls")),
    path("", include("posts.urls")),
]
