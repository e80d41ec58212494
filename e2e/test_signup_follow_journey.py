"""Sign up, post, log out, log in as someone else, follow, see the post on home."""

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from messaging.services import message_send

pytestmark = pytest.mark.e2e


def test_a_new_member_posts_and_a_follower_sees_it_at_home(site, page, shot):
    UserFactory(username="bob", email="bob@example.com")

    page.goto(f"{site}/accounts/signup/")
    shot("signup")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Email").fill("alice@example.com")
    page.locator("#id_password1").fill("a-long-Secret-42")
    page.locator("#id_password2").fill("a-long-Secret-42")
    page.get_by_label("I have read the rules and accept them").check()
    page.get_by_role("button", name="Sign up").click()

    expect(page.get_by_role("heading", name="Hi, alice!")).to_be_visible()
    page.get_by_label("Say something").fill("Hello from the browser, world!")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_role("alert").last).to_contain_text("Your post is now live!")
    expect(page.locator(".post-body")).to_have_text(["Hello from the browser, world!"])
    shot("home-after-post")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    page.get_by_label("Username or email").fill("bob")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Hi, bob!")).to_be_visible()
    expect(page.get_by_text("Hello from the browser, world!")).to_have_count(0)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Explore").click()
    expect(page.get_by_text("Hello from the browser, world!")).to_be_visible()
    page.get_by_role("link", name="alice", exact=True).first.click()
    expect(page.get_by_role("heading", name="alice")).to_be_visible()
    page.locator("#content").get_by_role("button", name="Follow").click()
    expect(page.locator("#content").get_by_role("button", name="Unfollow")).to_be_visible()
    shot("profile-followed")

    page.get_by_role("link", name="Home").click()
    expect(page.get_by_text("Hello from the browser, world!")).to_be_visible()
    shot("home-follower")


def test_a_phone_gets_a_bottom_tab_bar_with_its_badges_in_view(site, page, shot):
    bob = UserFactory(username="bob", email="bob@example.com")
    alice = UserFactory(username="alice", email="alice@example.com")
    message_send(sender=alice, recipient=bob, body="Lunch?")
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username or email").fill("bob@example.com")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Hi, bob!")).to_be_visible()

    # Nothing behind a menu: the five tabs and the unread badge are on screen, at the bottom.
    tabs = page.get_by_role("navigation", name="Main")
    for name in ("Home", "Explore", "Notifications", "Messages", "Profile"):
        expect(tabs.get_by_role("link", name=re.compile(name))).to_be_in_viewport()
    expect(page.locator("#unread-badge")).to_be_in_viewport()
    expect(page.locator("#unread-badge")).to_have_text("1")
    assert tabs.bounding_box()["y"] > 740 - 80
    page.get_by_role("link", name="New post").click()  # the floating button
    expect(page.locator("#id_body")).to_be_focused()
    shot("phone-tab-bar")
    # Nothing spills sideways: the page is no wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
