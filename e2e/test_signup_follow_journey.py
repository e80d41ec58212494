"""Sign up, post, log out, log in as someone else, follow, see the post on home."""

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.e2e


def test_a_new_member_posts_and_a_follower_sees_it_at_home(site, page, shot):
    UserFactory(username="bob", email="bob@example.com")

    page.goto(f"{site}/accounts/signup/")
    shot("signup")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Email").fill("alice@example.com")
    page.locator("#id_password1").fill("a-long-Secret-42")
    page.locator("#id_password2").fill("a-long-Secret-42")
    page.get_by_role("button", name="Sign Up").click()

    expect(page.get_by_role("heading", name="Hi, alice!")).to_be_visible()
    page.get_by_label("Say something").fill("Hello from the browser, world!")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Your post is now live!")
    expect(page.locator(".post-body")).to_have_text(["Hello from the browser, world!"])
    shot("home-after-post")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    page.get_by_label("Username or email").fill("bob")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Hi, bob!")).to_be_visible()
    expect(page.get_by_text("Hello from the browser, world!")).to_have_count(0)

    page.get_by_role("link", name="Explore").click()
    expect(page.get_by_text("Hello from the browser, world!")).to_be_visible()
    page.get_by_role("link", name="alice", exact=True).first.click()
    expect(page.get_by_role("heading", name="alice")).to_be_visible()
    page.get_by_role("button", name="Follow").click()
    expect(page.get_by_role("alert")).to_contain_text("You are following alice.")
    expect(page.get_by_role("button", name="Unfollow")).to_be_visible()
    shot("profile-followed")

    page.get_by_role("link", name="Home").click()
    expect(page.get_by_text("Hello from the browser, world!")).to_be_visible()
    shot("home-follower")


def test_the_navbar_collapses_on_a_phone(site, page, shot):
    UserFactory(username="bob", email="bob@example.com")
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username or email").fill("bob@example.com")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Hi, bob!")).to_be_visible()

    explore = page.get_by_role("link", name="Explore")
    expect(explore).to_be_hidden()
    page.get_by_role("button", name="Toggle navigation").click()
    expect(explore).to_be_visible()
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))  # the slide-down has finished
    shot("phone-menu")
    # Nothing spills sideways: the page is no wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
