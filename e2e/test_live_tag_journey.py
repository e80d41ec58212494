"""Live updates in Chromium against the real stream service (uvicorn, in a thread beside
the live server): the "new posts" button on a tag page, and a hidden tab that stops
streaming and catches up when it is shown again."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from e2e.test_messaging_journey import _log_in
from posts.services import post_create

pytestmark = pytest.mark.e2e


def _hide(page, hidden: bool):
    """What the browser does when the tab goes to the background (or comes back)."""
    page.evaluate(
        """(hidden) => {
            Object.defineProperty(document, "hidden", {configurable: true, get: () => hidden});
            const state = hidden ? "hidden" : "visible";
            Object.defineProperty(document, "visibilityState", {configurable: true, get: () => state});
            document.dispatchEvent(new Event("visibilitychange"));
        }""",
        hidden,
    )


def test_a_tag_page_offers_new_posts_and_a_hidden_tab_catches_up(site, live_stream, page, shot):
    UserFactory(username="alice", email="alice@example.com")
    bob = UserFactory(username="bob", email="bob@example.com")
    post_create(author=bob, body="The first #tea")
    opened = []
    page.on("request", lambda request: request.url.startswith(live_stream) and opened.append(request.url))
    _log_in(page, site, "alice")
    page.goto(f"{site}/tags/tea/")
    expect(page.locator("body[data-live=stream]")).to_have_count(1, timeout=10_000)
    assert "timelines=tag%3Atea" in opened[-1]

    post_create(author=bob, body="A second #tea")
    button = page.locator(".new-posts")
    expect(button).to_have_text("1 new post", timeout=5_000)
    page.set_viewport_size({"width": 1280, "height": 800})
    shot("tag-new-posts-desktop")
    button.click()
    expect(page.locator(".post").first).to_contain_text("A second #tea")
    expect(button).to_be_hidden()

    # In the background the tab closes its stream; what is published meanwhile comes
    # when it is shown again (replayed from Last-Event-ID).
    _hide(page, True)
    streams_before = len(opened)
    post_create(author=bob, body="While you were away #tea")
    page.wait_for_timeout(1000)
    expect(button).to_be_hidden()
    _hide(page, False)
    expect(button).to_have_text("1 new post", timeout=5_000)
    assert len(opened) == streams_before + 1 and "last_event_id=" in opened[-1]
    page.set_viewport_size({"width": 390, "height": 844})
    shot("tag-new-posts-phone")
