"""With the keyboard alone: a skip link, j/k through the timeline, n to write, ? for the
list of shortcuts, Ctrl+Enter to post, Enter on Like, and the hover card on focus,
closed by Escape. No shortcut fires while typing."""

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from e2e.conftest import log_in
from posts.services import post_create

pytestmark = pytest.mark.e2e


def test_a_member_reads_posts_likes_and_follows_with_the_keyboard(site, page, accessible):
    UserFactory(username="alice", email="alice@example.com")
    carol = UserFactory(username="carol", email="carol@example.com", about_me="Cyclist")
    older = post_create(author=carol, body="First climb of the year.")
    newer = post_create(author=carol, body="Second climb, steeper.")
    log_in(page, site, "alice")
    page.goto(f"{site}/explore/")

    # The first Tab reaches the skip link, which jumps past the navigation.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#content")).to_be_focused()

    page.keyboard.press("j")
    expect(page.locator(f"#post-{newer.pk}")).to_be_focused()
    page.keyboard.press("j")
    expect(page.locator(f"#post-{older.pk}")).to_be_focused()
    page.keyboard.press("k")
    expect(page.locator(f"#post-{newer.pk}")).to_be_focused()

    # Like from the keyboard: Tab into the post's buttons, Enter.
    like = page.locator(f"#post-{newer.pk}").get_by_role("button", name="Like")
    like.focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#post-{newer.pk}")).to_have_class(re.compile(r"\bis-liked\b"))

    # The hover card opens on focus, closes with Escape, and follows from the keyboard.
    name = page.locator(f"#post-{newer.pk} a.fw-semibold", has_text="carol")
    name.focus()
    card = page.locator(".popover .user-popover")
    expect(card).to_be_visible()
    page.keyboard.press("Escape")
    expect(card).to_have_count(0)

    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    accessible("with the shortcuts dialog open")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)

    # n goes to the box (on the home page); typing j or n there types them.
    page.keyboard.press("n")
    expect(page).to_have_url(f"{site}/#compose")
    page.wait_for_load_state("load")
    box = page.locator("#id_body")
    expect(box).to_be_focused()
    page.keyboard.type("just a joke, no new line")
    expect(box).to_have_value("just a joke, no new line")
    page.keyboard.press("Control+Enter")
    expect(page.locator("article.post").first).to_contain_text("just a joke, no new line")
