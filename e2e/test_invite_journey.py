"""On an invite-only site a member makes an invite link and a friend signs up with it."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.e2e


def test_a_friend_signs_up_with_a_members_invite(site, page, shot, settings, browser):
    settings.SIGNUP_MODE = "invite"
    UserFactory(username="alice", email="alice@example.com")

    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username or email").fill("alice")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{site}/@alice/")
    page.get_by_role("link", name="Invite people").click()
    page.get_by_label("Number of uses").select_option("1")
    page.get_by_role("button", name="Make an invite link").click()
    link = page.locator("table code").first.inner_text()
    shot("invites-wide")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("invites-phone")

    friend = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    friend.goto(f"{site}/accounts/signup/")
    expect(friend.get_by_text("Joining needs an invitation")).to_be_visible()
    friend.goto(link)
    expect(friend.get_by_text("You were invited by alice")).to_be_visible()
    friend.get_by_label("Username").fill("dora")
    friend.get_by_label("Email").fill("dora@example.com")
    friend.locator("#id_password1").fill("a-long-Secret-42")
    friend.locator("#id_password2").fill("a-long-Secret-42")
    friend.get_by_label("I have read the rules and accept them").check()
    friend.screenshot(path="e2e/screenshots/signup-invite-phone.png", full_page=True)
    friend.get_by_role("button", name="Sign up").last.click()
    expect(friend.get_by_role("heading", name="Hi, dora!")).to_be_visible()

    # The link allowed one use: the next visitor is told so.
    other = browser.new_context().new_page()
    other.goto(link)
    expect(other.get_by_text("used as many times as it allows")).to_be_visible()
