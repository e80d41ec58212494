"""The post box: its counter counts as the server does, it grows, Ctrl+Enter posts, a
paste over the limit warns (nothing is cut), and an error goes once the text is valid."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from core.fields import grapheme_length
from core.tests.test_grapheme_length import SAMPLES
from e2e.conftest import log_in
from posts.models import Post

pytestmark = pytest.mark.e2e


def test_the_counter_agrees_with_the_server(site, page):
    UserFactory(username="alice", email="alice@example.com")
    log_in(page, site, "alice")
    box, counter = page.locator("#id_body"), page.locator("#post-counter")

    for text, expected in SAMPLES:
        box.fill(text)
        assert grapheme_length(text) == expected
        expect(counter).to_have_text(str(280 - expected))


def test_write_paste_and_post_from_the_keyboard(site, page, accessible):
    UserFactory(username="alice", email="alice@example.com")
    log_in(page, site, "alice")
    box, counter = page.locator("#id_body"), page.locator("#post-counter")
    warning = page.locator(".composer-warning")

    # Empty: the server says so; the message goes as soon as there is text.
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_text("Your post is empty.")).to_be_visible()
    box.press_sequentially("Hi")
    expect(page.get_by_text("Your post is empty.")).to_have_count(0)

    # The box grows with its text.
    height = box.bounding_box()["height"]
    box.fill("\n".join(f"line {n}" for n in range(8)))
    assert box.bounding_box()["height"] > height + 40

    # A paste over the limit is kept whole, with a warning.
    box.fill("")
    box.focus()
    long_text = "🙂" * 300
    page.keyboard.insert_text(long_text)
    expect(box).to_have_value(long_text)
    expect(counter).to_have_text("-20")
    expect(warning).to_be_visible()
    accessible("with the over-the-limit warning")

    # Back under the limit, Ctrl+Enter posts it.
    box.fill("🙂" * 280)
    expect(warning).to_be_hidden()
    box.press("Control+Enter")
    expect(page.locator("article.post").first).to_contain_text("🙂🙂🙂")
    assert Post.objects.get(author__username="alice").body == "🙂" * 280
