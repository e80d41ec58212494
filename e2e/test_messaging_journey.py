"""Private messages with the live unread badge, and an export with its progress bar."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from messaging.tests.factories import MessageFactory
from posts.models import Post

pytestmark = pytest.mark.e2e


def _log_in(tab, site, username):
    tab.goto(f"{site}/accounts/login/")
    tab.get_by_label("Username or email").fill(username)
    tab.get_by_label("Password").fill(DEFAULT_PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    expect(tab.get_by_role("heading", name=f"Hi, {username}!")).to_be_visible()


@pytest.fixture
def fast_poll(settings):
    settings.NOTIFICATIONS_POLL_SECONDS = 1


def test_a_message_lights_up_the_badge_without_a_reload(site, page, browser, shot, fast_poll):
    UserFactory(username="alice", email="alice@example.com")
    UserFactory(username="bob", email="bob@example.com")
    _log_in(page, site, "bob")
    badge = page.locator("#unread-badge")
    expect(badge).to_be_hidden()

    # Alice writes from her own browser while Bob's page stays open.
    alice_context = browser.new_context()
    alice_tab = alice_context.new_page()
    _log_in(alice_tab, site, "alice")
    alice_tab.goto(f"{site}/user/bob/")
    alice_tab.get_by_role("link", name="Send private message").click()
    alice_tab.get_by_label("Message").fill("Lunch on Friday? <b>not bold</b>")
    alice_tab.get_by_role("button", name="Send").click()
    expect(alice_tab.get_by_role("alert")).to_contain_text("Your message to bob has been sent.")
    alice_context.close()

    expect(badge).to_have_text("1", timeout=5000)
    expect(badge).to_be_visible()
    shot("badge-appears")

    page.get_by_role("link", name=re.compile("Messages")).click()
    expect(page.locator(".message .post-body")).to_have_text(["Lunch on Friday? <b>not bold</b>"])
    expect(page.locator("#unread-badge")).to_be_hidden()
    shot("inbox")

    page.get_by_role("link", name="Reply").click()
    expect(page.get_by_role("heading", name="Message to alice")).to_be_visible()


def test_an_export_shows_its_progress_bar_until_done(site, page, shot, fast_poll, celery_worker_on, settings, tmp_path):
    settings.JOB_RESULTS_DIR = tmp_path
    bob = UserFactory(username="bob", email="bob@example.com")
    Post.objects.bulk_create(Post(author=bob, body=f"post {n}") for n in range(3000))
    _log_in(page, site, "bob")
    page.goto(f"{site}/user/bob/")

    with celery_worker_on("memory://"):
        page.get_by_role("button", name="Export my posts").click()
        expect(page.get_by_role("alert")).to_contain_text("Your export has started.")
        status = page.locator("#job-status")
        expect(status).to_be_visible()
        expect(status.get_by_role("link", name="Download")).to_be_visible(timeout=15000)
        expect(status.locator("progress")).to_have_attribute("value", "100")
        expect(page.get_by_role("button", name="Export my posts")).to_be_enabled()
        shot("export-done")
        # The email is a second task on the same worker.
        for _ in range(50):
            if mail.outbox:
                break
            page.wait_for_timeout(100)

    assert mail.outbox and mail.outbox[0].to == ["bob@example.com"]
    with page.expect_download() as download:
        status.get_by_role("link", name="Download").click()
    assert download.value.suggested_filename.startswith("microblog-export_posts-bob-")


def test_the_inbox_pages_to_older_messages_and_back(site, page, shot):
    alice = UserFactory(username="alice", email="alice@example.com")
    senders = UserFactory.create_batch(3)
    now = timezone.now()
    for n in range(30):  # 25 a page: two pages, the oldest five on the second
        MessageFactory(
            sender=senders[n % 3], recipient=alice, body=f"Message number {n}.", created=now - timedelta(minutes=n)
        )
    _log_in(page, site, "alice")

    page.get_by_role("link", name=re.compile("Messages")).click()
    expect(page.locator(".message")).to_have_count(25)
    expect(page.locator(".message .post-body").first).to_have_text("Message number 0.")
    expect(page.locator(".message .badge")).to_have_count(25)  # all new on the first visit
    shot("inbox-page-1")

    page.get_by_role("link", name="Older").click()
    expect(page.locator(".message .post-body")).to_have_text([f"Message number {n}." for n in range(25, 30)])
    expect(page.locator(".message .badge")).to_have_count(0)  # the first visit read them all
    shot("inbox-page-2")

    page.get_by_role("link", name="Newest").click()
    expect(page.locator(".message .post-body").first).to_have_text("Message number 0.")
    expect(page.locator(".message .badge")).to_have_count(0)
