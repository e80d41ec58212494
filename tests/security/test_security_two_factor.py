"""Issue 8, item 5: optional two-factor login (allauth.mfa: authenticator app + recovery codes).

The codes are computed here from the secret the activation page shows (RFC 6238, written out
below rather than borrowed from allauth), as a member's authenticator app would.
"""

import base64
import hashlib
import hmac
import struct
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import DEFAULT_PASSWORD


def totp(secret, at=None, period=30, digits=6):
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // period)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def _login(client, password=DEFAULT_PASSWORD):
    return client.post(reverse("account_login"), {"login": "alice", "password": password})


@pytest.fixture
def confirmed_alice(alice):
    EmailAddress.objects.create(user=alice, email=alice.email, verified=True, primary=True)
    return alice


@pytest.fixture
def password_client(confirmed_alice):
    """alice logged in, who has just typed her password again, as changing two-factor settings asks."""
    client = Client()
    assert _login(client).status_code == 302
    assert client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD}).status_code == 302
    return client


def test_changing_two_factor_settings_asks_for_the_password_again(confirmed_alice, client):
    client.force_login(confirmed_alice)

    response = client.get(reverse("mfa_activate_totp"))

    assert response["Location"].startswith(reverse("account_reauthenticate"))
    wrong = client.post(reverse("account_reauthenticate"), {"password": "not-it"})
    assert wrong.status_code == 200
    assert client.get(reverse("mfa_activate_totp")).status_code == 302


def _activate(client):
    """Turn on the authenticator app; return (secret, recovery codes)."""
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp(secret)})
    assert response.status_code == 302, response.context["form"].errors
    codes = client.get(reverse("mfa_view_recovery_codes")).context["unused_codes"]
    return secret, codes


@pytest.fixture
def enabled(password_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return _activate(password_client)


def test_the_profile_edit_page_links_to_two_factor_settings(alice_client):
    response = alice_client.get(reverse("accounts:profile-edit"))

    assert reverse("mfa_index") in response.content.decode()


def test_the_two_factor_page_renders_in_the_sites_layout(password_client):
    response = password_client.get(reverse("mfa_index"))

    assert response.status_code == 200
    assert b'class="navbar' in response.content


def test_activation_shows_a_qr_code_and_refuses_a_wrong_code(password_client):
    page = password_client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert b"data:image/svg+xml" in page.content
    secret = page.context["form"].secret

    wrong = str((int(totp(secret)) + 1) % 10**6).zfill(6)
    response = password_client.post(reverse("mfa_activate_totp"), {"code": wrong})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not Authenticator.objects.exists()


def test_activating_stores_the_app_and_ten_recovery_codes(enabled, confirmed_alice):
    secret, codes = enabled

    assert set(Authenticator.objects.filter(user=confirmed_alice).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }
    assert len(codes) == 10
    assert len(set(codes)) == 10


def test_an_unconfirmed_address_cannot_turn_it_on(alice, db):
    EmailAddress.objects.create(user=alice, email=alice.email, verified=False, primary=True)
    client = Client()
    _login(client)
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})

    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert response.redirect_chain == [(reverse("mfa_index"), 302)]
    assert "until you have verified your email address" in response.content.decode()
    assert not Authenticator.objects.exists()


def test_with_two_factor_on_the_password_alone_does_not_log_in(enabled):
    client = Client()

    response = _login(client)

    assert response["Location"] == reverse("mfa_authenticate")
    assert not get_user(client).is_authenticated
    # Pages for members still send the half-logged-in visitor to the login page.
    assert client.get(reverse("accounts:profile-edit"))["Location"].startswith(reverse("account_login"))


def test_the_current_code_completes_the_login(enabled, confirmed_alice):
    secret, _codes = enabled
    client = Client()
    _login(client)

    response = client.post(reverse("mfa_authenticate"), {"code": totp(secret)})

    assert response["Location"] == reverse("posts:home")
    assert get_user(client) == confirmed_alice


def test_a_wrong_code_is_refused(enabled):
    secret, _codes = enabled
    client = Client()
    _login(client)
    stale = totp(secret, at=time.time() - 300)

    response = client.post(reverse("mfa_authenticate"), {"code": stale})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not get_user(client).is_authenticated


def test_guessing_codes_is_limited_like_guessing_passwords(enabled, settings):
    secret, _codes = enabled
    client = Client()
    _login(client)
    for guess in range(settings.LOGIN_FAILURES_LIMIT):
        client.post(reverse("mfa_authenticate"), {"code": f"{guess:06d}"})

    response = client.post(reverse("mfa_authenticate"), {"code": totp(secret)})

    assert response.status_code == 200
    assert not get_user(client).is_authenticated


def test_a_recovery_code_logs_in_once(enabled, confirmed_alice):
    _secret, codes = enabled
    first = Client()
    _login(first)

    assert first.post(reverse("mfa_authenticate"), {"code": codes[0]})["Location"] == reverse("posts:home")
    assert get_user(first) == confirmed_alice

    second = Client()
    _login(second)
    response = second.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 200
    assert not get_user(second).is_authenticated

    assert second.post(reverse("mfa_authenticate"), {"code": codes[1]})["Location"] == reverse("posts:home")


def test_a_member_without_two_factor_logs_in_with_the_password(confirmed_alice):
    client = Client()

    assert _login(client)["Location"] == reverse("posts:home")
    assert get_user(client) == confirmed_alice


def test_turning_it_off_takes_a_post(enabled, password_client, confirmed_alice):
    assert password_client.get(reverse("mfa_deactivate_totp")).status_code == 200
    assert Authenticator.objects.filter(user=confirmed_alice, type=Authenticator.Type.TOTP).exists()

    password_client.post(reverse("mfa_deactivate_totp"))

    assert not Authenticator.objects.filter(user=confirmed_alice, type=Authenticator.Type.TOTP).exists()
    assert _login(Client())["Location"] == reverse("posts:home")


def test_another_member_cannot_see_alices_recovery_codes(enabled, bob_client):
    response = bob_client.get(reverse("mfa_view_recovery_codes"))

    assert not response.context or enabled[1][0] not in response.content.decode()


def test_anonymous_visitors_are_sent_to_login(client, db):
    for name in ("mfa_index", "mfa_activate_totp", "mfa_view_recovery_codes"):
        assert client.get(reverse(name))["Location"].startswith(reverse("account_login"))
