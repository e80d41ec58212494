"""A visitor who is not logged in finds the front door, a public profile and the rules."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from core.models import SiteSettings
from core.site import site_settings_save
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.e2e

WIDTHS = {"wide": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("width", WIDTHS)
def test_a_visitor_sees_the_front_door_and_a_public_profile(site, page, shot, width):
    page.set_viewport_size(WIDTHS[width])
    site_settings_save(row=SiteSettings(name="Tea Club", description="Where people who love tea talk about it."))
    writer = UserFactory(username="writer", email="writer@example.com", about_me="Green tea, mostly.")
    UserFactory(username="reader", email="reader@example.com")
    PostFactory(author=writer, body="First flush Darjeeling is in. Who wants some?")

    page.goto(site)
    expect(page.get_by_role("heading", name="Tea Club")).to_be_visible()
    expect(page.get_by_text("2 members")).to_be_visible()
    expect(page.get_by_text("First flush Darjeeling is in.")).to_be_visible()
    expect(page.get_by_role("link", name="Sign up").last).to_be_visible()
    # Read-only: no like or boost buttons for a visitor.
    expect(page.locator("article.post button:visible")).to_have_count(0)
    shot(f"front-door-{width}")

    page.get_by_role("link", name="writer").first.click()
    expect(page.get_by_role("heading", name="writer")).to_be_visible()
    expect(page.get_by_text("Green tea, mostly.")).to_be_visible()
    expect(page.get_by_role("link", name="Log in to follow")).to_be_visible()
    shot(f"public-profile-{width}")

    page.get_by_role("link", name="Rules").first.click()
    expect(page.get_by_role("heading", name="Rules")).to_be_visible()
    shot(f"rules-{width}")


def test_a_members_only_site_sends_visitors_to_log_in(site, page):
    site_settings_save(row=SiteSettings(public=False))
    UserFactory(username="writer", email="writer@example.com")

    page.goto(site)
    expect(page.get_by_text("for members only")).to_be_visible()
    page.goto(f"{site}/@writer/")
    expect(page).to_have_url(f"{site}/accounts/login/?next=/%40writer/")
