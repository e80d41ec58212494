"""The notifications page /notifications/: grouped, newest first, filtered, marks read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import follow_create, follow_delete
from accounts.tests.factories import UserFactory
from messaging.models import Notice, Notification
from messaging.services import notice_add
from posts.services import post_create
from posts.tests.factories import PostFactory

URL = "/notifications/"


def _badge(user):
    row = Notification.objects.filter(user=user, name=Notification.UNREAD_NOTICE_COUNT).first()
    return row.payload["count"] if row else 0


def test_a_follow_and_a_mention_show_newest_first_and_opening_marks_read(alice, charlie, alice_client):
    follow_create(follower=charlie, followed=alice)
    post_create(author=charlie, body="hello @alice")
    assert _badge(alice) == 2

    response = alice_client.get(URL)

    assert response.status_code == 200
    assert [entry.kind for entry in response.context["entries"]] == ["mention", "follow"]
    assert all(entry.unread for entry in response.context["entries"])
    assert "charlie</a> mentioned you" in response.text and "charlie</a> followed you" in response.text
    assert _badge(alice) == 0 and not Notice.objects.filter(read=False).exists()


def test_an_unfollow_takes_the_follow_notice_back(alice, charlie):
    follow_create(follower=charlie, followed=alice)
    follow_delete(follower=charlie, followed=alice)
    assert not Notice.objects.exists() and _badge(alice) == 0


def test_likes_of_one_post_are_grouped_like_mastodon(alice, alice_client):
    post = post_create(author=alice, body="my post")
    likers = UserFactory.create_batch(4)
    for member in likers:
        notice_add(recipient=alice, kind=Notice.Kind.LIKE, actor=member, subject_id=post.pk)

    entries = alice_client.get(URL).context["entries"]

    assert len(entries) == 1 and entries[0].others == 3
    assert str(entries[0].sentence).endswith(f">{likers[-1].username}</a> and 3 others liked your post")


def test_the_mentions_filter_shows_only_mentions(alice, charlie, alice_client):
    follow_create(follower=charlie, followed=alice)
    post_create(author=charlie, body="@alice hi")
    response = alice_client.get(URL, {"filter": "mentions"})
    assert [entry.kind for entry in response.context["entries"]] == ["mention"]
    assert alice_client.get(URL, {"filter": "bogus"}).context["filter"] == "all"


def test_a_notice_about_a_post_that_is_gone_or_hidden_is_not_shown(alice, charlie, alice_client):
    gone = post_create(author=charlie, body="@alice one")
    notice_add(recipient=alice, kind=Notice.Kind.LIKE, actor=charlie, subject_id=999_999)
    gone.delete()
    assert alice_client.get(URL).context["entries"] == []


def test_nobody_else_sees_your_notifications(alice, charlie, bob_client):
    post_create(author=charlie, body="@alice secret")
    assert bob_client.get(URL).context["entries"] == []


def test_anonymous_is_sent_to_log_in_and_other_methods_are_refused(client, alice_client):
    assert client.get(URL).status_code == 302
    assert alice_client.post(URL).status_code == 405


def test_the_navbar_poll_still_answers_at_the_old_address(alice, client, alice_client):
    assert alice_client.get(URL, {"since": "0"})["Content-Type"] == "application/json"
    assert client.get(URL, {"since": "0"}).status_code == 401


def test_the_bell_shows_its_own_unread_badge(alice, charlie, alice_client):
    post_create(author=charlie, body="@alice look")
    html = alice_client.get("/explore/").text
    assert 'id="notice-badge" class="badge rounded-pill text-bg-danger"' in html


MANY = 25


def test_the_page_is_constant_in_queries(alice, alice_client, settings, django_assert_num_queries):
    settings.PAGE_SIZE = MANY
    first = UserFactory()
    post_create(author=first, body="@alice one")
    alice_client.get(URL)
    # Unread again, so both runs also mark read.
    Notice.objects.update(read=False)
    Notification.objects.filter(user=alice).update(payload={"count": 1})
    with CaptureQueriesContext(connection) as one:
        alice_client.get(URL)

    mine = PostFactory(author=alice)
    for member in UserFactory.create_batch(MANY - 1):
        kind = Notice.Kind.MENTION if member.pk % 2 else Notice.Kind.REPLY
        notice_add(recipient=alice, kind=kind, actor=member, subject_id=post_create(author=member, body="@alice").pk)
        notice_add(recipient=alice, kind=Notice.Kind.LIKE, actor=member, subject_id=mine.pk)
    Notice.objects.update(read=False)

    with django_assert_num_queries(len(one)):
        response = alice_client.get(URL)
    assert len(response.context["entries"]) > MANY // 2


@pytest.mark.parametrize("cursor", ["garbage", "1_1", "-99999999999999_0"])
def test_odd_cursors_never_fail(alice_client, cursor):
    assert alice_client.get(URL, {"before": cursor}).status_code == 200
