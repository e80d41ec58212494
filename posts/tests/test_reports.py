"""Reports and the moderation queue (issue 18): reporting a post or member, the
refusals, the admin queue's actions, the audit log and the reporter's notifications."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from messaging.models import Notice
from posts.models import ModerationAction, Post, Report
from posts.moderation import ModerationError, ReportError, member_unsuspend, report_create, report_resolve
from posts.services import post_create, post_delete

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    member = UserFactory(username="mod", is_staff=True)
    member.groups.add(Group.objects.get(name="Moderators"))
    return member


@pytest.fixture
def mod_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def test_reporting_a_post_attaches_it_and_more_and_confirms(alice, bob, bob_client):
    post = post_create(author=alice, body="Rude words")
    older = post_create(author=alice, body="More rude words")
    response = bob_client.post(
        reverse("posts:report", args=[post.pk]),
        {"reason": "harassment", "comment": "Again and again", "posts": [older.pk]},
        follow=True,
    )
    assert "your report was sent to the moderators" in response.text
    report = Report.objects.get()
    assert (report.reporter, report.target, report.reason) == (bob, alice, "harassment")
    assert report.comment == "Again and again"
    assert set(report.posts.values_list("pk", flat=True)) == {post.pk, older.pk}
    assert Notice.objects.filter(recipient=bob, kind=Notice.Kind.REPORT_RECEIVED, subject_id=report.pk).exists()
    assert "your report was received" in bob_client.get(reverse("posts:notifications")).text


def test_reporting_a_member_from_their_profile(alice, bob_client):
    page = bob_client.get(reverse("posts:user", args=["alice"])).text
    assert reverse("posts:member-report", args=["alice"]) in page
    response = bob_client.post(reverse("posts:member-report", args=["alice"]), {"reason": "spam"})
    assert response.status_code == 302
    assert Report.objects.get().target == alice


def test_own_deleted_and_others_posts_are_refused(alice, bob, charlie):
    mine = post_create(author=bob, body="Mine")
    with pytest.raises(ReportError):
        report_create(reporter=bob, post=mine, reason="spam")
    gone = post_create(author=alice, body="Gone")
    post_delete(post=gone)
    with pytest.raises(ReportError):
        report_create(reporter=bob, post=Post.objects.get(pk=gone.pk), reason="spam")
    theirs = post_create(author=alice, body="Hers")
    with pytest.raises(ReportError):
        report_create(reporter=bob, post=theirs, reason="spam", post_ids=[post_create(author=charlie, body="x").pk])
    with pytest.raises(ReportError):
        report_create(reporter=bob, post=theirs, reason="nonsense")
    extra = [post_create(author=alice, body=f"p{i}").pk for i in range(5)]
    with pytest.raises(ReportError, match="at most 5"):
        report_create(reporter=bob, post=theirs, reason="spam", post_ids=extra)
    assert not Report.objects.exists()


def test_the_report_page_refuses_your_own_post_and_a_missing_reason(alice, alice_client, bob_client):
    post = post_create(author=alice, body="Mine")
    response = alice_client.get(reverse("posts:report", args=[post.pk]), follow=True)
    assert "report yourself" in response.text
    response = bob_client.post(reverse("posts:report", args=[post.pk]), {"comment": "x"})
    assert response.status_code == 400 and "This field is required." in response.text
    assert not Report.objects.exists()


def test_reporting_is_rate_limited(alice, bob, settings):
    settings.REPORTS_PER_HOUR = 3
    post = post_create(author=alice, body="Spam")
    refused = 0
    for _ in range(100):
        try:
            report_create(reporter=bob, post=post, reason="spam")
        except ReportError:
            refused += 1
    assert Report.objects.count() == 3 and refused == 97


def test_the_report_pages_need_a_login_and_refuse_other_methods(client, alice, bob_client):
    post = post_create(author=alice, body="x")
    response = client.get(reverse("posts:report", args=[post.pk]))
    assert response.status_code == 302 and "/login/" in response.url
    assert bob_client.put(reverse("posts:report", args=[post.pk])).status_code == 405
    assert bob_client.get(reverse("posts:report", args=[99999])).status_code == 404


def _queue_post(client, report, decision, reason="Broke rule 2"):
    url = reverse("admin:posts_report_change", args=[report.pk])
    return client.post(url, {"decision": decision, "decision_reason": reason}, follow=True)


def test_the_queue_lists_open_reports_newest_first_with_counts(alice, bob, charlie, mod_client, moderator):
    first = report_create(reporter=bob, target=alice, reason="spam", comment="first one")
    report_create(reporter=charlie, target=alice, reason="other", comment="second one")
    closed = report_create(reporter=charlie, target=bob, reason="spam", comment="closed one")
    report_resolve(report=closed, moderator=moderator, kind="dismiss", reason="fine")
    page = mod_client.get(reverse("admin:posts_report_changelist")).text
    assert page.index("second one") < page.index("first one")
    assert "closed one" not in page
    detail = mod_client.get(reverse("admin:posts_report_change", args=[first.pk])).text
    assert "other open reports about this member" in detail.lower()


def test_the_queue_costs_the_same_queries_for_many_reports(alice, bob, mod_client, django_assert_max_num_queries):
    report_create(reporter=bob, target=alice, reason="spam")
    url = reverse("admin:posts_report_changelist")
    mod_client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        mod_client.get(url)
    for member in UserFactory.create_batch(10):
        report_create(reporter=member, target=alice, reason="spam")
    with django_assert_max_num_queries(len(one)):
        assert mod_client.get(url).status_code == 200


def test_deleting_the_posts_closes_the_report_logs_it_and_tells_the_reporter(alice, bob, bob_client, mod_client):
    post = post_create(author=alice, body="Nasty")
    report = report_create(reporter=bob, post=post, reason="harassment")
    page = mod_client.get(reverse("admin:posts_report_change", args=[report.pk])).text
    assert "Nasty" in page
    _queue_post(mod_client, report, "delete_posts")
    assert Post.objects.get(pk=post.pk).is_deleted
    report.refresh_from_db()
    assert report.status == "closed" and report.outcome == "delete_posts"
    action = ModerationAction.objects.get()
    assert (action.kind, action.reason, action.post_ids) == ("delete_posts", "Broke rule 2", [post.pk])
    assert "looked at your report" in bob_client.get(reverse("posts:notifications")).text


def test_a_warning_is_shown_at_the_next_login_once(alice, bob, moderator, client):
    report = report_create(reporter=bob, target=alice, reason="spam")
    report_resolve(report=report, moderator=moderator, kind="warn", reason="Please stop posting ads.")
    login = reverse("account_login")
    response = client.post(login, {"login": "alice", "password": DEFAULT_PASSWORD}, follow=True)
    assert "A moderator warned you: Please stop posting ads." in response.text
    client.logout()
    response = client.post(login, {"login": "alice", "password": DEFAULT_PASSWORD}, follow=True)
    assert "A moderator warned you" not in response.text


def test_a_suspension_stops_login_hides_content_and_can_be_lifted(alice, bob, bob_client, moderator, client):
    post_create(author=alice, body="Hidden soon")
    report = report_create(reporter=bob, target=alice, reason="spam")
    report_resolve(report=report, moderator=moderator, kind="suspend", reason="Spam wave")
    alice.refresh_from_db()
    assert not alice.is_active
    assert "Hidden soon" not in bob_client.get(reverse("posts:explore")).text
    assert not client.login(username="alice", password=DEFAULT_PASSWORD)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    member_unsuspend(moderator=superuser, member=alice, reason="Appeal accepted")
    assert "Hidden soon" in bob_client.get(reverse("posts:explore")).text
    assert list(ModerationAction.objects.order_by("created").values_list("kind", flat=True)) == ["suspend", "unsuspend"]


def test_moderators_cannot_act_on_staff(bob, moderator, mod_client):
    staff = UserFactory(is_staff=True)
    report = report_create(reporter=bob, target=staff, reason="spam")
    with pytest.raises(ModerationError):
        report_resolve(report=report, moderator=moderator, kind="suspend", reason="x")
    response = _queue_post(mod_client, report, "suspend")
    assert "Only superusers can act on staff accounts." in response.text
    staff.refresh_from_db()
    assert staff.is_active and not ModerationAction.objects.exists()
    report_resolve(report=report, moderator=moderator, kind="dismiss", reason="Not a problem")
    assert Report.objects.get().status == "closed"


def test_a_closed_report_cannot_be_resolved_again(alice, bob, moderator):
    report = report_create(reporter=bob, target=alice, reason="spam")
    report_resolve(report=report, moderator=moderator, kind="dismiss", reason="ok")
    with pytest.raises(ModerationError):
        report_resolve(report=report, moderator=moderator, kind="suspend", reason="again")
    assert ModerationAction.objects.count() == 1


def test_the_audit_log_is_for_superusers_only(alice, bob, moderator, mod_client, client):
    report = report_create(reporter=bob, target=alice, reason="spam")
    report_resolve(report=report, moderator=moderator, kind="warn", reason="Be nice")
    url = reverse("admin:posts_moderationaction_changelist")
    assert mod_client.get(url).status_code == 403
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(url).text
    assert "Be nice" in page and "mod" in page
