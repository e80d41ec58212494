"""Every answer under /api/ is JSON in the original Microblog API's error shape,
and no path redirects (a client's POST would turn into a GET)."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from api import views
from posts.tests.factories import PostFactory


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "path",
    [
        "/api/nothing",
        "/api/nothing/",
        "/api/users/abc",
        "/api/",
        "/api",
        "/api/users/1/x",
        "/api/users/-1",
        # A line break in the path (found by the schemathesis run).
        "/api/imports/abc%0A",
        "/api/nothing%0A",
    ],
)
def test_unknown_api_paths_are_json_404s_for_every_method(db, method, path):
    client = APIClient(enforce_csrf_checks=True)
    response = getattr(client, method)(path, HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "Not Found", "message": "No API endpoint at this address."}


@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
@pytest.mark.parametrize("slash", ["", "/"])
def test_no_path_redirects_with_or_without_the_slash(alice_api, alice, charlie, method, slash):
    post = PostFactory(author=alice)
    paths = ["/api/users", f"/api/users/{alice.pk}", f"/api/users/{charlie.pk}/follow", f"/api/posts/{post.pk}"]
    # Last: DELETE /api/tokens revokes the client's token.
    for path in [*paths, "/api/tokens"]:
        response = getattr(alice_api, method)(path + slash, {}, format="json")
        assert response.status_code in (200, 201, 204, 400, 401, 403, 405), (path, response.status_code)


def test_errors_are_json_even_when_a_browser_asks_for_html(alice_client):
    response = alice_client.get("/api/users/999999", HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "Not Found"


def test_a_wrong_method_is_a_json_405(alice_api):
    response = alice_api.patch("/api/timeline")
    assert response.status_code == 405
    assert response.json() == {"error": "Method Not Allowed", "message": 'Method "PATCH" not allowed.'}
    assert "GET" in response["Allow"]


def test_an_unacceptable_format_is_a_json_406(alice_api):
    response = alice_api.get("/api/users", HTTP_ACCEPT="image/png")
    assert response.status_code == 406
    assert response.json()["error"] == "Not Acceptable"


def test_a_crash_is_a_json_500_and_the_admins_hear_of_it(alice_api, settings, monkeypatch):
    settings.ADMINS = [("ops", "ops@example.com")]

    def boom(self, request):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(views.TimelineApi, "get", boom)
    response = alice_api.get("/api/timeline")
    assert response.status_code == 500
    assert response.json() == {"error": "Internal Server Error", "message": "An unexpected error occurred."}
    assert "kaboom" not in response.content.decode()
    assert len(mail.outbox) == 1 and "kaboom" in mail.outbox[0].body
