from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


def _img(src: str, fallback: str, size: int) -> str:
    return format_html(
        '<img src="{}" data-fallback="{}" alt="" width="{}" height="{}" class="avatar rounded" loading="lazy">',
        src,
        fallback,
        size,
        size,
    )


@register.simple_tag
def avatar(user, size=48):
    """An <img> for a member's avatar; static/js/site.js swaps in the local
    identicon if Gravatar cannot be reached."""
    return _img(user.avatar_url(size * 2), user.local_avatar_url(), size)


@register.simple_tag
def avatar_of(username, gravatar_url, size=48):
    """The same <img> from plain values, for a cached fragment that renders from
    its shown() dict alone: `gravatar_url` is User.gravatar_url(size * 2), "" when off."""
    identicon = reverse("accounts:identicon", args=[username])
    return _img(gravatar_url or identicon, identicon, size)
