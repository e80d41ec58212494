"""The Mastodon endpoints in the project's OpenAPI schema (drf-spectacular), so that
schemathesis fuzzes them like the own API (api/tests/test_schema.py).

The views build Mastodon's entities as plain dicts (api.mastodon.entities), shaped by
docs.joinmastodon.org rather than by serializers, so drf-spectacular cannot infer them:
READS names, per path, the entity a GET answers and its query parameters, and COMPONENTS
holds each entity's required fields (more may come: additionalProperties stays open).
The read endpoints are described; writes stay out of the schema for now (they are
covered by the Mastodon.py journey and the endpoint tests)."""

import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter


def _object(typed: dict[str, str], **entities) -> dict:
    """An object whose `typed` fields (name: JSON type) and `entities` (name: schema) are all required."""
    props = {name: {"type": kind} for name, kind in typed.items()} | entities
    return {"type": "object", "required": sorted(props), "properties": props}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/Mastodon{name}"}


def _array(name: str) -> dict:
    return {"type": "array", "items": _ref(name)}


COMPONENTS = {
    "Account": _object(
        {
            "id": "string",
            "username": "string",
            "acct": "string",
            "url": "string",
            "display_name": "string",
            "note": "string",
            "avatar": "string",
            "avatar_static": "string",
            "header": "string",
            "header_static": "string",
            "locked": "boolean",
            "fields": "array",
            "emojis": "array",
            "bot": "boolean",
            "group": "boolean",
            "discoverable": "boolean",
            "created_at": "string",
            "statuses_count": "integer",
            "followers_count": "integer",
            "following_count": "integer",
        }
    ),
    "Status": _object(
        {
            "id": "string",
            "uri": "string",
            "created_at": "string",
            "content": "string",
            "visibility": "string",
            "sensitive": "boolean",
            "spoiler_text": "string",
            "media_attachments": "array",
            "mentions": "array",
            "tags": "array",
            "emojis": "array",
            "reblogs_count": "integer",
            "favourites_count": "integer",
            "replies_count": "integer",
        },
        account=_ref("Account"),
    ),
    "Relationship": _object(
        {
            "id": "string",
            "following": "boolean",
            "showing_reblogs": "boolean",
            "notifying": "boolean",
            "followed_by": "boolean",
            "blocking": "boolean",
            "blocked_by": "boolean",
            "muting": "boolean",
            "muting_notifications": "boolean",
            "requested": "boolean",
            "domain_blocking": "boolean",
            "endorsed": "boolean",
            "note": "string",
        }
    ),
    "Notification": _object({"id": "string", "type": "string", "created_at": "string"}, account=_ref("Account")),
    "Tag": _object({"name": "string", "url": "string", "history": "array"}),
    "Context": _object({}, ancestors=_array("Status"), descendants=_array("Status")),
    "Search": _object({}, accounts=_array("Account"), statuses=_array("Status"), hashtags=_array("Tag")),
    "InstanceV1": _object({"uri": "string", "title": "string", "version": "string", "urls": "object"}),
    "InstanceV2": _object({"domain": "string", "title": "string", "version": "string"}),
    "Application": _object({"name": "string"}),
    "StatusEdit": _object({"content": "string", "created_at": "string"}, account=_ref("Account")),
    "StatusSource": _object({"id": "string", "text": "string", "spoiler_text": "string"}),
    "Markers": {"type": "object", "additionalProperties": _object({"last_read_id": "string", "version": "integer"})},
    "UnreadCount": _object({"count": "integer"}),
    "Activity": _object({"week": "string", "statuses": "string", "logins": "string", "registrations": "string"}),
}


def _query(name, kind=OpenApiTypes.STR, *, required=False, many=False, **extra):
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, required=required, many=many, **extra)


# Mastodon's paging (max_id / since_id / min_id, limit ≤ 40).
PAGED = [
    _query("max_id"),
    _query("since_id"),
    _query("min_id"),
    _query("limit", OpenApiTypes.INT),
]
READS = {
    "/api/v1/instance": (_ref("InstanceV1"), []),
    "/api/v2/instance": (_ref("InstanceV2"), []),
    "/api/v1/instance/peers": ({"type": "array", "items": {"type": "string"}}, []),
    "/api/v1/instance/activity": (_array("Activity"), []),
    "/api/v1/custom_emojis": ({"type": "array", "items": {"type": "object"}}, []),
    "/api/v1/apps/verify_credentials": (_ref("Application"), []),
    "/api/v1/accounts/verify_credentials": (_ref("Account"), []),
    "/api/v1/accounts/lookup": (_ref("Account"), [_query("acct", required=True)]),
    "/api/v1/accounts/relationships": (_array("Relationship"), [_query("id[]", many=True)]),
    "/api/v1/accounts/search": (
        _array("Account"),
        [_query("q", required=True), _query("limit", OpenApiTypes.INT), _query("following", OpenApiTypes.BOOL)],
    ),
    "/api/v1/accounts/{id}": (_ref("Account"), []),
    "/api/v1/accounts/{id}/statuses": (
        _array("Status"),
        [
            *PAGED,
            _query("exclude_replies", OpenApiTypes.BOOL),
            _query("exclude_reblogs", OpenApiTypes.BOOL),
            _query("only_media", OpenApiTypes.BOOL),
            _query("pinned", OpenApiTypes.BOOL),
            _query("tagged"),
        ],
    ),
    "/api/v1/accounts/{id}/followers": (_array("Account"), PAGED),
    "/api/v1/accounts/{id}/following": (_array("Account"), PAGED),
    "/api/v1/blocks": (_array("Account"), PAGED),
    "/api/v1/mutes": (_array("Account"), PAGED),
    "/api/v1/statuses/{id}": (_ref("Status"), []),
    "/api/v1/statuses/{id}/history": (_array("StatusEdit"), []),
    "/api/v1/statuses/{id}/source": (_ref("StatusSource"), []),
    "/api/v1/statuses/{id}/context": (_ref("Context"), []),
    "/api/v1/statuses/{id}/favourited_by": (_array("Account"), PAGED),
    "/api/v1/statuses/{id}/reblogged_by": (_array("Account"), PAGED),
    "/api/v1/bookmarks": (_array("Status"), PAGED),
    "/api/v1/favourites": (_array("Status"), PAGED),
    "/api/v1/markers": (_ref("Markers"), [_query("timeline[]", many=True)]),
    "/api/v1/timelines/home": (_array("Status"), PAGED),
    "/api/v1/timelines/public": (
        _array("Status"),
        [
            *PAGED,
            _query("local", OpenApiTypes.BOOL),
            _query("remote", OpenApiTypes.BOOL),
            _query("only_media", OpenApiTypes.BOOL),
        ],
    ),
    "/api/v1/timelines/tag/{hashtag}": (
        _array("Status"),
        [*PAGED, _query("local", OpenApiTypes.BOOL), _query("only_media", OpenApiTypes.BOOL)],
    ),
    "/api/v1/notifications": (
        _array("Notification"),
        [*PAGED, _query("types[]", many=True), _query("exclude_types[]", many=True), _query("account_id")],
    ),
    "/api/v1/notifications/unread_count": (_ref("UnreadCount"), []),
    "/api/v1/notifications/{id}": (_ref("Notification"), []),
    "/api/v2/search": (
        _ref("Search"),
        [
            _query("q", required=True),
            _query("type", enum=["accounts", "statuses", "hashtags"]),
            _query("resolve", OpenApiTypes.BOOL),
            _query("following", OpenApiTypes.BOOL),
            _query("account_id"),
            _query("limit", OpenApiTypes.INT),
            _query("offset", OpenApiTypes.INT),
        ],
    ),
}


class MastodonAutoSchema(AutoSchema):
    """GETs of READS with their entity and parameters; anything else is left out."""

    def _read(self):
        return READS[self.path]

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        if READS.get(path) is None or method != "GET":
            return None
        return super().get_operation(path, path_regex, path_prefix, method, registry)

    def get_tags(self):
        return ["mastodon"]

    def get_description(self):
        # The view's own docstring, not MastodonView's (which every view inherits).
        return self.view.__class__.__dict__.get("__doc__") or ""

    def get_operation_id(self):
        # /api/v1/notifications and /api/v1/notifications/{id} would both be "…_retrieve".
        return "mastodon" + re.sub(r"[^a-z0-9]+", "_", self.path.removeprefix("/api"))

    def _get_serializer(self):
        return None  # the entities are dicts (api.mastodon.entities), described in READS

    def get_override_parameters(self):
        return self._read()[1]

    def _get_response_bodies(self, direction="response"):
        schema = self._read()[0]
        return {"200": {"content": {"application/json": {"schema": schema}}, "description": ""}}


class MastodonTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.mastodon.base.OAuthTokenAuthentication"
    name = "oauthBearer"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Bearer")


def add_mastodon_components(result, generator, request, public):
    """The Mastodon entities the READS refer to, as components."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in COMPONENTS.items():
        schemas[f"Mastodon{name}"] = schema
    return result


def name_mastodon_paths(endpoints):
    """The Mastodon URLs hang under a lookahead (`^api/(?=v[12]/)`, microblog/urls.py)
    that drf-spectacular reads as a path variable ("/api/{var}v1/…"); name them as
    clients call them."""
    return [(path.replace("/api/{var}v", "/api/v", 1), *rest) for path, *rest in endpoints]
