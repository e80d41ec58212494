"""Mastodon's blocks, mutes, reports and the relationship's blocking/muting fields."""

import pytest
from django.urls import reverse

from accounts.models import Block, Mute
from accounts.services import block_create
from api.tests.mastodon_helpers import client_with, token_for
from posts.models import Report
from posts.services import post_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_mastodon(alice):
    return client_with(token_for(alice))


def test_block_and_unblock_answer_with_the_relationship(alice_mastodon, alice, charlie):
    response = alice_mastodon.post(reverse("mastodon:account-block", args=[charlie.pk]))
    assert response.status_code == 200 and response.json()["blocking"] is True
    assert Block.objects.filter(blocker=alice, blocked=charlie).exists()
    blocks = alice_mastodon.get(reverse("mastodon:blocks")).json()
    assert [account["username"] for account in blocks] == ["charlie"]
    response = alice_mastodon.post(reverse("mastodon:account-unblock", args=[charlie.pk]))
    assert response.json()["blocking"] is False and not Block.objects.exists()


def test_blocked_by_shows_in_relationships(alice_mastodon, alice, charlie):
    block_create(blocker=charlie, blocked=alice)
    rows = alice_mastodon.get(reverse("mastodon:relationships"), {"id[]": [charlie.pk]}).json()
    assert rows[0]["blocked_by"] is True and rows[0]["blocking"] is False


def test_mute_with_a_duration_and_without_notifications(alice_mastodon, alice, bob):
    response = alice_mastodon.post(
        reverse("mastodon:account-mute", args=[bob.pk]), {"duration": 3600, "notifications": False}, format="json"
    )
    body = response.json()
    assert body["muting"] is True and body["muting_notifications"] is False
    mute = Mute.objects.get()
    assert mute.expires is not None and mute.notifications is False
    assert [a["username"] for a in alice_mastodon.get(reverse("mastodon:mutes")).json()] == ["bob"]
    assert alice_mastodon.post(reverse("mastodon:account-unmute", args=[bob.pk])).json()["muting"] is False


def test_blocking_or_muting_yourself_is_a_422(alice_mastodon, alice):
    assert alice_mastodon.post(reverse("mastodon:account-block", args=[alice.pk])).status_code == 422
    assert alice_mastodon.post(reverse("mastodon:account-mute", args=[alice.pk])).status_code == 422
    assert not Block.objects.exists() and not Mute.objects.exists()


def test_a_report_with_statuses(alice_mastodon, alice, bob):
    post = post_create(author=bob, body="Spam")
    response = alice_mastodon.post(
        reverse("mastodon:reports"),
        {"account_id": str(bob.pk), "status_ids": [str(post.pk)], "comment": "Ads", "category": "spam"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status_ids"] == [str(post.pk)]
    report = Report.objects.get()
    assert (report.reason, report.comment, list(report.posts.all())) == ("spam", "Ads", [post])


def test_a_reports_statuses_come_from_a_forms_status_ids_too(alice_mastodon, alice, bob):
    # A form's list is status_ids[] (Mastodon.py, Tusky): it was dropped, the report made without them.
    first, second = post_create(author=bob, body="Spam"), post_create(author=bob, body="More spam")
    response = alice_mastodon.post(
        reverse("mastodon:reports"), {"account_id": str(bob.pk), "status_ids[]": [str(first.pk), str(second.pk)]}
    )
    assert response.status_code == 200
    assert sorted(response.json()["status_ids"]) == sorted([str(first.pk), str(second.pk)])
    assert set(Report.objects.get().posts.all()) == {first, second}


def test_a_report_of_yourself_or_of_others_statuses_is_refused(alice_mastodon, alice, bob, charlie):
    theirs = post_create(author=charlie, body="x")
    for body in [
        {"account_id": str(alice.pk)},
        {"account_id": str(bob.pk), "status_ids": [str(theirs.pk)]},
        {"account_id": str(bob.pk), "status_ids": ["x"]},
    ]:
        assert alice_mastodon.post(reverse("mastodon:reports"), body, format="json").status_code == 422
    assert not Report.objects.exists()
