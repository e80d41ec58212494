"""Three members talk: a reply in a thread, likes and boosts without a reload, an
edit with its history, and a deleted post that leaves its thread whole (issue 16)."""

import pytest
from playwright.sync_api import expect

from accounts.models import Follow
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from posts.models import Post
from posts.services import post_create
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.e2e


def log_in(page, site, username):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=f"Hi, {username}!")).to_be_visible()


def test_reply_in_a_thread_like_and_boost_without_reload(site, page, shot):
    alice = UserFactory(username="alice", email="alice@example.com")
    bob = UserFactory(username="bob", email="bob@example.com")
    Follow.objects.create(follower=bob, followed=alice)
    root = PostFactory(author=alice, body="Who wants to talk about sourdough?")
    post_create(author=UserFactory(username="carol"), body="Me! Mine never rises.", in_reply_to=root)

    log_in(page, site, "bob")
    article = page.locator(f"article#post-{root.pk}")
    page.evaluate("window.notReloaded = true")
    article.get_by_role("button", name="Like").click()
    expect(article.get_by_role("button", name="Undo like")).to_contain_text("1")
    article.get_by_role("button", name="Boost").click()
    expect(article.get_by_role("button", name="Undo boost")).to_contain_text("1")
    assert page.evaluate("window.notReloaded") is True  # updated in place
    shot("conversation-home-liked")

    article.get_by_role("link", name="Reply").click()
    expect(page.get_by_text("Me! Mine never rises.")).to_be_visible()
    page.get_by_label("Say something").fill("Feed your starter twice a day.")
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.get_by_text("Your reply is now live!")).to_be_visible()
    expect(page.locator(".replies article").first).to_contain_text("Feed your starter twice a day.")
    expect(page.locator(".post-focus")).to_contain_text("Who wants to talk about sourdough?")
    shot("conversation-post-page")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("conversation-post-page-phone")

    # The reload shows the same state, from the server this time.
    page.goto(f"{site}/")
    expect(page.locator(f"article#post-{root.pk}").first.get_by_role("button", name="Undo like")).to_be_visible()


def test_edit_with_history_and_delete_in_a_thread(site, page, shot):
    alice = UserFactory(username="alice", email="alice@example.com")
    bob = UserFactory(username="bob", email="bob@example.com")
    root = PostFactory(author=bob, body="Trains or planes?")
    mine = post_create(author=alice, body="Trains, alwyas.", in_reply_to=root)
    post_create(author=bob, body="Agreed!", in_reply_to=mine)

    log_in(page, site, "alice")
    page.goto(f"{site}{mine.get_absolute_url()}")
    page.locator(".post-focus").get_by_role("link", name="Edit").click()
    page.get_by_label("Say something").fill("Trains, always.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your post was updated.")).to_be_visible()
    focus = page.locator(".post-focus")
    expect(focus).to_contain_text("Trains, always.")
    focus.get_by_role("link", name="edited").click()
    expect(page.get_by_role("heading", name="Edit history")).to_be_visible()
    expect(page.get_by_text("Trains, alwyas.")).to_be_visible()
    shot("conversation-history")

    page.goto(f"{site}{mine.get_absolute_url()}")
    # Delete asks with the browser's confirm (the confirmation page is for no JavaScript);
    # the post's page is gone, so home.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(".post-focus").get_by_role("link", name="Delete").click()
    expect(page.get_by_text("Your post was deleted.")).to_be_visible()
    expect(page).to_have_url(f"{site}/")

    answer = Post.objects.get(body="Agreed!")
    page.goto(f"{site}{answer.get_absolute_url()}")
    thread = page.locator(".thread-above")
    expect(thread).to_contain_text("Trains or planes?")
    expect(thread).to_contain_text("This post was deleted.")
    expect(page.locator(".post-focus")).to_contain_text("Agreed!")
    shot("conversation-deleted-in-thread")
