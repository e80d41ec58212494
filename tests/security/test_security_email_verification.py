"""Issue 8, item 3: addresses are confirmed before they count, and emailed links expire.

With ACCOUNT_EMAIL_VERIFICATION="mandatory" a new member cannot log in until they follow the link
mailed to them, and an address added later cannot become the primary one before it is confirmed.
Password reset links working only once is in accounts/tests/test_auth_flows.py; here they expire.
"""

import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from allauth.account import app_settings as account_settings
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.urls import reverse

from accounts.models import User

PASSWORD = "a-fresh-pot-of-oolong"


@pytest.fixture
def mandatory(settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"


def _confirm_link(message):
    return re.search(r"https?://localhost:8000(/accounts/confirm-email/\S+/)", message.body).group(1)


def _signup(client):
    data = {
        "username": "dora",
        "email": "dora@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accept_rules": "on",
    }
    return client.post(reverse("account_signup"), data)


def _login(client, login="dora", password=PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def test_with_mandatory_verification_a_new_member_is_not_logged_in_until_they_confirm(
    mandatory, db, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _signup(client)

    assert response["Location"] == reverse("account_email_verification_sent")
    assert not get_user(client).is_authenticated
    assert [m.to for m in mail.outbox] == [["dora@example.com"]]

    refused = _login(client)
    assert refused["Location"] == reverse("account_email_verification_sent")
    assert not get_user(client).is_authenticated

    link = _confirm_link(mail.outbox[0])
    assert client.post(link).status_code == 302
    assert EmailAddress.objects.get(email="dora@example.com").verified

    assert _login(client)["Location"] == reverse("posts:home")
    assert get_user(client) == User.objects.get(username="dora")


def test_with_optional_verification_a_new_member_is_logged_in_at_once(db, client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"

    _signup(client)

    assert get_user(client).username == "dora"
    assert not EmailAddress.objects.get(email="dora@example.com").verified


def test_a_confirmation_link_for_someone_else_does_not_log_in_the_visitor(
    mandatory, db, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _signup(client)
    link = _confirm_link(mail.outbox[0])

    response = client.get(link)

    assert response.status_code == 200
    assert not EmailAddress.objects.get(email="dora@example.com").verified
    assert not get_user(client).is_authenticated


def test_a_confirmation_link_expires(mandatory, db, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _signup(client)
    link = _confirm_link(mail.outbox[0])
    # The key is signed with a timestamp (allauth's HMAC confirmations), checked against time.time().
    later = time.time() + timedelta(days=account_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS, hours=1).total_seconds()

    with mock.patch("django.core.signing.time.time", return_value=later):
        client.post(link)

    assert not EmailAddress.objects.get(email="dora@example.com").verified


def test_a_forged_confirmation_key_is_refused(mandatory, db, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _signup(client)
    link = _confirm_link(mail.outbox[0])

    response = client.post(link[:-3] + "xx/")

    assert response.status_code in (200, 404)
    assert not EmailAddress.objects.get(email="dora@example.com").verified


def test_a_new_address_becomes_primary_only_once_confirmed(
    mandatory, alice, alice_client, django_capture_on_commit_callbacks
):
    EmailAddress.objects.create(user=alice, email="alice@example.com", verified=True, primary=True)
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(reverse("account_email"), {"action_add": "", "email": "alice@tea.example"})
    new = EmailAddress.objects.get(email="alice@tea.example")
    assert not new.verified
    assert mail.outbox[-1].to == ["alice@tea.example"]

    alice_client.post(reverse("account_email"), {"action_primary": "", "email": "alice@tea.example"})
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"
    assert not EmailAddress.objects.get(email="alice@tea.example").primary

    alice_client.post(_confirm_link(mail.outbox[-1]))
    alice_client.post(reverse("account_email"), {"action_primary": "", "email": "alice@tea.example"})
    alice.refresh_from_db()
    assert alice.email == "alice@tea.example"
    assert EmailAddress.objects.get(email="alice@tea.example").primary


def test_another_member_cannot_confirm_an_address_added_by_alice(
    mandatory, alice, alice_client, bob_client, django_capture_on_commit_callbacks
):
    EmailAddress.objects.create(user=alice, email="alice@example.com", verified=True, primary=True)
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(reverse("account_email"), {"action_add": "", "email": "alice@tea.example"})

    # bob guesses the address but has no link: the confirm view needs the signed key.
    bob_client.post(reverse("account_email"), {"action_primary": "", "email": "alice@tea.example"})

    assert not EmailAddress.objects.get(email="alice@tea.example").primary


def _reset_link(message):
    return re.search(r"https?://localhost:8000(/accounts/password/reset/key/\S+/)", message.body).group(1)


def test_a_password_reset_link_expires(alice, client, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "alice@example.com"})
    link = _reset_link(mail.outbox[0])
    later = PasswordResetTokenGenerator()._now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)

    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later):
        response = client.get(link, follow=True)

    assert response.context["token_fail"]


def test_a_password_reset_link_works_before_it_expires(alice, client, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "alice@example.com"})
    link = _reset_link(mail.outbox[0])
    nearly = PasswordResetTokenGenerator()._now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 60)

    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=nearly):
        response = client.get(link, follow=True)

    assert not response.context.get("token_fail")
    assert "password1" in response.context["form"].fields
