"""A member edits their profile, changes their password, forgets it and resets it by email."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.e2e


def log_in(page, site, login, password):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username or email").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_a_member_edits_their_profile(site, page, shot):
    UserFactory(username="alice", email="alice@example.com")
    UserFactory(username="bob", email="bob@example.com")
    log_in(page, site, "alice", DEFAULT_PASSWORD)

    page.get_by_role("link", name="Profile").click()
    page.get_by_role("link", name="Edit your profile").click()
    page.get_by_label("Username").fill("BOB")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("This username is taken.")).to_be_visible()
    shot("profile-edit-error")

    page.get_by_label("Username").fill("alice_w")
    page.get_by_label("About me").fill("Tea, <b>trains</b> & tiny gardens.")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/user/alice_w/$"))
    expect(page.get_by_role("heading", name="alice_w")).to_be_visible()
    expect(page.get_by_text("Tea, <b>trains</b> & tiny gardens.")).to_be_visible()
    shot("profile-own")


def test_a_member_changes_then_resets_their_password(site, page, shot):
    UserFactory(username="alice", email="alice@example.com")
    log_in(page, site, "alice@example.com", DEFAULT_PASSWORD)

    page.goto(f"{site}/accounts/password/change/")
    page.get_by_label("Current password").fill(DEFAULT_PASSWORD)
    page.locator("#id_password1").fill("brand-New-passw0rd")
    page.locator("#id_password2").fill("brand-New-passw0rd")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_contain_text("Password successfully changed.")
    page.get_by_role("button", name="Log out").click()

    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    shot("password-reset-sent")

    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.locator("#id_password1").fill("third-Passw0rd-here")
    page.locator("#id_password2").fill("third-Passw0rd-here")
    shot("password-reset-form")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password is now changed.")).to_be_visible()

    log_in(page, site, "alice", "third-Passw0rd-here")
    expect(page.get_by_role("heading", name="Hi, alice!")).to_be_visible()


def test_pages_that_do_not_exist_look_like_the_site(site, page, shot):
    response = page.goto(f"{site}/no/such/page/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_role("link", name="Back to the home page")).to_be_visible()
    shot("404")
