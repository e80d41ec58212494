from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import Token, token_digest
from api.tests.conftest import basic


def test_basic_credentials_get_a_token(anon_api, alice):
    response = anon_api.post("/api/tokens", HTTP_AUTHORIZATION=basic("alice"))
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) == 64
    # Only a digest is stored, never the token.
    stored = Token.objects.get(user=alice)
    assert stored.digest == token_digest(token)
    assert token not in (stored.digest, stored.nonce)


def test_the_token_is_valid_for_the_configured_lifetime(anon_api, alice, settings):
    settings.API_TOKEN_LIFETIME = 600
    anon_api.post("/api/tokens", HTTP_AUTHORIZATION=basic("alice"))
    remaining = Token.objects.get(user=alice).expires - timezone.now()
    assert timedelta(seconds=590) < remaining <= timedelta(seconds=600)


def test_email_and_any_case_of_the_username_work_too(anon_api, alice):
    assert anon_api.post("/api/tokens/", HTTP_AUTHORIZATION=basic("ALICE")).status_code == 200
    assert anon_api.post("/api/tokens/", HTTP_AUTHORIZATION=basic("alice@example.com")).status_code == 200


def test_asking_again_returns_the_same_token_while_it_has_time_left(anon_api, alice):
    first = anon_api.post("/api/tokens", HTTP_AUTHORIZATION=basic("alice")).json()["token"]
    second = anon_api.post("/api/tokens/", HTTP_AUTHORIZATION=basic("alice")).json()["token"]
    assert first == second


def test_a_token_with_less_than_a_minute_left_is_replaced(anon_api, alice):
    first = anon_api.post("/api/tokens", HTTP_AUTHORIZATION=basic("alice")).json()["token"]
    Token.objects.filter(user=alice).update(expires=timezone.now() + timedelta(seconds=30))
    second = anon_api.post("/api/tokens", HTTP_AUTHORIZATION=basic("alice")).json()["token"]
    assert second != first
    anon_api.credentials(HTTP_AUTHORIZATION=f"Bearer {first}")
    assert anon_api.get("/api/users").status_code == 401
    anon_api.credentials(HTTP_AUTHORIZATION=f"Bearer {second}")
    assert anon_api.get("/api/users").status_code == 200


def test_a_changed_secret_key_issues_a_fresh_working_token(anon_api, alice, settings):
    first = anon_api.post("/api/tokens", HTTP_AUTHORIZATION=basic("alice")).json()["token"]
    settings.SECRET_KEY = "another-secret-key-for-this-test-only"
    second = anon_api.post("/api/tokens", HTTP_AUTHORIZATION=basic("alice")).json()["token"]
    assert second != first
    anon_api.credentials(HTTP_AUTHORIZATION=f"Bearer {second}")
    assert anon_api.get("/api/users").status_code == 200


@pytest.mark.parametrize(
    "header",
    [None, basic("alice", "wrong-password"), basic("nobody"), "Basic !!!notbase64", "Bearer abc"],
    ids=["none", "wrong-password", "unknown-user", "garbage", "bearer"],
)
def test_bad_credentials_get_401_with_www_authenticate(anon_api, alice, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = anon_api.post("/api/tokens", **extra)
    assert response.status_code == 401
    assert response.json()["error"] == "Unauthorized"
    assert response["WWW-Authenticate"] == 'Basic realm="Authentication Required"'
    assert not Token.objects.exists()


def test_a_deactivated_member_gets_no_token(anon_api, alice):
    alice.is_active = False
    alice.save()
    assert anon_api.post("/api/tokens", HTTP_AUTHORIZATION=basic("alice")).status_code == 401


def test_delete_revokes_the_token(anon_api, alice):
    token = anon_api.post("/api/tokens", HTTP_AUTHORIZATION=basic("alice")).json()["token"]
    anon_api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = anon_api.delete("/api/tokens")
    assert response.status_code == 204
    assert response.content == b""
    response = anon_api.get("/api/users")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="Authentication Required"'
    assert anon_api.delete("/api/tokens/").status_code == 401


def test_delete_needs_the_bearer_token_not_a_password(anon_api, alice):
    response = anon_api.delete("/api/tokens", HTTP_AUTHORIZATION=basic("alice"))
    assert response.status_code == 401


def test_an_expired_token_gets_401(alice_api, alice):
    Token.objects.filter(user=alice).update(expires=timezone.now() - timedelta(seconds=1))
    response = alice_api.get("/api/users")
    assert response.status_code == 401
    assert response.json() == {"error": "Unauthorized", "message": "Invalid or expired token."}


def test_a_deactivated_members_token_stops_working(alice_api, alice):
    alice.is_active = False
    alice.save()
    assert alice_api.get("/api/users").status_code == 401


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer \u00e9t\u00e9", "Bearer " + "x" * 5000])
def test_malformed_bearer_headers_get_401(anon_api, alice, header):
    response = anon_api.get("/api/users", HTTP_AUTHORIZATION=header.encode().decode("latin-1"))
    assert response.status_code == 401


def test_get_is_not_allowed(alice_api):
    response = alice_api.get("/api/tokens")
    assert response.status_code == 405
    assert response.json()["error"] == "Method Not Allowed"
