"""Mastodon's OAuth scopes: the four top-level ones, the granular ones under read: and
write:, and what each top-level scope grants (https://docs.joinmastodon.org/api/oauth-scopes/)."""

from oauth2_provider.scopes import BaseScopes
from rest_framework.permissions import BasePermission

GRANULAR = {
    "read": (
        "accounts",
        "blocks",
        "bookmarks",
        "favourites",
        "filters",
        "follows",
        "lists",
        "mutes",
        "notifications",
        "search",
        "statuses",
    ),
    "write": (
        "accounts",
        "blocks",
        "bookmarks",
        "conversations",
        "favourites",
        "filters",
        "follows",
        "lists",
        "media",
        "mutes",
        "notifications",
        "reports",
        "statuses",
    ),
}
TOP_LEVEL = ("read", "write", "follow", "push", "profile")
ALL = (*TOP_LEVEL, *(f"{parent}:{child}" for parent, children in GRANULAR.items() for child in children))
# The legacy `follow` scope covers the relationship scopes of both kinds.
FOLLOW_COVERS = {"read:follows", "write:follows", "read:blocks", "write:blocks", "read:mutes", "write:mutes"}


def scopes_parse(raw: str) -> list[str]:
    """The scopes in a space- or plus-separated string, in order, each once."""
    seen = []
    for scope in raw.replace("+", " ").split():
        if scope not in seen:
            seen.append(scope)
    return seen


def scope_granted(granted, needed: str) -> bool:
    """Whether the granted scopes include `needed` (say read:statuses): itself, its
    top-level parent (read), or for relationships the legacy `follow`."""
    granted = set(granted)
    if needed in granted:
        return True
    parent = needed.partition(":")[0]
    if parent in granted:
        return True
    return needed in FOLLOW_COVERS and "follow" in granted


class MastodonScopes(BaseScopes):
    """django-oauth-toolkit's scopes: all of Mastodon's, and for an app only those it
    registered (POST /api/v1/apps), so a token never holds a scope its app never asked for."""

    def get_all_scopes(self):
        return {scope: scope for scope in ALL}

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        registered = getattr(application, "mastodon_app", None)
        if registered is None:
            return list(ALL)
        scopes = scopes_parse(registered.scopes)
        # A granular scope is available when its parent was registered.
        return [scope for scope in ALL if any(scope_granted([mine], scope) for mine in scopes)]

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return ["read"]


class HasScope(BasePermission):
    """The view's `scopes` for the request's method ({"GET": "read:statuses", …}) must be
    in the OAuth token's; a view without one for the method needs only a token."""

    message = "This action is outside the authorized scopes"

    def has_permission(self, request, view):
        needed = view.scopes.get(request.method) if hasattr(view, "scopes") else None
        if needed is None:
            return True
        token = request.auth
        if token is None or not hasattr(token, "scope"):
            return False
        return scope_granted(scopes_parse(token.scope), needed)
