from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from posts.models import Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["short_body", "author", "created", "language"]
    list_select_related = ["author"]
    list_filter = ["created", "language"]
    search_fields = ["body", "author__username"]
    raw_id_fields = ["author"]
    date_hierarchy = "created"
    ordering = ["-created", "-id"]
    show_full_result_count = False  # a COUNT(*) over every post on each page is slow on big tables

    @admin.display(description=_("body"))
    def short_body(self, post):
        return post.body[:80]
