"""A member reports a post; a moderator resolves it in the admin's queue; the member
is told (issue 18)."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from posts.models import ModerationAction, Post, Report
from posts.services import post_create

pytestmark = pytest.mark.e2e


def _log_in(page, site, username):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_a_report_is_resolved_in_the_queue_and_the_reporter_told(site, page, shot, width, height):
    page.set_viewport_size({"width": width, "height": height})
    UserFactory(username="alice", email="alice@example.com")
    spammer = UserFactory(username="spammer", email="spam@example.com")
    moderator = UserFactory(username="mod", email="mod@example.com", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    spam = post_create(author=spammer, body="Buy cheap watches now!!!")
    post_create(author=spammer, body="Watches, watches, watches")

    _log_in(page, site, "alice")
    page.goto(f"{site}/explore/")
    page.locator(f"article#post-{spam.pk}").get_by_role("link", name="Report").click()
    expect(page.get_by_role("heading", name="Report a post by spammer")).to_be_visible()
    page.get_by_role("radio", name="Spam", exact=True).check()
    page.get_by_label("Anything the moderators should know? (optional)").fill("Every hour, the same ad.")
    page.get_by_label("Watches, watches, watches").check()
    shot(f"report-form-{width}")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("your report was sent to the moderators")).to_be_visible()
    report = Report.objects.get()
    assert report.posts.count() == 2

    page.context.clear_cookies()
    _log_in(page, site, "mod")
    page.goto(f"{site}/admin/posts/report/")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    shot(f"admin-report-queue-{width}")
    page.locator("#result_list tbody tr").get_by_role("link").first.click()
    expect(page.get_by_text("Every hour, the same ad.")).to_be_visible()
    expect(page.get_by_text("Buy cheap watches now!!!")).to_be_visible()
    page.get_by_label("Delete the reported posts").check()
    page.get_by_label("Why").fill("Spam: rule 1.")
    shot(f"admin-report-decision-{width}")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert Post.objects.get(pk=spam.pk).is_deleted
    assert ModerationAction.objects.get().reason == "Spam: rule 1."

    page.context.clear_cookies()
    _log_in(page, site, "alice")
    page.goto(f"{site}/notifications/")
    expect(page.get_by_text("The moderators looked at your report and closed it.")).to_be_visible()
    shot(f"report-reporter-told-{width}")
