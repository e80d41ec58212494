"""A member blocks a harasser from their profile and never sees them again: gone from
home, Explore and notifications (issue 18)."""

import pytest
from playwright.sync_api import expect

from accounts.services import follow_create
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from posts.services import post_boost, post_create, post_like

pytestmark = pytest.mark.e2e


def _log_in(page, site, username):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_a_member_blocks_a_harasser_and_sees_them_nowhere(site, page, shot, width, height):
    page.set_viewport_size({"width": width, "height": height})
    alice = UserFactory(username="alice", email="alice@example.com")
    troll = UserFactory(username="troll", email="troll@example.com")
    friend = UserFactory(username="friend", email="friend@example.com")
    follow_create(follower=alice, followed=troll)
    follow_create(follower=alice, followed=friend)
    mine = post_create(author=alice, body="My garden is blooming.")
    nasty = post_create(author=troll, body="Nobody cares about your garden @alice")
    post_like(member=troll, post=mine)
    post_boost(member=friend, post=nasty)
    post_create(author=friend, body="Lovely roses!")

    _log_in(page, site, "alice")
    expect(page.get_by_text("Nobody cares about your garden").first).to_be_visible()
    page.goto(f"{site}/user/troll/")
    page.get_by_label("More actions for troll").click()
    shot(f"block-profile-menu-{width}")
    page.get_by_role("button", name="Block troll").click()
    expect(page.get_by_text("You blocked troll.")).to_be_visible()
    expect(page.get_by_text("You blocked this member.")).to_be_visible()
    expect(page.get_by_role("button", name="Unblock")).to_be_visible()
    shot(f"block-profile-blocked-{width}")

    page.goto(f"{site}/")
    expect(page.get_by_text("Lovely roses!")).to_be_visible()
    expect(page.get_by_text("Nobody cares about your garden")).to_have_count(0)
    shot(f"block-home-after-{width}")
    page.goto(f"{site}/explore/")
    expect(page.get_by_text("My garden is blooming.")).to_be_visible()
    expect(page.get_by_text("Nobody cares about your garden")).to_have_count(0)
    page.goto(f"{site}/notifications/")
    expect(page.get_by_text("troll")).to_have_count(0)
    shot(f"block-notifications-after-{width}")

    # The settings page lists the block and undoes it.
    page.goto(f"{site}/settings/safety/")
    expect(page.get_by_role("heading", name="Blocked members")).to_be_visible()
    expect(page.get_by_role("link", name="troll")).to_be_visible()
    shot(f"safety-settings-{width}")
    assert alice.blocks_made.count() == 1
