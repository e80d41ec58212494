"""A member posts two photos with alt text, looks at them in the grid and the
lightbox (keyboard only), then posts behind a content warning."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.e2e


def _photo(path, size, colour):
    image = Image.new("RGB", size, colour)
    image.paste((250, 250, 250), (size[0] // 3, size[1] // 3, size[0] // 2, size[1] // 2))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    path.write_bytes(out.getvalue())
    return str(path)


def _log_in(page, site, username):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_a_member_posts_photos_and_a_content_warning(site, page, shot, tmp_path, viewport):
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    width = viewport[0]
    UserFactory(username="alice", email="alice@example.com")
    _log_in(page, site, "alice")

    page.get_by_text("Add images (up to 4)").click()
    # Only the alt fields of chosen images show (four without JavaScript).
    expect(page.get_by_label("Alt text of image 1")).to_be_hidden()
    page.get_by_label("JPEG, PNG, WebP or GIF").set_input_files(
        [
            _photo(tmp_path / "sea.jpg", (2400, 1600), (30, 90, 160)),
            _photo(tmp_path / "tree.jpg", (1200, 1600), (40, 120, 50)),
        ]
    )
    expect(page.locator(".composer-previews img")).to_have_count(2)
    expect(page.get_by_label("Alt text of image 3")).to_be_hidden()
    expect(page.get_by_text("Some images have no alt text yet")).to_be_visible()
    page.get_by_label("Alt text of image 1").fill("A calm blue sea under a white sun")
    page.get_by_label("Alt text of image 2").fill("A green tree, seen from below")
    expect(page.get_by_text("Some images have no alt text yet")).to_be_hidden()
    page.get_by_label("Say something").fill("Two photos from the weekend")
    shot(f"media-composer-{width}")
    page.get_by_role("button", name="Post", exact=True).click()

    # Tasks run eagerly here, so the post's answer waits for both images' processing.
    expect(page.get_by_text("Your post is now live!")).to_be_visible(timeout=20_000)
    grid = page.locator(".media-grid-2").first
    expect(grid.locator("img")).to_have_count(2)
    first = grid.get_by_role("img", name="A calm blue sea under a white sun")
    expect(first).to_have_attribute("width", "640")
    expect(first).to_have_attribute("loading", "lazy")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.media-grid img')].every(i => i.complete && i.naturalWidth > 0)"
    )
    shot(f"media-grid-{width}")

    # The lightbox by keyboard: Enter on the focused image, arrows, Escape.
    grid.locator("a").first.focus()
    page.keyboard.press("Enter")
    viewer = page.get_by_role("dialog", name="Image viewer")
    expect(viewer).to_be_visible()
    expect(viewer.locator("figcaption")).to_have_text("A calm blue sea under a white sun")
    page.wait_for_function("() => document.querySelector('.lightbox img').naturalWidth === 1920")
    shot(f"media-lightbox-{width}")
    page.keyboard.press("ArrowRight")
    expect(viewer.locator("figcaption")).to_have_text("A green tree, seen from below")
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    expect(grid.locator("a").first).to_be_focused()

    # A post behind a content warning: the body shows only after "Show more".
    page.get_by_text("Add a content warning").click()
    page.get_by_label("Content warning").fill("Spoilers for the season finale")
    page.get_by_label("Say something").fill("The detective was the narrator all along")
    page.get_by_role("button", name="Post", exact=True).click()
    warned = page.locator("article.post").first
    expect(warned).to_contain_text("Spoilers for the season finale")
    expect(warned.get_by_text("The detective was the narrator all along")).to_be_hidden()
    shot(f"media-cw-closed-{width}")
    warned.get_by_text("Show more").click()
    expect(warned.get_by_text("The detective was the narrator all along")).to_be_visible()
    expect(warned.get_by_text("Show less")).to_be_visible()


def test_a_reply_carries_a_photo_with_its_alt_text(site, page, shot, tmp_path):
    from posts.services import post_create

    bob = UserFactory(username="bob", email="bob@example.com")
    post = post_create(author=bob, body="Show me your garden")
    UserFactory(username="alice", email="alice@example.com")
    _log_in(page, site, "alice")

    page.goto(f"{site}/@bob/{post.pk}/")
    reply = page.locator("form#reply")
    reply.get_by_text("Add images (up to 4)").click()
    reply.get_by_label("JPEG, PNG, WebP or GIF").set_input_files(
        [_photo(tmp_path / "roses.jpg", (1600, 1200), (180, 40, 60))]
    )
    reply.get_by_label("Alt text of image 1").fill("Red roses along a fence")
    reply.get_by_label("Say something").fill("Here are the roses")
    reply.get_by_role("button", name="Reply", exact=True).click()

    expect(page.get_by_text("Your reply is now live!")).to_be_visible(timeout=20_000)
    answer = page.locator("article.post", has_text="Here are the roses")
    expect(answer.get_by_role("img", name="Red roses along a fence")).to_be_visible()
    shot("media-reply-1280")
