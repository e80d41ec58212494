"""Mention someone who then sees the notification; click a hashtag and follow it."""

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from posts.services import post_create

pytestmark = pytest.mark.e2e


def log_in(page, site, username):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=f"Hi, {username}!")).to_be_visible()


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_a_mentioned_member_sees_the_notification(site, page, shot):
    UserFactory(username="alice", email="alice@example.com")
    erik = UserFactory(username="erik_1", email="erik@example.com")
    for n in range(3):  # likes of one of erik's posts, to show a grouped entry
        post_create(author=UserFactory(username=f"fan{n}"), body=f"Nice to meet you #hello {n}")
    mine = post_create(author=erik, body="My first post")
    from messaging.models import Notice
    from messaging.services import notice_add

    for n in range(3):
        from accounts.models import User

        notice_add(
            recipient=erik, kind=Notice.Kind.LIKE, actor=User.objects.get(username=f"fan{n}"), subject_id=mine.pk
        )

    log_in(page, site, "alice")
    page.get_by_label("Say something").fill(
        "#hello @Erik_1 see https://example.com/a/very/long/path/that/gets/shortened"
    )
    page.get_by_role("button", name="Post", exact=True).click()
    body = page.locator(".post-body").first
    expect(body.get_by_role("link", name="@Erik_1")).to_have_attribute("href", "/user/erik_1/")
    expect(body.get_by_role("link", name="#hello")).to_have_attribute("href", "/tags/hello/")
    link = body.get_by_role("link", name=re.compile("example.com"))
    expect(link).to_have_attribute("rel", "nofollow noopener ugc")
    expect(link).to_have_text(re.compile("…$"))
    log_out(page)

    log_in(page, site, "erik_1")
    expect(page.locator("#notice-badge")).to_have_text("4")
    page.get_by_role("link", name="Notifications").click()
    expect(page.get_by_text("alice mentioned you")).to_be_visible()
    expect(page.get_by_text("and 2 others liked your post")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    shot("tags-notifications-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("tags-notifications-390")
    expect(page.locator("#notice-badge")).to_be_hidden()  # opening the page read them
    page.get_by_role("link", name="Mentions").click()
    expect(page.locator(".notice")).to_have_count(1)


def test_click_a_hashtag_and_follow_it(site, page, shot):
    UserFactory(username="bob", email="bob@example.com")
    stranger = UserFactory(username="carol", email="carol@example.com")
    post_create(author=stranger, body="Morning #Coffee time")
    post_create(author=stranger, body="Another #coffee, and #tea")

    log_in(page, site, "bob")
    expect(page.get_by_text("Morning #Coffee time")).to_have_count(0)  # bob follows nobody
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Explore").click()
    expect(page.get_by_role("link", name="#coffee").first).to_be_visible()  # trending
    page.set_viewport_size({"width": 1280, "height": 900})
    shot("tags-explore-1280")
    page.locator(".post-body").get_by_role("link", name="#Coffee", exact=True).click()
    expect(page).to_have_url(f"{site}/tags/coffee/")
    expect(page.get_by_role("heading", name="#coffee")).to_be_visible()
    expect(page.locator(".tag-count")).to_have_text("2 posts")
    page.get_by_role("button", name="Follow hashtag").click()
    expect(page.get_by_role("alert")).to_contain_text("You are following #coffee")
    expect(page.get_by_role("button", name="Unfollow hashtag")).to_be_visible()
    shot("tags-tag-page-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("tags-tag-page-390")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{site}/")
    expect(page.get_by_text("Morning #Coffee time")).to_be_visible()
    page.get_by_label("Search posts and people").first.fill("#Tea")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site}/tags/tea/")
