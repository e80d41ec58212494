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
from schemathesis import GenerationMode
from schemathesis.specs.openapi import checks as openapi_checks

from api.services import token_issue
from posts.tests.factories import PostFactory

ENDPOINTS = {
    ("/api/tokens", "post"),
    ("/api/tokens", "delete"),
    ("/api/users", "get"),
    ("/api/users", "post"),
    ("/api/users/{id}", "get"),
    ("/api/users/{id}", "put"),
    ("/api/users/{id}/followers", "get"),
    ("/api/users/{id}/following", "get"),
    ("/api/users/{id}/follow", "post"),
    ("/api/users/{id}/follow", "delete"),
    ("/api/users/{id}/posts", "get"),
    ("/api/posts", "get"),
    ("/api/posts", "post"),
    ("/api/posts/{id}", "get"),
    ("/api/posts/{id}", "delete"),
    ("/api/timeline", "get"),
    ("/api/messages", "get"),
    ("/api/messages", "post"),
    ("/api/notifications", "get"),
}


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


def _fuzz(operation, mode, ids, member):
    @given(case=operation.as_strategy(generation_mode=mode), pick=st.integers(min_value=0, max_value=2))
    @settings(max_examples=12, deadline=2000, suppress_health_check=list(HealthCheck), derandomize=True)
    def run(case, pick):
        # Random ids are nearly always 404s; most cases use a row that exists.
        if "id" in (case.path_parameters or {}) and pick < len(ids):
            case.path_parameters["id"] = ids[pick]
        # A live token each time: a generated DELETE /api/tokens may have revoked the last one.
        case.call_and_validate(headers={"Authorization": f"Bearer {token_issue(user=member)}"}, checks=CHECKS)

    run()


def test_the_api_answers_as_its_schema_says(fuzz_target, alice, bob):
    # Operations one by one with plain Hypothesis (schemathesis's pytest fixture
    # loader does not work with this pytest): valid and invalid input, a few examples each.
    post = PostFactory(author=bob)
    real_ids = {"users": [alice.pk, bob.pk], "posts": [post.pk]}
    operations = [result.ok() for result in fuzz_target.get_all_operations()]
    assert len(operations) == len(ENDPOINTS)
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, mode, real_ids.get(operation.path.split("/")[2], []), alice)


def test_the_schema_is_valid_openapi_without_warnings(db, tmp_path):
    # --fail-on-warn: a view drf-spectacular cannot describe fails here, not in a client.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/users/{id}/followers" in (tmp_path / "schema.yaml").read_text()
