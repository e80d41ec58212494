from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Microblog administration")
admin.site.site_title = _("Microblog admin")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls", namespace="api")),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("messaging.urls")),
    path("", include("posts.urls")),
]
