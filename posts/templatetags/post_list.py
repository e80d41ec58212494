from django import template
from django.utils.safestring import mark_safe

from posts import fragments

register = template.Library()


@register.simple_tag(takes_context=True)
def post_list(context, posts):
    """`posts` rendered with posts/_post.html. Rendering a post means URL reversals, an
    avatar and a timestamp, which over a page of them is a good part of a timeline
    request, so each post's HTML comes from the process's cache (core.cache,
    posts.fragments) and a page costs one get_many, plus one query for what the reader
    liked and boosted (posts.fragments.reader_of), rendered into each post's reader slot."""
    request = context.get("request")
    return mark_safe("".join(fragments.render_posts(getattr(request, "user", None), posts)))
