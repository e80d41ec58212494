"""The site's look at a desktop and a phone width, light and dark: the pages a member
sees most, checked by axe-core and kept as screenshots in test-results/ for a human."""

from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import transaction
from playwright.sync_api import expect

from accounts.services import follow_create
from accounts.tests.factories import UserFactory
from e2e.conftest import log_in
from messaging.services import message_send
from posts.services import post_boost, post_create, post_like

pytestmark = pytest.mark.e2e

RESULTS = Path(__file__).resolve().parent.parent / "test-results"
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def seed():
    with transaction.atomic():
        alice = UserFactory(username="alice", email="alice@example.com", about_me="Tea, trains and typefaces.")
        bob = UserFactory(username="bob", email="bob@example.com", about_me="Baker. Sourdough evangelist.")
        carol = UserFactory(username="carol", email="carol@example.com", about_me="Cycling the Alps, slowly.")
        dave = UserFactory(username="dave", email="dave@example.com")
        UserFactory(username="erin", email="erin@example.com", about_me="Birdwatcher")
        follow_create(follower=alice, followed=bob)
        follow_create(follower=alice, followed=carol)
        follow_create(follower=bob, followed=alice)
        follow_create(follower=dave, followed=carol)
        first = post_create(author=bob, body="Fresh loaf out of the oven this morning. #sourdough #baking")
        post_create(author=carol, body="Climbed the Galibier today: 2,642 m and worth every metre. #cycling")
        mine = post_create(author=alice, body="Which typeface would you pick for a train timetable? #typography")
        post_create(author=bob, body="@alice Frutiger, without a doubt.", in_reply_to=mine)
        post_create(author=carol, body="@alice DIN! It was made for exactly that. #typography", in_reply_to=mine)
        post_like(member=bob, post=mine)
        post_boost(member=carol, post=mine)
        post_like(member=alice, post=first)
        message_send(sender=bob, recipient=alice, body="Coffee on Saturday?")
    cache.clear()
    return mine


def test_the_main_pages_at_both_widths_in_both_themes(site, page, accessible):
    mine = seed()
    RESULTS.mkdir(exist_ok=True)
    log_in(page, site, "alice")
    pages = {
        "home": "/",
        "profile": "/@bob/",
        "post": f"/@alice/{mine.pk}/",
        "notifications": "/notifications/",
        "explore": "/explore/",
    }
    for width_name, size in WIDTHS.items():
        page.set_viewport_size(size)
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            for name, path in pages.items():
                page.goto(f"{site}{path}")
                expect(page.locator("html")).to_have_attribute("data-bs-theme", scheme)
                accessible(f"({width_name}, {scheme})")
                page.screenshot(path=RESULTS / f"{name}-{width_name}-{scheme}.png")
                # Nothing spills sideways.
                assert page.evaluate("document.documentElement.scrollWidth") <= size["width"], (name, width_name)
            page.goto(f"{site}/#compose")
            page.locator("#id_body").fill("Drafting a post about the new timetable font…")
            page.screenshot(path=RESULTS / f"composer-{width_name}-{scheme}.png")


# Every link and button in the content column on screen below the top bar with its centre or a
# corner under the floating compose button or the tab bar: as "tag text → what covers it".
COVERED = """() => [...document.querySelectorAll('#content a, #content button, #content select')]
  .filter(el => el.offsetParent !== null)
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.top >= document.querySelector('.app-topbar').getBoundingClientRect().bottom
                         && box.top < window.innerHeight)
  .flatMap(([el, box]) => [[box.left + 2, box.top + 2], [box.right - 2, box.top + 2], [box.left + 2, box.bottom - 2],
                           [box.right - 2, box.bottom - 2], [box.left + box.width / 2, box.top + box.height / 2]]
    .map(([x, y]) => [el, document.elementFromPoint(x, y)]))
  .filter(([el, hit]) => hit && hit.closest('.fab, .app-nav'))
  .map(([el, hit]) => `${el.tagName} ${el.textContent.trim()} → ${hit && hit.className}`)"""


def test_on_a_phone_the_compose_button_covers_nothing_at_the_end_of_the_page(site, page):
    seed()
    log_in(page, site, "alice")
    page.set_viewport_size(WIDTHS["phone"])
    page.goto(f"{site}/")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    expect(page.locator(".fab")).to_be_visible()
    assert page.evaluate(COVERED) == []
    # The last post's actions take a tap where they are (no scrolling first): liking it works.
    last = page.locator("#content article.post").last
    assert "is-liked" in last.get_attribute("class")  # alice liked bob's first post, the oldest
    last.locator("button.post-action.when-liked").click(no_wait_after=True)
    expect(last.locator("button.post-action.when-not-liked")).to_be_visible()
