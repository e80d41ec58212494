"""A member sets up their profile (avatar, header, display name, fields), then opens
their follower list and follows someone back from it."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from accounts.models import Follow
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.e2e


def _picture(path, size, colour):
    image = Image.new("RGB", size, colour)
    image.paste((255, 220, 120), (size[0] // 4, size[1] // 4, size[0] * 3 // 4, size[1] * 3 // 4))
    out = io.BytesIO()
    image.save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_a_member_sets_up_a_profile_and_follows_back_from_the_list(site, page, shot, tmp_path, viewport):
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    alice = UserFactory(username="alice", email="alice@example.com")
    bob = UserFactory(username="bob", email="bob@example.com", display_name="Bob Marley")
    Follow.objects.create(follower=bob, followed=alice)

    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username or email").fill("alice")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{site}/profile/edit/")
    page.get_by_label("Display name").fill("Alice Liddell 🐇")
    page.get_by_label("About me").fill("Down the rabbit hole. Notes at https://wonder.example/")
    page.get_by_label("Label 1").fill("Pronouns")
    page.get_by_label("Content 1").fill("she/her")
    page.get_by_label("Avatar").set_input_files(_picture(tmp_path / "me.jpg", (900, 600), (120, 60, 160)))
    page.get_by_label("Header").set_input_files(_picture(tmp_path / "sky.jpg", (2400, 1200), (40, 110, 200)))
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="Alice Liddell 🐇")).to_be_visible()
    expect(page.get_by_text("@alice", exact=True)).to_be_visible()
    expect(page.locator('.profile-bio a[href="https://wonder.example/"]')).to_be_visible()
    expect(page.get_by_text("she/her")).to_be_visible()
    header = page.locator("img.profile-header")
    avatar = page.locator("img.avatar").first
    # No broken image; a lazy one below the fold (the phone layout) may not have loaded yet.
    page.wait_for_function(
        "() => [...document.images].every(i => i.complete ? i.naturalWidth > 0 : i.loading === 'lazy')"
    )
    assert header.evaluate("i => i.naturalWidth") == 1500
    assert avatar.evaluate("i => i.src").endswith(".webp")
    shot(f"profile-{viewport[0]}")

    page.get_by_role("link", name="1 follower").click()
    row = page.locator(".follow-list li", has_text="Bob Marley")
    expect(row).to_contain_text("@bob")
    shot(f"followers-{viewport[0]}")
    row.get_by_role("button", name="Follow bob").click()
    expect(page.get_by_text("You are following bob.")).to_be_visible()
    expect(
        page.locator(".follow-list li", has_text="Bob Marley").get_by_role("button", name="Unfollow bob")
    ).to_be_visible()
    assert Follow.objects.filter(follower=alice, followed=bob).exists()
