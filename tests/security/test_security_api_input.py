"""Issue 21, item 5: deeply nested JSON raised RecursionError (a 500, and a mail to
ADMINS) anonymously; it is a 400 with the API's JSON error."""

import pytest
from rest_framework.test import APIClient

from api.services import token_issue

DEEP = "[" * 50_000 + "]" * 50_000
DEEP_OBJECT = '{"a":' * 50_000 + "1" + "}" * 50_000


@pytest.fixture
def admins(settings):
    settings.ADMINS = [("ops", "ops@example.com")]
    settings.DEBUG = False


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["array", "object"])
@pytest.mark.parametrize("who,url", [("anon", "/api/users"), ("alice", "/api/posts"), ("alice", "/api/messages")])
def test_deeply_nested_json_is_a_400(admins, mailoutbox, alice, who, url, body):
    api = _api_for(alice) if who == "alice" else APIClient()

    response = api.post(url, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"error": "Bad Request", "message": "The request body is nested too deeply."}
    assert mailoutbox == []


def _api_for(user):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")
    return api


def test_a_put_with_deeply_nested_json_is_a_400(alice):
    response = _api_for(alice).put(f"/api/users/{alice.pk}", DEEP, content_type="application/json")
    assert response.status_code == 400


def test_ordinary_bad_json_is_still_a_400(db):
    assert APIClient().post("/api/users", "[", content_type="application/json").status_code == 400
