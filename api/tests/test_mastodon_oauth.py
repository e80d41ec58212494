"""The OAuth 2 server: registration, the consent page, the grants, and what it refuses."""

import base64
import hashlib
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse
from oauth2_provider.models import AccessToken, Application

from accounts.tests.factories import DEFAULT_PASSWORD
from api.tests.mastodon_helpers import OOB, app_register, client_with, token_for
from tests.security.test_security_two_factor import totp

pytestmark = pytest.mark.django_db


def authorize_path(client_id, *, redirect_uri=OOB, scope="read write follow", **extra):
    query = {"client_id": client_id, "response_type": "code", "redirect_uri": redirect_uri, "scope": scope} | extra
    return "/oauth/authorize?" + urlencode(query)


def code_from(member_client, app, **kwargs) -> str:
    response = member_client.post(authorize_path(app.application.client_id, **kwargs), {"allow": "1"})
    if response.status_code == 302:
        return parse_qs(urlsplit(response["Location"]).query)["code"][0]
    assert response.status_code == 200, response.content
    return response.context["code"]


def exchange(client, app, secret, code, *, redirect_uri=OOB, **extra):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": app.application.client_id,
        "client_secret": secret,
        "redirect_uri": redirect_uri,
    } | extra
    return client.post("/oauth/token", data)


def test_an_app_registers_with_form_fields_and_gets_its_secret(client):
    response = client.post(
        "/api/v1/apps/",
        {"client_name": "Tusky", "redirect_uris": "tusky://oauth", "scopes": "read write:statuses", "website": ""},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Tusky" and body["scopes"] == ["read", "write:statuses"]
    assert body["redirect_uris"] == ["tusky://oauth"] and body["client_id"] and body["client_secret"]
    # Only the hash is kept.
    assert Application.objects.get(client_id=body["client_id"]).client_secret != body["client_secret"]


@pytest.mark.parametrize(
    "data",
    [
        {"client_name": "x", "redirect_uris": "javascript:alert(1)"},
        {"client_name": "x", "redirect_uris": "https://ok.example/cb#frag"},
        {"client_name": "x", "redirect_uris": OOB, "scopes": "read admin:everything"},
        {"redirect_uris": OOB},
        {"client_name": "x"},
        # Found by the schemathesis run: a NUL reached the database (a 500 on PostgreSQL).
        {"client_name": "x", "redirect_uris": "https://ok.example/\x00"},
    ],
)
def test_bad_registrations_are_a_422_with_an_error(client, data):
    response = client.post("/api/v1/apps", data, format="json")
    assert response.status_code == 422
    assert set(response.json()) == {"error"}


def test_the_consent_page_needs_a_login(client):
    app, _secret = app_register()
    response = client.get(authorize_path(app.application.client_id))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_out_of_band_flow_gives_a_token_that_works(alice_client, client, alice):
    app, secret = app_register()
    page = alice_client.get(authorize_path(app.application.client_id))
    assert page.status_code == 200 and b"Test app" in page.content
    token = exchange(client, app, secret, code_from(alice_client, app)).json()
    assert token["token_type"] == "Bearer" and token["scope"] == "read write follow" and token["created_at"]
    me = client.get("/api/v1/accounts/verify_credentials", HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")
    assert me.json()["username"] == "alice"
    # Mastodon's tokens do not expire: ours last a century.
    assert token["expires_in"] > 50 * 365 * 86400


def test_a_custom_scheme_redirect_gets_the_code_and_a_denial_says_so(alice_client, client):
    app, secret = app_register(redirect_uris=["tusky://oauth"])
    allowed = alice_client.post(authorize_path(app.application.client_id, redirect_uri="tusky://oauth"), {"allow": "1"})
    assert allowed.status_code == 302 and allowed["Location"].startswith("tusky://oauth?code=")
    denied = alice_client.post(
        authorize_path(app.application.client_id, redirect_uri="tusky://oauth", state="s1"), {"deny": "1"}
    )
    assert denied["Location"] == "tusky://oauth?error=access_denied&state=s1"


def test_a_redirect_uri_not_registered_is_refused_without_redirecting(alice_client):
    app, _secret = app_register(redirect_uris=["https://app.example/cb"])
    response = alice_client.get(
        authorize_path(app.application.client_id, redirect_uri="https://evil.example/cb"), follow=False
    )
    assert response.status_code == 400
    assert "Location" not in response


def test_a_scope_the_app_never_asked_for_is_refused(alice_client):
    app, _secret = app_register(scopes="read")
    response = alice_client.get(authorize_path(app.application.client_id, scope="read write"))
    assert response.status_code == 400


def test_a_code_works_once_and_for_its_own_client_only(alice_client, client):
    app, secret = app_register()
    other, other_secret = app_register()
    code = code_from(alice_client, app)
    stolen = client.post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": other.application.client_id,
            "client_secret": other_secret,
            "redirect_uri": OOB,
        },
    )
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"
    code = code_from(alice_client, app)
    assert exchange(client, app, secret, code).status_code == 200
    again = exchange(client, app, secret, code)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_pkce_is_honoured_when_sent(alice_client, client):
    app, secret = app_register()
    verifier = "v" * 64
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    pkce = {"code_challenge": challenge, "code_challenge_method": "S256"}
    wrong = exchange(client, app, secret, code_from(alice_client, app, **pkce), code_verifier="w" * 64)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    right = exchange(client, app, secret, code_from(alice_client, app, **pkce), code_verifier=verifier)
    assert right.status_code == 200


def test_refresh_and_client_credentials_grants(alice_client, client):
    app, secret = app_register()
    token = exchange(client, app, secret, code_from(alice_client, app)).json()
    refreshed = client.post(
        "/oauth/token",
        {
            "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"],
            "client_id": app.application.client_id,
            "client_secret": secret,
        },
    )
    assert refreshed.status_code == 200 and refreshed.json()["access_token"] != token["access_token"]
    app_token = client.post(
        "/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": app.application.client_id,
            "client_secret": secret,
            "scope": "read",
        },
    ).json()["access_token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {app_token}"}
    assert client.get("/api/v1/apps/verify_credentials", **auth).json()["name"] == "Test app"
    # An app's own token acts as no member.
    assert client.get("/api/v1/accounts/verify_credentials", **auth).status_code == 403


def test_a_revoked_token_stops_working(alice_client, client):
    app, secret = app_register()
    token = exchange(client, app, secret, code_from(alice_client, app)).json()["access_token"]
    revoked = client.post(
        "/oauth/revoke", {"token": token, "client_id": app.application.client_id, "client_secret": secret}
    )
    assert revoked.status_code == 200 and revoked.json() == {}
    response = client.get("/api/v1/accounts/verify_credentials", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401


def test_tokens_of_a_deleted_app_or_a_deactivated_member_are_a_401(alice, bob):
    token = token_for(alice)
    api = client_with(token)
    assert api.get("/api/v1/accounts/verify_credentials").status_code == 200
    alice.is_active = False
    alice.save()
    assert api.get("/api/v1/accounts/verify_credentials").status_code == 401
    other = token_for(bob)
    other.application.delete()
    assert client_with(other).get("/api/v1/accounts/verify_credentials").status_code == 401


def test_missing_and_unknown_tokens_are_a_401_with_www_authenticate(client):
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer nope"}):
        response = client.get("/api/v1/timelines/home", **headers)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert set(response.json()) == {"error"}


def test_a_scope_not_granted_is_a_403(alice):
    api = client_with(token_for(alice, scope="read"))
    response = api.post("/api/v1/statuses", {"status": "hello"})
    assert response.status_code == 403
    assert response.json() == {"error": "This action is outside the authorized scopes"}
    granular = client_with(token_for(alice, scope="write:statuses"))
    assert granular.post("/api/v1/statuses", {"status": "hello"}).status_code == 200
    assert granular.get("/api/v1/timelines/home").status_code == 403


def test_members_see_and_revoke_their_authorized_apps(alice, bob, alice_client):
    mine = token_for(alice)
    bobs = token_for(bob, app=mine.application.mastodon_app)
    page = alice_client.get("/oauth/authorized_applications/")
    assert page.status_code == 200 and b"Test app" in page.content
    response = alice_client.post(f"/oauth/authorized_applications/{mine.application_id}/revoke/")
    assert response.status_code == 302
    assert not AccessToken.objects.filter(pk=mine.pk).exists()
    # Only the member's own tokens go.
    assert AccessToken.objects.filter(pk=bobs.pk).exists()
    assert alice_client.get(f"/oauth/authorized_applications/{mine.application_id}/revoke/").status_code == 405


def test_with_two_factor_on_the_password_alone_reaches_no_consent_page(alice):
    EmailAddress.objects.create(user=alice, email=alice.email, verified=True, primary=True)
    secret = generate_totp_secret()
    TOTP.activate(alice, secret)
    app, _secret = app_register()
    path = authorize_path(app.application.client_id)
    browser = Client()
    first = browser.post(reverse("account_login"), {"login": "alice", "password": DEFAULT_PASSWORD})
    assert first.status_code == 302 and first["Location"] == reverse("mfa_authenticate")
    halfway = browser.get(path)
    assert halfway.status_code == 302 and reverse("account_login") in halfway["Location"]
    browser.post(reverse("mfa_authenticate"), {"code": totp(secret)})
    assert browser.get(path).status_code == 200


def _form_action(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(part.strip() for part in policy.split(";") if part.strip().startswith("form-action"))


@pytest.mark.parametrize(
    ("redirect_uri", "expected"),
    [
        (OOB, "form-action 'self'"),
        ("https://app.example:8443/cb?x=1", "form-action 'self' https://app.example:8443"),
        ("tusky://oauth", "form-action 'self' tusky:"),
        # Nothing a registered address holds can end the source or add a directive.
        ("https://app.example;script-src/cb", "form-action 'self'"),
    ],
)
def test_the_consent_page_lets_its_form_lead_to_the_apps_address_only(alice_client, redirect_uri, expected):
    # Browsers hold the redirect that answers Allow or Deny to the page's form-action.
    app, _secret = app_register(redirect_uris=[redirect_uri])

    page = alice_client.get(authorize_path(app.application.client_id, redirect_uri=redirect_uri))

    assert page.status_code == 200
    assert _form_action(page) == expected
    assert "script-src 'self'" in page["Content-Security-Policy"]
