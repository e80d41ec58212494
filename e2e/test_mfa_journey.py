"""A member turns on two-factor login from Edit profile, then logs in with a code and with a recovery code."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.security.test_security_two_factor import totp

pytestmark = pytest.mark.e2e


def log_in(page, site):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username or email").fill("alice")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_member_turns_on_two_factor_login(site, page, shot):
    alice = UserFactory(username="alice", email="alice@example.com")
    EmailAddress.objects.create(user=alice, email=alice.email, verified=True, primary=True)
    log_in(page, site)

    page.goto(f"{site}/profile/edit/")
    page.get_by_role("link", name="Two-factor authentication").click()
    shot("mfa-index")
    page.locator("a", has_text="Activate").first.click()
    # Changing it asks for the password again.
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("img[src^='data:image/svg+xml']")).to_be_visible()
    secret = page.locator("#authenticator_secret").input_value()
    used = totp(secret)
    page.get_by_label("Authenticator code").fill(used)
    shot("mfa-activate")
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("heading", name="Recovery Codes")).to_be_visible()
    codes = re.findall(r"\b[0-9a-f]{8}\b", page.locator("#recovery_codes").input_value())
    assert len(codes) == 10
    shot("mfa-recovery-codes")
    page.get_by_role("button", name="Log out").click()

    log_in(page, site)
    expect(page.get_by_label("Code")).to_be_visible()
    shot("mfa-login-code")
    # A code works once: wait for the app's next one if the clock has not moved on yet.
    while totp(secret) == used:
        time.sleep(1)
    page.get_by_label("Code").fill(totp(secret))
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Hi, alice!")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    log_in(page, site)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Hi, alice!")).to_be_visible()
