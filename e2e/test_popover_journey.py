"""Hovering a member's name shows their card; following from it works."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.e2e


def test_a_member_hovers_a_name_and_follows_from_the_card(site, page, shot):
    UserFactory(username="bob", email="bob@example.com")
    alice = UserFactory(username="alice", email="alice@example.com", about_me="I write about tea.")
    PostFactory(author=alice, body="Oolong or sencha?")
    PostFactory(author=alice, body="Sencha, obviously.")
    card_requests = []
    page.on("request", lambda request: "/popover/" in request.url and card_requests.append(request.url))

    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username or email").fill("bob")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Explore").click()

    # Sweeping quickly across the names asks for nothing.
    names = page.locator("article.post a.fw-semibold")
    names.first.hover()
    page.get_by_role("heading", name="Explore").hover()
    page.wait_for_timeout(500)
    assert card_requests == []

    names.first.hover()
    card = page.locator(".popover .user-popover")
    expect(card).to_be_visible()
    expect(card).to_contain_text("I write about tea.")
    expect(card).to_contain_text("0 followers")
    page.wait_for_timeout(300)  # let the fade-in finish before the picture
    shot("popover-card")

    # Moving onto the card keeps it open; the same member's card is not fetched twice.
    card.hover()
    page.wait_for_timeout(400)
    expect(card).to_be_visible()
    page.get_by_role("heading", name="Explore").hover()
    expect(card).to_have_count(0)
    names.nth(1).hover()
    expect(page.locator(".popover .user-popover")).to_be_visible()
    assert len(card_requests) == 1

    page.evaluate("window.scrollTo(0, 40); window.notReloaded = true")
    page.locator(".popover").get_by_role("button", name="Follow").click()
    # In place (htmx): the card's button turns, the page neither reloads nor jumps.
    expect(page.locator(".popover").get_by_role("button", name="Unfollow")).to_be_visible()
    assert page.evaluate("window.notReloaded === true")
    expect(page).to_have_url(f"{site}/explore/")
    page.get_by_role("heading", name="Explore").hover()
    expect(page.locator(".popover")).to_have_count(0)
    names.first.hover()
    expect(page.locator(".popover").get_by_role("button", name="Unfollow")).to_be_visible()
    page.wait_for_timeout(300)
    shot("popover-after-follow")
