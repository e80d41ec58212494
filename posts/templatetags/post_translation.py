from django import template
from django.utils import translation

from posts.translation import post_needs_translation

register = template.Library()


@register.filter
def needs_translation(post) -> bool:
    """Whether to offer a "Translate" link under `post` to this page's reader."""
    return post_needs_translation(post, translation.get_language() or "")
