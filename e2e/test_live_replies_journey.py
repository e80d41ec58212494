"""Live replies on a post page, in Chromium against the real stream service: one member
answers from their own browser; the other, reading further down the same post page,
gets the "1 new reply" button, and a click puts the reply at the top of the replies
(newest first, as the page lists them) without moving what they were reading. A reply
that arrives while the button's page is on its way stays announced."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from e2e.test_messaging_journey import _log_in
from posts.services import post_create

pytestmark = pytest.mark.e2e


def test_a_reply_is_announced_and_inserted_without_moving_the_reader(site, live_stream, page, browser, shot):
    alice = UserFactory(username="alice", email="alice@example.com")
    UserFactory(username="bob", email="bob@example.com")
    carol = UserFactory(username="carol", email="carol@example.com")
    post = post_create(author=alice, body="What do you brew on a cold morning?")
    for number in range(12):
        post_create(author=carol, body=f"Answer {number}: " + "a long thought about tea " * 8, in_reply_to=post)
    url = f"{site}{post.get_absolute_url()}"

    page.set_viewport_size({"width": 1280, "height": 800})
    _log_in(page, site, "alice")
    page.goto(url)
    expect(page.locator("body[data-live=stream]")).to_have_count(1, timeout=10_000)
    expect(page.locator("#reply-count")).to_have_text("12 replies")
    # Alice reads further down: "Answer 3" is where her eyes are.
    reading = page.locator(".post", has_text="Answer 3:")
    reading.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy({top: 200, behavior: 'instant'})")
    top_before = reading.evaluate("element => element.getBoundingClientRect().top")

    bob_context = browser.new_context()
    bob = bob_context.new_page()
    _log_in(bob, site, "bob")
    bob.goto(url)
    bob.locator("#reply textarea[name=body]").fill("Genmaicha, always.")
    bob.locator("#reply").get_by_role("button", name="Reply").click()
    expect(bob.locator(".reply-branch").first).to_contain_text("Genmaicha, always.")
    bob_context.close()

    button = page.locator(".new-posts")
    expect(button).to_have_text("1 new reply", timeout=5_000)
    # Nothing moved while the button appeared.
    assert reading.evaluate("element => element.getBoundingClientRect().top") == top_before
    shot("post-new-reply-desktop")

    # Alice clicks; the page with Genmaicha is on its way when Carol's reply comes in.
    held = []
    page.route(url, lambda route: held.append(route))
    button.click()
    for _ in range(200):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the button fetched no page"
    fetched = held[0].fetch()
    post_create(author=carol, body="Hojicha after dark.", in_reply_to=post)
    expect(button).to_have_text("2 new replies", timeout=10_000)
    held[0].fulfill(response=fetched)
    page.unroute(url)

    first = page.locator(".replies.feed .live-posts > .reply-branch").first
    expect(first).to_contain_text("Genmaicha, always.")
    expect(page.locator("#reply-count")).to_have_text("13 replies")
    # The reply went in above, out of sight; what Alice was reading stayed where it was.
    assert abs(reading.evaluate("element => element.getBoundingClientRect().top") - top_before) <= 1
    assert page.locator(".post", has_text="Genmaicha").count() == 1
    # Carol's reply was not in that page: it is still announced.
    expect(button).to_have_text("1 new reply")

    # On a phone, the same page: the button is in reach and brings Carol's reply.
    page.set_viewport_size({"width": 390, "height": 844})
    expect(button).to_be_visible()
    shot("post-new-reply-phone")
    button.click()
    expect(button).to_be_hidden()
    expect(first).to_contain_text("Hojicha after dark.")
    expect(page.locator(".replies.feed .live-posts > .reply-branch").nth(1)).to_contain_text("Genmaicha, always.")
    expect(page.locator("#reply-count")).to_have_text("14 replies")
