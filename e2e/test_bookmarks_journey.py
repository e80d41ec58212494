"""Bookmarks in Chromium: bookmark a post from Explore without a reload, find it on the
Bookmarks page from the navigation (desktop rail and phone top bar), remove it there;
and the same with JavaScript off (the form post and redirect back)."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from e2e.conftest import log_in
from posts.services import post_create

pytestmark = pytest.mark.e2e


def test_bookmark_a_post_and_find_it_on_the_bookmarks_page(site, page, accessible, shot):
    alice = UserFactory(username="alice", email="alice@example.com")
    UserFactory(username="bob", email="bob@example.com")
    post_create(author=alice, body="A recipe worth keeping")
    post_create(author=alice, body="Small talk")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, site, "bob")
    page.goto(f"{site}/explore/")
    kept = page.locator(".post", has_text="A recipe worth keeping")
    navigations = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and navigations.append(frame.url))

    kept.get_by_role("button", name="Bookmark", exact=True).click()
    expect(kept.get_by_role("button", name="Remove bookmark")).to_be_visible()
    expect(kept.get_by_role("button", name="Bookmark", exact=True)).to_be_hidden()
    assert navigations == []  # in place

    page.locator(".app-nav").get_by_role("link", name="Bookmarks").click()
    expect(page.get_by_role("heading", name="Bookmarks")).to_be_visible()
    expect(page.locator(".app-nav a[aria-current=page]")).to_have_text("Bookmarks")
    expect(page.locator(".post")).to_have_count(1)
    expect(page.locator(".post")).to_contain_text("A recipe worth keeping")
    shot("bookmarks-desktop")
    accessible("bookmarks desktop")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site}/explore/")
    page.locator(".app-topbar").get_by_role("link", name="Bookmarks").click()
    expect(page.locator(".post")).to_have_count(1)
    shot("bookmarks-phone")
    accessible("bookmarks phone")
    page.locator(".post").get_by_role("button", name="Remove bookmark").click()
    expect(page.locator(".post").get_by_role("button", name="Bookmark", exact=True)).to_be_visible()
    page.reload()
    expect(page.get_by_text("No bookmarks yet.")).to_be_visible()


def test_bookmarking_works_without_javascript(site, browser):
    alice = UserFactory(username="alice", email="alice@example.com")
    UserFactory(username="bob", email="bob@example.com")
    post_create(author=alice, body="A recipe worth keeping")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, site, "bob")
    page.goto(f"{site}/explore/")
    page.locator(".post").get_by_role("button", name="Bookmark", exact=True).click()
    page.wait_for_url(lambda url: "/explore/" in url)
    expect(page.locator(".post").get_by_role("button", name="Remove bookmark")).to_be_visible()
    page.goto(f"{site}/bookmarks/")
    expect(page.locator(".post")).to_contain_text("A recipe worth keeping")
    context.close()
