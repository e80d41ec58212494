"""A member pages back through Explore and a profile."""

import re

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
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Explore").click()
    expect(page.locator("article.post")).to_have_count(25)
    # The newest page: nothing newer to go to.
    expect(page.get_by_role("link", name="Newer")).to_have_count(0)
    shot("explore")
    # "Load more" appends the older posts in place, and the address is that page's.
    page.evaluate("window.notReloaded = true")
    page.get_by_role("link", name="Load more").click()
    expect(page.locator("article.post")).to_have_count(30)
    assert page.evaluate("window.notReloaded === true")
    expect(page).to_have_url(re.compile(r"/explore/\?before="))
    expect(page.locator("article.post").nth(25)).to_be_focused()
    # The oldest post comes last, and there is nothing more.
    expect(page.locator("article.post").last).to_contain_text(posts[0].body)
    expect(page.get_by_role("link", name="Load more")).to_have_count(0)
    shot("explore-older")
    # The address is shareable: opened afresh it shows that older page, with a way back.
    page.reload()
    expect(page.locator("article.post")).to_have_count(5)
    page.get_by_role("link", name="Newer").click()
    expect(page.locator("article.post")).to_have_count(25)
    expect(page.locator("article.post").first).to_contain_text(posts[-1].body)
    expect(page.get_by_role("link", name="Newest")).to_have_count(0)

    page.locator("article.post a", has_text="writer").first.click()
    expect(page.get_by_text("30 posts")).to_be_visible()
    expect(page.locator("#content").get_by_text("I post a lot.")).to_be_visible()
    shot("profile-other")
