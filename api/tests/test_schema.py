"""The OpenAPI schema, the docs pages, and a bounded schemathesis fuzz run: no
500s, and every answer matches what the schema promises."""

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi import checks as openapi_checks

from api.mastodon.schema import RELATIONSHIP_ACTIONS
from api.services import token_issue
from api.tests.mastodon_helpers import token_for
from messaging.models import Notice
from posts.media import media_upload
from posts.services import post_create
from posts.tests import images
from posts.tests.factories import PostFactory

ENDPOINTS = {
    ("/api/tokens", "post"),
    ("/api/tokens", "delete"),
    ("/api/users", "get"),
    ("/api/users", "post"),
    ("/api/users/{id}", "get"),
    ("/api/users/{id}", "put"),
    ("/api/users/{id}", "delete"),
    ("/api/users/{id}/followers", "get"),
    ("/api/users/{id}/following", "get"),
    ("/api/users/{id}/follow", "post"),
    ("/api/users/{id}/follow", "delete"),
    ("/api/users/{id}/posts", "get"),
    ("/api/posts", "get"),
    ("/api/posts", "post"),
    ("/api/posts/{id}", "get"),
    ("/api/posts/{id}", "put"),
    ("/api/posts/{id}", "delete"),
    ("/api/posts/{id}/context", "get"),
    ("/api/posts/{id}/replies", "get"),
    ("/api/posts/{id}/history", "get"),
    ("/api/posts/{id}/like", "post"),
    ("/api/posts/{id}/like", "delete"),
    ("/api/posts/{id}/boost", "post"),
    ("/api/posts/{id}/boost", "delete"),
    ("/api/timeline", "get"),
    ("/api/messages", "get"),
    ("/api/messages", "post"),
    ("/api/notifications", "get"),
    ("/api/tags/{tag}/posts", "get"),
    ("/api/tags/{tag}/follow", "post"),
    ("/api/tags/{tag}/follow", "delete"),
    ("/api/followed_tags", "get"),
    ("/api/notices", "get"),
    ("/api/notices/read", "post"),
    ("/api/users/{id}/block", "post"),
    ("/api/users/{id}/block", "delete"),
    ("/api/users/{id}/mute", "post"),
    ("/api/users/{id}/mute", "delete"),
    ("/api/blocks", "get"),
    ("/api/mutes", "get"),
    ("/api/reports", "post"),
    ("/api/imports", "get"),
    ("/api/imports/{id}", "get"),
    ("/api/media", "post"),
    ("/api/media/{id}", "get"),
    ("/api/media/{id}", "put"),
    ("/api/users/{id}/avatar", "put"),
    ("/api/users/{id}/header", "put"),
}
# The Mastodon API's read endpoints (api.mastodon.schema.READS) and its writes (WRITES).
MASTODON_READS = {
    "/api/v1/instance",
    "/api/v2/instance",
    "/api/v1/instance/peers",
    "/api/v1/instance/activity",
    "/api/v1/custom_emojis",
    "/api/v1/apps/verify_credentials",
    "/api/v1/accounts/verify_credentials",
    "/api/v1/accounts/lookup",
    "/api/v1/accounts/relationships",
    "/api/v1/accounts/search",
    "/api/v1/accounts/{id}",
    "/api/v1/accounts/{id}/statuses",
    "/api/v1/accounts/{id}/followers",
    "/api/v1/accounts/{id}/following",
    "/api/v1/blocks",
    "/api/v1/mutes",
    "/api/v1/statuses/{id}",
    "/api/v1/statuses/{id}/history",
    "/api/v1/statuses/{id}/source",
    "/api/v1/statuses/{id}/context",
    "/api/v1/statuses/{id}/favourited_by",
    "/api/v1/statuses/{id}/reblogged_by",
    "/api/v1/bookmarks",
    "/api/v1/favourites",
    "/api/v1/markers",
    "/api/v1/timelines/home",
    "/api/v1/timelines/public",
    "/api/v1/timelines/tag/{hashtag}",
    "/api/v1/notifications",
    "/api/v1/notifications/unread_count",
    "/api/v1/notifications/{id}",
    "/api/v2/search",
}
MASTODON_WRITES = {
    ("/api/v1/apps", "post"),
    ("/api/v1/accounts/update_credentials", "patch"),
    ("/api/v1/accounts/{id}/follow", "post"),
    ("/api/v1/accounts/{id}/unfollow", "post"),
    ("/api/v1/accounts/{id}/block", "post"),
    ("/api/v1/accounts/{id}/unblock", "post"),
    ("/api/v1/accounts/{id}/mute", "post"),
    ("/api/v1/accounts/{id}/unmute", "post"),
    ("/api/v1/reports", "post"),
    ("/api/v1/statuses", "post"),
    ("/api/v1/statuses/{id}", "put"),
    ("/api/v1/statuses/{id}", "delete"),
    ("/api/v1/statuses/{id}/favourite", "post"),
    ("/api/v1/statuses/{id}/unfavourite", "post"),
    ("/api/v1/statuses/{id}/reblog", "post"),
    ("/api/v1/statuses/{id}/unreblog", "post"),
    ("/api/v1/statuses/{id}/bookmark", "post"),
    ("/api/v1/statuses/{id}/unbookmark", "post"),
    ("/api/v1/markers", "post"),
    ("/api/v1/notifications/clear", "post"),
    ("/api/v1/notifications/{id}/dismiss", "post"),
    ("/api/v2/media", "post"),
    ("/api/v1/media", "post"),
    ("/api/v1/media/{id}", "get"),  # needs write:media, as Mastodon's
    ("/api/v1/media/{id}", "put"),
}
ENDPOINTS |= {(path, "get") for path in MASTODON_READS} | MASTODON_WRITES


def test_every_endpoint_is_in_the_schema_with_its_shapes(anon_api, db):
    response = anon_api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    operations = {(path, method) for path, item in schema["paths"].items() for method in item}
    assert operations == ENDPOINTS
    components = schema["components"]
    assert {"User", "Post", "Token", "Error", "UserCreateRequest", "UserUpdateRequest", "PostCreateRequest"} <= set(
        components["schemas"]
    )
    assert set(components["securitySchemes"]) >= {"bearerAuth", "basicAuth"}
    assert "is_staff" not in components["schemas"]["UserUpdateRequest"]["properties"]
    assert components["schemas"]["PostCreateRequest"]["properties"]["body"]["maxLength"] == 280
    # Mastodon's writes take JSON and forms, each in its own shape.
    create = schema["paths"]["/api/v1/statuses"]["post"]["requestBody"]["content"]
    assert "media_ids" in create["application/json"]["schema"]["properties"]
    assert "media_ids[]" in create["application/x-www-form-urlencoded"]["schema"]["properties"]
    profile = schema["paths"]["/api/v1/accounts/update_credentials"]["patch"]["requestBody"]["content"]
    assert "avatar" in profile["multipart/form-data"]["schema"]["properties"]
    assert "source[language]" in profile["application/x-www-form-urlencoded"]["schema"]["properties"]


def test_the_docs_are_served_from_installed_packages(anon_api, db):
    response = anon_api.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "https://" not in html and "//cdn" not in html


@pytest.fixture
def fuzz_target(db, alice, bob, settings):
    # Generous rates: the run is about shapes, not throttling.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "10000/minute", "user": "10000/minute", "token": "10000/minute"},
    }
    PostFactory(author=alice)
    # Like Django's test client: keep the test's transaction open across the WSGI requests.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
]


BODY_IDS = {"in_reply_to_id", "quote_id", "account_id"}


def _fuzz(operation, mode, ids, headers, answered):
    @given(case=operation.as_strategy(generation_mode=mode), pick=st.integers(min_value=0, max_value=2))
    @settings(max_examples=12, deadline=2000, suppress_health_check=list(HealthCheck), derandomize=True)
    def run(case, pick):
        # Random ids are nearly always 404s; most cases use a row that exists.
        if "id" in (case.path_parameters or {}) and pick < len(ids):
            case.path_parameters["id"] = ids[pick]
        # Likewise a tag that exists (see the test's post), most of the time.
        for name in ("tag", "hashtag"):
            if name in (case.path_parameters or {}) and pick < 2:
                case.path_parameters[name] = "hello"
        # And a status or an account that exists where a write's body names one, and
        # mostly no random media ids (api/tests/test_mastodon_media.py attaches real ones).
        if isinstance(case.body, dict) and ids and pick < 2:
            for name in BODY_IDS & set(case.body):
                case.body[name] = str(ids[min(pick, len(ids) - 1)])
            for name in {"media_ids", "media_ids[]"} & set(case.body):
                case.body[name] = []
        response = case.call_and_validate(headers=headers(), checks=CHECKS)
        answered.add((operation.path, operation.method.upper(), response.status_code))

    try:
        run()
    except Unsatisfiable:
        # An operation that takes no input at all (GET /api/v1/instance) has no invalid one.
        assert mode == GenerationMode.NEGATIVE and not _takes_input(operation), operation.path


def _takes_input(operation) -> bool:
    definition = operation.definition.raw
    return bool(definition.get("parameters") or definition.get("requestBody"))


def test_the_api_answers_as_its_schema_says(fuzz_target, alice, bob, charlie):
    # Operations one by one with plain Hypothesis (schemathesis's pytest fixture
    # loader does not work with this pytest): valid and invalid input, a few examples each.
    post = PostFactory(author=bob)
    post_create(author=bob, body="#hello @alice")  # a tag's posts, and a mention notice for alice
    notice = Notice.objects.filter(recipient=alice).first()
    real_ids = {
        "users": [alice.pk, bob.pk],
        "posts": [post.pk],
        "v1/accounts": [alice.pk, bob.pk],
        "v1/statuses": [post.pk],
        "v1/notifications": [notice.pk],
    }
    # The Mastodon writes' own rows: alice's statuses to edit and to delete, her upload;
    # follows, blocks and mutes aim at charlie (and alice herself), so that bob's posts
    # stay readable to alice for the status writes.
    doomed = PostFactory.create_batch(2, author=alice)
    upload = media_upload(owner=alice, upload=images.jpeg(40, 30))
    write_ids = {
        ("/api/v1/statuses/{id}", "PUT"): [PostFactory(author=alice).pk, post.pk],
        ("/api/v1/statuses/{id}", "DELETE"): [row.pk for row in doomed],
        ("/api/v1/statuses", "POST"): [post.pk],
        ("/api/v1/reports", "POST"): [bob.pk],
        ("/api/v1/media/{id}", "GET"): [upload.pk],
        ("/api/v1/media/{id}", "PUT"): [upload.pk],
        **{
            (f"/api/v1/accounts/{{id}}/{action}", "POST"): [charlie.pk, alice.pk]
            for action in (*RELATIONSHIP_ACTIONS, "mute")
        },
    }
    # Own API: a live token each time (a generated DELETE /api/tokens may revoke the last
    # one); Mastodon's: an OAuth token with every read scope for the reads, and one with
    # the write scopes too for the writes.
    reader = {"Authorization": f"Bearer {token_for(alice, scope='read').token}"}
    writer = {"Authorization": f"Bearer {token_for(alice, scope='read write follow').token}"}
    own = lambda: {"Authorization": f"Bearer {token_issue(user=alice)}"}  # noqa: E731
    operations = [result.ok() for result in fuzz_target.get_all_operations()]
    assert len(operations) == len(ENDPOINTS)

    def mastodon_write(operation) -> bool:
        return (operation.path, operation.method.lower()) in MASTODON_WRITES

    # The reads run first, on the rows as the test made them; clearing the notifications
    # comes last, after dismissing one of them.
    operations.sort(key=lambda operation: (mastodon_write(operation), operation.path.endswith("/clear")))
    answered = set()
    for operation in operations:
        parts = operation.path.split("/")
        is_mastodon = parts[2] in ("v1", "v2")
        ids = real_ids.get("/".join(parts[2:4]) if is_mastodon else parts[2], [])
        headers = own
        if mastodon_write(operation):
            ids = write_ids.get((operation.path, operation.method.upper()), ids)
            headers = lambda: writer  # noqa: E731
        elif is_mastodon:
            headers = lambda: reader  # noqa: E731
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, mode, ids, headers, answered)
    # The tokens were good: the Mastodon reads and writes were answered, not only refused.
    ok = {(path, method) for path, method, status in answered if status == 200}
    reads = {"/api/v1/timelines/home", "/api/v1/accounts/{id}", "/api/v1/statuses/{id}/context", "/api/v2/search"}
    assert {(path, "GET") for path in reads} <= ok
    assert {
        ("/api/v1/statuses", "POST"),
        ("/api/v1/statuses/{id}", "PUT"),
        ("/api/v1/statuses/{id}", "DELETE"),
        ("/api/v1/statuses/{id}/favourite", "POST"),
        ("/api/v1/accounts/{id}/mute", "POST"),
        ("/api/v1/accounts/update_credentials", "PATCH"),
        ("/api/v1/reports", "POST"),
        ("/api/v1/apps", "POST"),
        ("/api/v1/notifications/{id}/dismiss", "POST"),
        ("/api/v1/media/{id}", "PUT"),
    } <= ok


def test_the_schema_is_valid_openapi_without_warnings(db, tmp_path):
    # --fail-on-warn: a view drf-spectacular cannot describe fails here, not in a client.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/users/{id}/followers" in (tmp_path / "schema.yaml").read_text()
