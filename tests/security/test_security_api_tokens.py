"""Issue 21, items 1, 2, 3 and 13: POST /api/tokens is a way in like the login
page: the same lockout, the second factor, and a token that dies with the
password (or when two-factor login is turned on); concurrent requests all get
a live token."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import DEFAULT_PASSWORD
from api import services
from api.models import Token
from api.services import token_issue
from api.tests.conftest import basic
from tests.security.test_security_two_factor import totp


def _ask(login="alice", password=DEFAULT_PASSWORD, **headers):
    return APIClient().post("/api/tokens", HTTP_AUTHORIZATION=basic(login, password), **headers)


def _works(token):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api.get("/api/users").status_code == 200


@pytest.fixture
def two_factor_alice(alice):
    """alice with an authenticator app (and recovery codes), as after activation."""
    EmailAddress.objects.create(user=alice, email=alice.email, verified=True, primary=True)
    secret = generate_totp_secret()
    TOTP.activate(alice, secret)
    RecoveryCodes.activate(alice)
    alice.totp_secret = secret
    return alice


# Item 1: tokens skip two-factor login.


def test_with_two_factor_on_the_password_alone_gets_no_token(two_factor_alice):
    response = _ask()

    assert response.status_code == 401
    assert response["X-OTP"] == "required"
    assert "X-OTP" in response.json()["message"]
    assert not Token.objects.exists()


def test_with_two_factor_on_the_password_and_the_current_code_get_a_token(two_factor_alice):
    response = _ask(HTTP_X_OTP=totp(two_factor_alice.totp_secret))

    assert response.status_code == 200
    assert _works(response.json()["token"])


def test_a_wrong_code_gets_no_token(two_factor_alice):
    code = totp(two_factor_alice.totp_secret)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    response = _ask(HTTP_X_OTP=wrong)

    assert response.status_code == 401
    assert "X-OTP" not in response
    assert not Token.objects.exists()


def test_a_code_with_a_wrong_password_gets_no_token(two_factor_alice):
    assert _ask(password="wrong-password", HTTP_X_OTP=totp(two_factor_alice.totp_secret)).status_code == 401


def test_a_recovery_code_gets_a_token_once(two_factor_alice):
    code = Authenticator.objects.get(user=two_factor_alice, type="recovery_codes").wrap().get_unused_codes()[0]

    assert _ask(HTTP_X_OTP=code).status_code == 200
    assert _ask(HTTP_X_OTP=code).status_code == 401


def test_guessing_codes_through_the_api_is_limited(two_factor_alice, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "100/15m/ip,3/15m/key"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "100/minute"}}
    for _ in range(3):
        assert _ask(HTTP_X_OTP="000000").status_code == 401

    response = _ask(HTTP_X_OTP=totp(two_factor_alice.totp_secret))

    assert response.status_code == 429
    assert not Token.objects.exists()


def test_a_member_without_two_factor_needs_no_code(alice):
    assert _ask().status_code == 200


# Item 2: the API ignored the account lockout.


@pytest.fixture
def low_lockout(settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "100/15m/ip,3/15m/key"}
    # The token endpoint's own throttle out of the way: the lockout is what is tested.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "100/minute"}}


def test_api_failures_lock_the_login_page_too(alice, low_lockout):
    for _ in range(3):
        assert _ask(password="wrong-password").status_code == 401

    page = Client().post(reverse("account_login"), {"login": "alice", "password": DEFAULT_PASSWORD})

    assert page.status_code == 200  # the form again, not a redirect
    assert "Too many failed login attempts" in page.content.decode()


def test_a_locked_account_gets_no_token_even_with_the_right_password(alice, low_lockout):
    for _ in range(3):
        Client().post(reverse("account_login"), {"login": "alice@example.com", "password": "wrong-password"})

    response = _ask()

    assert response.status_code == 429
    assert "Too many failed login attempts" in response.json()["message"]
    assert not Token.objects.exists()


def test_the_right_password_does_not_reset_the_count(alice, low_lockout):
    for _ in range(2):
        _ask(password="wrong-password")
    assert _ask().status_code == 200
    _ask(password="wrong-password")

    assert _ask().status_code == 429


# Item 3: tokens survived a password change.


def test_changing_the_password_revokes_the_token(alice, client):
    old = _ask().json()["token"]
    client.force_login(alice)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": DEFAULT_PASSWORD, "password1": "An0ther-long-pass", "password2": "An0ther-long-pass"},
    )

    assert response.status_code == 302
    assert not _works(old)
    new = _ask(password="An0ther-long-pass").json()["token"]
    assert new != old
    assert _works(new)


def test_a_password_reset_revokes_the_token(alice, mailoutbox, django_capture_on_commit_callbacks):
    old = _ask().json()["token"]
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": alice.email})
    link = next(line for line in mailoutbox[-1].body.splitlines() if "/password/reset/key/" in line).strip()
    form_page = client.get(link[link.index("/accounts/") :], follow=True)

    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": "An0ther-long-pass", "password2": "An0ther-long-pass"},
    )

    assert response.status_code == 302
    assert not _works(old)


def test_a_password_set_anywhere_revokes_the_token(alice):
    old = _ask().json()["token"]
    alice.set_password("An0ther-long-pass")
    alice.save()

    assert not _works(old)


def test_turning_two_factor_on_revokes_the_token(alice, django_capture_on_commit_callbacks):
    EmailAddress.objects.create(user=alice, email=alice.email, verified=True, primary=True)
    old = _ask().json()["token"]
    client = Client()
    client.post(reverse("account_login"), {"login": "alice", "password": DEFAULT_PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": totp(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=alice, type="totp").exists()
    assert not _works(old)


# Item 13: parallel POST /api/tokens handed out tokens that were already dead.


def _rival_asks_in_between(monkeypatch, alice):
    """A rival request completes token_issue while ours is between reading the
    current row and writing its own: the moment two parallel requests meet."""
    original = services.secrets.token_hex
    rival = []

    def token_hex(n):
        if not rival:
            rival.append(None)
            rival[0] = token_issue(user=alice)
        return original(n)

    monkeypatch.setattr(services.secrets, "token_hex", token_hex)
    return rival


def test_two_first_requests_at_once_both_get_a_live_token(alice, monkeypatch):
    rival = _rival_asks_in_between(monkeypatch, alice)

    ours = token_issue(user=alice)

    assert _works(rival[0]) and _works(ours)
    assert ours == rival[0]


def test_two_refreshes_at_once_both_get_a_live_token(alice, monkeypatch):
    token_issue(user=alice)
    Token.objects.filter(user=alice).update(expires=timezone.now() + timedelta(seconds=30))
    rival = _rival_asks_in_between(monkeypatch, alice)

    ours = token_issue(user=alice)

    assert _works(rival[0]) and _works(ours)
    assert ours == rival[0]
