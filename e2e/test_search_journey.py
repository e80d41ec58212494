"""A member posts a sentence with a rare word, searches for it from the navbar
and sees it highlighted; then finds another member under "People"."""

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.e2e


def test_a_member_finds_their_post_by_a_rare_word(site, page, shot):
    UserFactory(username="alice", email="alice@example.com")
    UserFactory(username="quilter_9", email="q@example.com", about_me="Sewing and tea.")

    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username or email").fill("alice")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_label("Say something").fill("Saw a resplendent quetzal in the cloud forest <wow>!")
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_text("Your post is now live!")).to_be_visible()

    search_box = page.get_by_role("searchbox", name="Search posts and people")
    search_box.fill("quetzals")
    search_box.press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q=quetzals$"))
    result = page.locator("article.post")
    expect(result).to_have_count(1)
    expect(result).to_contain_text("Saw a resplendent quetzal in the cloud forest <wow>!")
    expect(result.locator("mark")).to_have_text("quetzal")
    expect(page.get_by_role("searchbox", name="Search posts and people")).to_have_value("quetzals")
    shot("search-results")

    search_box = page.get_by_role("searchbox", name="Search posts and people")
    search_box.fill("quilter tea")
    search_box.press("Enter")
    people = page.get_by_role("region", name="People")
    expect(people).to_contain_text("quilter_9")
    expect(people.locator("mark")).to_have_text("tea")
    shot("search-people")
    people.get_by_role("link", name="quilter_9").last.click()
    expect(page.get_by_role("heading", name="quilter_9")).to_be_visible()
