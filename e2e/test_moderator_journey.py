"""A moderator finds an abusive post in the admin and removes it, then deactivates its author."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.models import User
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from posts.models import Post
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.e2e


def test_a_moderator_removes_a_post_and_deactivates_its_author(site, page, shot):
    moderator = UserFactory(username="mod", email="mod@example.com", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    spammer = UserFactory(username="spammer", email="spam@example.com")
    PostFactory(author=spammer, body="Buy cheap watches now!!!")
    PostFactory(body="A perfectly nice post.")

    # The admin sends visitors to the site's (rate-limited) login, then back.
    page.goto(f"{site}/admin/")
    page.get_by_label("Username or email").fill("mod")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#posts-post")).to_be_visible()
    shot("admin-index-moderator")

    page.locator("#posts-post").get_by_role("link", name="Posts").click()
    page.locator("#searchbar").fill("watches")
    page.locator("#searchbar").press("Enter")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    shot("admin-posts-search")
    page.locator("#result_list tbody tr input[type=checkbox]").check()
    page.locator("select[name=action]").select_option("delete_selected")
    page.get_by_role("button", name="Go").click()
    page.get_by_role("button", name="Yes, I’m sure").click()
    expect(page.locator(".messagelist")).to_contain_text("Successfully deleted 1 post")
    assert not Post.objects.filter(author=spammer).exists()

    page.goto(f"{site}/admin/accounts/user/?q=spammer")
    page.locator("#result_list tbody tr input[type=checkbox]").check()
    page.locator("select[name=action]").select_option("deactivate")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text(re.compile(r"1 member deactivated"))
    assert not User.objects.get(pk=spammer.pk).is_active


def test_a_member_who_is_not_staff_cannot_use_the_admin(site, page):
    UserFactory(username="alice", email="alice@example.com")
    page.goto(f"{site}/admin/")
    page.get_by_label("Username or email").fill("alice")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # Logged in, but the admin refuses her.
    expect(page.get_by_role("heading", name="Forbidden")).to_be_visible()
