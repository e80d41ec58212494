"""The Mastodon endpoints in the project's OpenAPI schema (drf-spectacular), so that
schemathesis fuzzes them like the own API (api/tests/test_schema.py).

The views build Mastodon's entities as plain dicts (api.mastodon.entities), shaped by
docs.joinmastodon.org rather than by serializers, so drf-spectacular cannot infer them:
READS names, per path, the entity a GET answers and its query parameters, and COMPONENTS
holds each entity's required fields (more may come: additionalProperties stays open).
WRITES does the same for the POST, PUT, PATCH and DELETE endpoints (and GET
/api/v1/media/:id, which needs write:media), with their answers and request bodies in
the encodings Mastodon clients send: JSON (nested objects and plain lists) and forms
(flat keys: media_ids[], source[privacy], home[last_read_id]); multipart where a file is
uploaded. A body lists only what the view reads: Mastodon parameters this server does
not support (polls, scheduled_at) or ignores (language: it is detected) are left out,
and a body's schema closes its properties (additionalProperties: false) so that the
fuzz spends its examples on the real ones; the views ignore unknown keys."""

import re
from typing import NamedTuple

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter


def _object(typed: dict[str, str], **entities) -> dict:
    """An object whose `typed` fields (name: JSON type) and `entities` (name: schema) are all required."""
    props = {name: {"type": kind} for name, kind in typed.items()} | entities
    return {"type": "object", "required": sorted(props), "properties": props}


def _nullable(kind: str) -> dict:
    return {"type": kind, "nullable": True}


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
    "CredentialApplication": _object(
        {
            "name": "string",
            "client_id": "string",
            "client_secret": "string",
            "redirect_uris": "array",
            "scopes": "array",
        }
    ),
    "MediaAttachment": _object(
        {"id": "string", "type": "string", "meta": "object"},
        url=_nullable("string"),
        preview_url=_nullable("string"),
        description=_nullable("string"),
        blurhash=_nullable("string"),
    ),
    "Report": _object(
        {
            "id": "string",
            "action_taken": "boolean",
            "category": "string",
            "comment": "string",
            "forwarded": "boolean",
            "created_at": "string",
            "status_ids": "array",
            "rule_ids": "array",
        },
        target_account=_ref("Account"),
    ),
}
# The Account of update_credentials (and verify_credentials): with its `source`.
COMPONENTS["CredentialAccount"] = {
    **COMPONENTS["Account"],
    "required": sorted([*COMPONENTS["Account"]["required"], "source"]),
    "properties": {
        **COMPONENTS["Account"]["properties"],
        "source": _object({"privacy": "string", "sensitive": "boolean", "note": "string", "fields": "array"}),
    },
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

_STR = {"type": "string"}
_BOOL = {"type": "boolean"}
# Mastodon's ids are strings of digits.
_ID = {"type": "string", "pattern": "^[0-9]{1,18}$"}
_IDS = {"type": "array", "items": _ID}
_FILE = {"type": "string", "format": "binary"}


def _fields(properties: dict, required=()) -> dict:
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    return schema | {"required": list(required)} if required else schema


def _body(json: dict, form: dict | None = None, *, required=(), files: dict | None = None) -> dict:
    """A request body: `json`'s properties as JSON, `form`'s (flat keys; `json`'s when
    left out) as a form, and with `files` as a multipart form (the files added)."""
    form = json if form is None else form
    content = {}
    if files is None or json is not form:
        content["application/json"] = {"schema": _fields(json, required)}
        content["application/x-www-form-urlencoded"] = {"schema": _fields(form, required)}
    if files is not None:
        content["multipart/form-data"] = {"schema": _fields(form | files, required)}
    return {"content": content, "required": bool(required)}


class Write(NamedTuple):
    answers: dict  # status code: the entity it answers with
    body: dict | None = None


# The statuses a client posts and edits (https://docs.joinmastodon.org/methods/statuses/).
_STATUS = {
    "status": _STR,
    "in_reply_to_id": _ID,
    "quote_id": _ID,
    "sensitive": _BOOL,
    "spoiler_text": _STR,
    # Private and direct ones are refused with a 422: every status here is public.
    "visibility": {"type": "string", "enum": ["public", "unlisted", "private", "direct"]},
}
_STATUS_EDIT = {name: _STATUS[name] for name in ("status", "sensitive", "spoiler_text")}
_MEDIA_ATTRIBUTES = {
    "type": "array",
    "items": _fields({"id": _ID, "description": _STR, "focus": _STR}, required=["id"]),
}
_PROFILE = {
    "display_name": _STR,
    "note": _STR,
    "locked": _BOOL,
    "bot": _BOOL,
    "discoverable": _BOOL,
}
_SOURCE = {
    "privacy": {"type": "string", "enum": ["public", "unlisted", "private"]},
    "sensitive": _BOOL,
    "language": _STR,
}
_PROFILE_FORM = (
    _PROFILE
    | {f"source[{name}]": kind for name, kind in _SOURCE.items()}
    | {f"fields_attributes[{n}][{part}]": _STR for n in range(4) for part in ("name", "value")}
)
_REPORT = {
    "account_id": _ID,
    "comment": {"type": "string", "maxLength": 1000},
    "category": {"type": "string", "enum": ["spam", "legal", "violation", "other"]},
}
_URI = {"type": "string", "format": "uri"}
_APP = {"client_name": _STR, "redirect_uris": _URI, "scopes": _STR, "website": _URI}
_MEDIA = {"description": _STR, "focus": _STR}
_EMPTY = {"type": "object", "additionalProperties": False}
_STATUS_ACTIONS = ("favourite", "unfavourite", "reblog", "unreblog", "bookmark", "unbookmark")
RELATIONSHIP_ACTIONS = ("follow", "unfollow", "block", "unblock", "unmute")
WRITES = {
    ("/api/v1/apps", "POST"): Write(
        {"200": _ref("CredentialApplication")},
        _body(
            # Several redirect URIs: one per line, or (JSON) a list.
            _APP | {"redirect_uris": {"anyOf": [_URI, {"type": "array", "items": _URI}]}},
            _APP,
            required=["client_name", "redirect_uris"],
        ),
    ),
    ("/api/v1/accounts/update_credentials", "PATCH"): Write(
        {"200": _ref("CredentialAccount")},
        _body(
            _PROFILE
            | {
                "source": _fields(_SOURCE),
                "fields_attributes": {"type": "array", "items": _fields({"name": _STR, "value": _STR})},
            },
            _PROFILE_FORM,
            files={"avatar": _FILE, "header": _FILE},
        ),
    ),
    **{
        (f"/api/v1/accounts/{{id}}/{action}", "POST"): Write({"200": _ref("Relationship")})
        for action in RELATIONSHIP_ACTIONS
    },
    ("/api/v1/accounts/{id}/mute", "POST"): Write(
        {"200": _ref("Relationship")},
        # duration in seconds, 0 for ever; notifications: mute theirs too.
        _body({"notifications": _BOOL, "duration": {"type": "integer", "minimum": 0}}),
    ),
    ("/api/v1/reports", "POST"): Write(
        {"200": _ref("Report")},
        _body(_REPORT | {"status_ids": _IDS}, _REPORT | {"status_ids[]": _IDS}, required=["account_id"]),
    ),
    ("/api/v1/statuses", "POST"): Write(
        {"200": _ref("Status")},
        _body(_STATUS | {"media_ids": _IDS}, _STATUS | {"media_ids[]": _IDS}),
    ),
    ("/api/v1/statuses/{id}", "PUT"): Write(
        {"200": _ref("Status")},
        _body(
            _STATUS_EDIT | {"media_ids": _IDS, "media_attributes": _MEDIA_ATTRIBUTES},
            _STATUS_EDIT | {"media_ids[]": _IDS},
        ),
    ),
    # The deleted status, with its `text` for "delete and redraft".
    ("/api/v1/statuses/{id}", "DELETE"): Write({"200": _ref("Status")}),
    **{(f"/api/v1/statuses/{{id}}/{action}", "POST"): Write({"200": _ref("Status")}) for action in _STATUS_ACTIONS},
    ("/api/v1/markers", "POST"): Write(
        {"200": _ref("Markers")},
        _body(
            {"home": _fields({"last_read_id": _ID}), "notifications": _fields({"last_read_id": _ID})},
            {"home[last_read_id]": _ID, "notifications[last_read_id]": _ID},
        ),
    ),
    ("/api/v1/notifications/clear", "POST"): Write({"200": _EMPTY}),
    ("/api/v1/notifications/{id}/dismiss", "POST"): Write({"200": _EMPTY}),
    # 202 while a worker processes the image (its URLs null), 200 when it is done.
    ("/api/v2/media", "POST"): Write(
        {"200": _ref("MediaAttachment"), "202": _ref("MediaAttachment")},
        _body(_MEDIA, files={"file": _FILE}, required=["file"]),
    ),
    ("/api/v1/media", "POST"): Write(
        {"200": _ref("MediaAttachment")}, _body(_MEDIA, files={"file": _FILE}, required=["file"])
    ),
    # Mastodon's lookup of an upload needs write:media, so it is here with the writes: 206
    # while processing, 200 when done.
    ("/api/v1/media/{id}", "GET"): Write({"200": _ref("MediaAttachment"), "206": _ref("MediaAttachment")}),
    ("/api/v1/media/{id}", "PUT"): Write({"200": _ref("MediaAttachment")}, _body(_MEDIA)),
}

# A new status has text, images, or both.
for _media_type, _images in (("application/json", "media_ids"), ("application/x-www-form-urlencoded", "media_ids[]")):
    WRITES[("/api/v1/statuses", "POST")].body["content"][_media_type]["schema"]["anyOf"] = [
        {"required": ["status"]},
        {"required": [_images]},
    ]


def operation_of(path: str, method: str) -> Write | None:
    """What the schema says of `method` on `path`: a read's entity and parameters, a write's
    answers and body; None for what it leaves out."""
    if method == "GET" and path in READS:
        entity, _parameters = READS[path]
        return Write({"200": entity})
    return WRITES.get((path, method))


class MastodonAutoSchema(AutoSchema):
    """The operations of READS and WRITES with their entities, parameters and bodies;
    anything else is left out."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        if operation_of(path, method) is None:
            return None
        return super().get_operation(path, path_regex, path_prefix, method, registry)

    def get_tags(self):
        return ["mastodon"]

    def get_description(self):
        # The view's own docstring, not MastodonView's (which every view inherits).
        return self.view.__class__.__dict__.get("__doc__") or ""

    def get_operation_id(self):
        # /api/v1/notifications and /api/v1/notifications/{id} would both be "…_retrieve";
        # GET, PUT and DELETE /api/v1/statuses/{id} share a path.
        name = "mastodon" + re.sub(r"[^a-z0-9]+", "_", self.path.removeprefix("/api"))
        return name if self.method == "GET" else f"{name.rstrip('_')}_{self.method.lower()}"

    def _get_serializer(self):
        return None  # the entities are dicts (api.mastodon.entities), described here

    def get_override_parameters(self):
        return READS[self.path][1] if self.method == "GET" and self.path in READS else []

    def _get_request_body(self, direction="request"):
        return operation_of(self.path, self.method).body

    def _get_response_bodies(self, direction="response"):
        answers = operation_of(self.path, self.method).answers
        return {
            code: {"content": {"application/json": {"schema": schema}}, "description": ""}
            for code, schema in answers.items()
        }


class MastodonTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.mastodon.base.OAuthTokenAuthentication"
    name = "oauthBearer"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Bearer")


def add_mastodon_components(result, generator, request, public):
    """The Mastodon entities READS and WRITES refer to, as components."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in COMPONENTS.items():
        schemas[f"Mastodon{name}"] = schema
    return result


def name_mastodon_paths(endpoints):
    """The Mastodon URLs hang under a lookahead (`^api/(?=v[12]/)`, microblog/urls.py)
    that drf-spectacular reads as a path variable ("/api/{var}v1/…"); name them as
    clients call them."""
    return [(path.replace("/api/{var}v", "/api/v", 1), *rest) for path, *rest in endpoints]
