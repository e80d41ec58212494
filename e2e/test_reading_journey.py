"""A member pages back through Explore and a profile."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.e2e


def test_a_member_reads_older_posts_page_by_page(site, page, shot):
    UserFactory(username="bob", email="bob@example.com")
    writer = UserFactory(username="writer", email="writer@example.com", about_me="I post a lot.")
    posts = PostFactory.create_batch(30, author=writer)

    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username or email").fill("bob")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    page.get_by_role("link", name="Explore").click()
    expect(page.locator("article.post")).to_have_count(25)
    # The newest page: nothing newer to go to.
    expect(page.get_by_role("link", name="Newer")).to_have_count(0)
    shot("explore")
    page.get_by_role("link", name="Older").click()
    expect(page.locator("article.post")).to_have_count(5)
    # The oldest post comes last on the last page, and there is nothing older.
    expect(page.locator("article.post").last).to_contain_text(posts[0].body)
    expect(page.get_by_role("link", name="Older")).to_have_count(0)
    shot("explore-older")
    page.get_by_role("link", name="Newer").click()
    expect(page.locator("article.post")).to_have_count(25)
    expect(page.locator("article.post").first).to_contain_text(posts[-1].body)
    page.get_by_role("link", name="Older").click()
    page.get_by_role("link", name="Newest").click()
    expect(page.locator("article.post")).to_have_count(25)
    expect(page.get_by_role("link", name="Newest")).to_have_count(0)

    page.locator("article.post a", has_text="writer").first.click()
    expect(page.get_by_text("30 posts")).to_be_visible()
    expect(page.get_by_text("I post a lot.")).to_be_visible()
    shot("profile-other")
