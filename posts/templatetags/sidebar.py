from django import template

from accounts.suggestions import suggested_members
from posts.tags import trending_tags

register = template.Library()


def _suggestions(request) -> list[dict]:
    """The reader's who-to-follow picks, worked out once per request (the sidebar and
    the empty home page show the same ones, for one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    if not hasattr(request, "_suggested_members"):
        request._suggested_members = suggested_members(user)
    return request._suggested_members


@register.simple_tag(takes_context=True)
def who_to_follow(context):
    return _suggestions(context.get("request"))


@register.inclusion_tag("_sidebar.html", takes_context=True)
def sidebar(context):
    """The right-hand column: search, who to follow and trending tags for members. Both
    lists come from the shared cache; the one query is which suggested members the reader
    follows."""
    request = context.get("request")
    user = getattr(request, "user", None)
    member = user is not None and user.is_authenticated
    return {
        "user": user,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "search_query": context.get("search_query", ""),
        "suggestions": _suggestions(request),
        # Visitors get a way in, and their pages (log in, sign up) no query.
        "trends": trending_tags() if member else None,
    }
