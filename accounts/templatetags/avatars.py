from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def avatar(user, size=48):
    """An <img> for a member's avatar; static/js/site.js swaps in the local
    identicon if Gravatar cannot be reached."""
    return format_html(
        '<img src="{}" data-fallback="{}" alt="" width="{}" height="{}" class="avatar rounded" loading="lazy">',
        user.avatar_url(size * 2),
        user.local_avatar_url(),
        size,
        size,
    )
