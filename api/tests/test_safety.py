"""The API's blocks, mutes and reports (issue 18)."""

import pytest
from django.urls import reverse

from accounts.models import Block, Mute
from accounts.services import block_create, mute_create
from posts.models import Report
from posts.services import post_create

pytestmark = pytest.mark.django_db


def test_block_and_unblock(alice_api, alice, charlie):
    url = reverse("api:user-block", args=[charlie.pk])
    assert alice_api.post(url).status_code == 204
    assert Block.objects.filter(blocker=alice, blocked=charlie).exists()
    again = alice_api.post(url)
    assert again.status_code == 400 and "already blocked" in again.text
    assert alice_api.delete(url).status_code == 204
    assert not Block.objects.exists()
    assert alice_api.delete(url).status_code == 400


def test_blocking_yourself_or_nobody(alice_api, alice):
    assert alice_api.post(reverse("api:user-block", args=[alice.pk])).status_code == 400
    assert alice_api.post(reverse("api:user-block", args=[99999])).status_code == 404
    assert not Block.objects.exists()


def test_mute_with_a_duration_and_the_lists(alice_api, alice, bob, charlie):
    response = alice_api.post(reverse("api:user-mute", args=[bob.pk]), {"duration": 3600}, format="json")
    assert response.status_code == 204
    assert Mute.objects.get().expires is not None
    block_create(blocker=alice, blocked=charlie)
    mutes = alice_api.get(reverse("api:mute-list")).json()
    assert [item["user"]["username"] for item in mutes["items"]] == ["bob"]
    assert mutes["items"][0]["expires"] is not None and mutes["items"][0]["notifications"] is True
    blocks = alice_api.get(reverse("api:block-list")).json()
    assert [item["user"]["username"] for item in blocks["items"]] == ["charlie"]
    assert alice_api.delete(reverse("api:user-mute", args=[bob.pk])).status_code == 204
    assert alice_api.get(reverse("api:mute-list")).json()["items"] == []


def test_a_bad_duration_is_a_400(alice_api, bob):
    for body in [{"duration": 5}, {"duration": "soon"}, {"notifications": "maybe"}]:
        assert alice_api.post(reverse("api:user-mute", args=[bob.pk]), body, format="json").status_code == 400
    assert not Mute.objects.exists()


def test_the_lists_cost_no_query_per_row(alice_api, alice, django_assert_max_num_queries):
    from accounts.tests.factories import UserFactory

    member = UserFactory()
    mute_create(muter=alice, muted=member)
    block_create(blocker=alice, blocked=UserFactory())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        alice_api.get(reverse("api:mute-list"))
        alice_api.get(reverse("api:block-list"))
    for other in UserFactory.create_batch(8):
        mute_create(muter=alice, muted=other)
        block_create(blocker=alice, blocked=UserFactory())
    with django_assert_max_num_queries(len(one)):
        alice_api.get(reverse("api:mute-list"))
        alice_api.get(reverse("api:block-list"))


def test_report_a_post_and_a_member(alice_api, alice, bob):
    post = post_create(author=bob, body="Spam spam")
    response = alice_api.post(reverse("api:report-create"), {"post": post.pk, "reason": "spam"}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "open"
    response = alice_api.post(
        reverse("api:report-create"), {"user": bob.pk, "reason": "other", "comment": "Odd"}, format="json"
    )
    assert response.status_code == 201
    assert Report.objects.filter(reporter=alice, target=bob).count() == 2


def test_reports_of_your_own_post_or_nothing_are_refused(alice_api, alice):
    mine = post_create(author=alice, body="Mine")
    for body in [
        {"post": mine.pk, "reason": "spam"},
        {"reason": "spam"},
        {"post": 99999, "reason": "spam"},
        {"user": alice.pk, "reason": "spam"},
        {"post": mine.pk, "reason": "bored"},
    ]:
        assert alice_api.post(reverse("api:report-create"), body, format="json").status_code == 400
    assert not Report.objects.exists()


def test_the_endpoints_need_a_token(client, bob):
    assert client.post(reverse("api:user-block", args=[bob.pk])).status_code == 401
    assert client.get(reverse("api:block-list")).status_code == 401
    assert client.post(reverse("api:report-create")).status_code == 401
