"""Small actions without a reload (htmx and post-actions.js), and the same actions with
JavaScript switched off (plain forms): posting, liking, following, deleting."""

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from e2e.conftest import log_in
from posts.models import Post
from posts.services import post_create

pytestmark = pytest.mark.e2e


def test_post_like_follow_and_delete_without_a_reload(site, page, accessible):
    UserFactory(username="alice", email="alice@example.com")
    carol = UserFactory(username="carol", email="carol@example.com", about_me="Cyclist")
    post_create(author=carol, body="Up the Stelvio today.")
    log_in(page, site, "alice")
    page.evaluate("window.notReloaded = true")

    box = page.locator("#id_body")
    box.fill("My first post, posted in place")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("article.post").first).to_contain_text("My first post, posted in place")
    expect(box).to_have_value("")
    expect(box).to_be_focused()  # ready for the next one
    mine = Post.objects.get(body="My first post, posted in place")

    # Following from the sidebar's suggestions.
    page.get_by_role("complementary").get_by_role("button", name="Follow carol").click()
    expect(page.locator("#suggestion-carol")).to_contain_text("Following")

    # Deleting asks first (the browser's confirm), then the post leaves the list.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"#post-{mine.pk}").get_by_role("link", name="Delete").click()
    expect(page.locator(f"#post-{mine.pk}")).to_have_count(0)
    expect(page.get_by_role("alert").last).to_contain_text("Your post was deleted.")
    assert page.evaluate("window.notReloaded === true")
    accessible("after the small actions")
    mine.refresh_from_db()
    assert mine.is_deleted


def test_the_same_actions_work_without_javascript(site, browser):
    UserFactory(username="alice", email="alice@example.com")
    carol = UserFactory(username="carol", email="carol@example.com")
    post = post_create(author=carol, body="Plain HTML still works.")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, site, "alice")

    page.locator("#id_body").fill("Posted by a plain form")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Your post is now live!")

    page.goto(f"{site}/explore/")
    page.locator(f"#post-{post.pk}").get_by_role("button", name="Like").click()
    expect(page.locator(f"#post-{post.pk}")).to_have_class(re.compile(r"\bis-liked\b"))

    page.get_by_role("complementary").get_by_role("button", name="Follow carol").click()
    expect(page.get_by_role("alert")).to_contain_text("You are following carol.")

    mine = Post.objects.get(body="Posted by a plain form")
    page.goto(f"{site}/")
    page.locator(f"#post-{mine.pk}").get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", name="Delete your post?")).to_be_visible()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("alert")).to_contain_text("Your post was deleted.")
    context.close()
