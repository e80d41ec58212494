from django.urls import path

from posts import views

app_name = "posts"

urlpatterns = [
    path("", views.home, name="home"),
    path("explore/", views.explore, name="explore"),
    path("user/<username:username>/", views.user_detail, name="user"),
    path("export/", views.export_start, name="export"),
    path("post/<int:pk>/translate/", views.post_translate_json, name="translate"),
    path("search/", views.search, name="search"),
]
