from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("about/", views.site_page, {"slug": "about"}, name="about"),
    path("rules/", views.site_page, {"slug": "rules"}, name="rules"),
    path("privacy/", views.site_page, {"slug": "privacy"}, name="privacy"),
]
