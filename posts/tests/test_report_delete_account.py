"""The moderation queue's "delete the account" decision (issue 18): moderators only, with the
member's username typed as confirmation, logged in the audit log (which outlives the
account), through accounts.deletion's task; the reporter is told."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import ReservedUsername, User
from accounts.tests.factories import UserFactory
from posts.models import ModerationAction, Post, Report
from posts.moderation import report_create
from posts.services import post_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _search_index(db, search_index):
    # The deletion task takes the member out of the search index: it must exist.
    call_command("rebuild_index", interactive=False, verbosity=0)


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


@pytest.fixture
def report(alice, bob):
    post_create(author=alice, body="Spam, spam and spam")
    return report_create(reporter=bob, target=alice, reason="spam")


def _decide(client, report, confirm, capture):
    url = reverse("admin:posts_report_change", args=[report.pk])
    data = {"decision": "delete_account", "decision_reason": "Spam account", "confirm_username": confirm}
    with capture(execute=True):
        return client.post(url, data, follow=True)


def test_the_queue_deletes_the_account_logs_it_and_tells_the_reporter(
    alice, bob, bob_client, moderator, mod_client, report, django_capture_on_commit_callbacks
):
    response = _decide(mod_client, report, "alice", django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert not User.objects.filter(pk=alice.pk).exists()  # the task ran after commit
    assert not Post.objects.filter(body__contains="Spam").exists()
    assert ReservedUsername.objects.filter(username="alice").exists()
    action = ModerationAction.objects.get()
    assert (action.kind, action.target, action.target_username, action.moderator) == (
        "delete_account",
        None,
        "alice",
        moderator,
    )
    assert action.reason == "Spam account"
    assert not Report.objects.exists()  # a report about the member goes with the account
    assert "looked at your report" in bob_client.get(reverse("posts:notifications")).text


def test_without_the_typed_username_nothing_is_deleted(alice, mod_client, report, django_capture_on_commit_callbacks):
    response = _decide(mod_client, report, "alic", django_capture_on_commit_callbacks)

    assert "type their username in the confirmation box" in response.text.replace("&#x27;", "'")
    alice.refresh_from_db()
    assert alice.is_active and not ModerationAction.objects.exists()


def test_the_delete_account_route_deletes_with_a_confirmation(
    alice, mod_client, report, django_capture_on_commit_callbacks
):
    url = reverse("admin:posts_report_delete_account", args=[report.pk])
    with django_capture_on_commit_callbacks(execute=True):
        refused = mod_client.post(url, {"reason": "Spam", "confirm_username": "bob"})
    assert refused.status_code == 302 and User.objects.filter(pk=alice.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = mod_client.post(url, {"reason": "Spam", "confirm_username": "alice"})

    assert response.status_code == 302 and response.url == reverse("admin:posts_report_changelist")
    assert not User.objects.filter(pk=alice.pk).exists()
    assert ModerationAction.objects.get().kind == "delete_account"


def test_a_staff_member_who_is_not_a_moderator_gets_403(alice, report, client):
    client.force_login(UserFactory(is_staff=True))
    response = client.post(
        reverse("admin:posts_report_delete_account", args=[report.pk]), {"reason": "x", "confirm_username": "alice"}
    )

    assert response.status_code == 403
    alice.refresh_from_db()
    assert alice.is_active


def test_a_member_is_sent_to_the_admin_login(alice, report, alice_client):
    response = alice_client.post(reverse("admin:posts_report_delete_account", args=[report.pk]))

    assert response.status_code == 302 and "/login/" in response.url


def test_get_is_405(mod_client, report):
    assert mod_client.get(reverse("admin:posts_report_delete_account", args=[report.pk])).status_code == 405


def test_moderators_cannot_delete_a_staff_account(bob, mod_client, django_capture_on_commit_callbacks):
    staff = UserFactory(username="helper", is_staff=True)
    report = report_create(reporter=bob, target=staff, reason="spam")

    with django_capture_on_commit_callbacks(execute=True):
        response = mod_client.post(
            reverse("admin:posts_report_delete_account", args=[report.pk]),
            {"reason": "x", "confirm_username": "helper"},
            follow=True,
        )

    assert "Only superusers can act on staff accounts." in response.text
    staff.refresh_from_db()
    assert staff.is_active and not ModerationAction.objects.exists()


def test_a_suspension_of_an_account_being_deleted_cannot_be_lifted(alice, bob, moderator):
    from accounts.deletion import account_delete_start
    from posts.moderation import ModerationError, member_unsuspend, report_resolve

    report = report_create(reporter=bob, target=alice, reason="spam")
    report_resolve(report=report, moderator=moderator, kind="suspend", reason="Spam wave")
    account_delete_start(user=alice, by=moderator)  # queued; its task has not run

    with pytest.raises(ModerationError):
        member_unsuspend(moderator=UserFactory(is_staff=True, is_superuser=True), member=alice, reason="Appeal")
    alice.refresh_from_db()
    assert not alice.is_active


def test_lifting_a_suspension_from_the_log_skips_a_deleted_account(
    alice, bob, moderator, django_capture_on_commit_callbacks
):
    from posts.moderation import report_resolve

    report_resolve(
        report=report_create(reporter=bob, target=alice, reason="spam"), moderator=moderator, kind="suspend", reason="x"
    )
    with django_capture_on_commit_callbacks(execute=True):
        from accounts.deletion import account_delete_start

        account_delete_start(user=alice, by=moderator)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(superuser)

    response = client.post(
        reverse("admin:posts_moderationaction_changelist"),
        {"action": "lift_suspension", "_selected_action": [ModerationAction.objects.get().pk]},
        follow=True,
    )

    assert response.status_code == 200 and "0 suspensions lifted." in response.text
