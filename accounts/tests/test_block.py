"""Blocking a member (issue 18): the services and the profile's buttons."""

import pytest
from django.urls import reverse

from accounts.models import Block, Follow, Mute
from accounts.services import FollowError, SafetyError, block_create, block_delete, follow_create, mute_create
from messaging.models import Notice
from messaging.services import MessageError, message_send
from posts.models import Mention, Post
from posts.services import PostError, post_boost, post_create, post_like

pytestmark = pytest.mark.django_db


def test_blocking_removes_follows_both_ways_and_their_notices(alice, bob):
    follow_create(follower=alice, followed=bob)  # bob already follows alice (fixture)
    assert Notice.objects.filter(recipient=bob, kind=Notice.Kind.FOLLOW).exists()
    block_create(blocker=alice, blocked=bob)
    assert not Follow.objects.filter(follower__in=[alice, bob], followed__in=[alice, bob]).exists()
    assert not Notice.objects.filter(recipient=bob, kind=Notice.Kind.FOLLOW).exists()


def test_blocking_yourself_or_twice_says_so_and_saves_nothing(alice, bob):
    with pytest.raises(SafetyError, match="yourself"):
        block_create(blocker=alice, blocked=alice)
    block_create(blocker=alice, blocked=bob)
    with pytest.raises(SafetyError, match="already blocked bob"):
        block_create(blocker=alice, blocked=bob)
    assert Block.objects.count() == 1


def test_blocking_replaces_a_mute(alice, bob):
    mute_create(muter=alice, muted=bob)
    block_create(blocker=alice, blocked=bob)
    assert not Mute.objects.exists()


def test_unblocking_someone_not_blocked_is_an_error(alice, bob):
    with pytest.raises(SafetyError):
        block_delete(blocker=alice, blocked=bob)


@pytest.mark.parametrize("blocker_is_alice", [True, False])
def test_a_block_either_way_stops_follows_messages_and_actions(alice, charlie, blocker_is_alice):
    post = post_create(author=alice, body="Mine.")
    if blocker_is_alice:
        block_create(blocker=alice, blocked=charlie)
    else:
        block_create(blocker=charlie, blocked=alice)
    with pytest.raises(FollowError):
        follow_create(follower=charlie, followed=alice)
    with pytest.raises(MessageError):
        message_send(sender=charlie, recipient=alice, body="Hi")
    for action in (post_like, post_boost):
        with pytest.raises(PostError):
            action(member=charlie, post=post)
    with pytest.raises(PostError):
        post_create(author=charlie, body="Re", in_reply_to=post)
    with pytest.raises(PostError):
        post_create(author=charlie, body="Look", quote_of=post)
    assert Post.objects.filter(author=charlie).count() == 0
    assert not Notice.objects.filter(recipient=alice).exists()


def test_a_blocked_members_mention_stays_text_and_notifies_nobody(alice, charlie):
    block_create(blocker=alice, blocked=charlie)
    post = post_create(author=charlie, body="Hey @alice, look.")
    assert not Mention.objects.filter(post=post).exists()
    assert not Notice.objects.filter(recipient=alice).exists()
    assert "/@alice" not in post.body_html and "@alice" in post.body_html


def test_the_block_button_blocks_and_the_profile_then_offers_unblock(alice_client, alice, charlie):
    response = alice_client.post(reverse("accounts:block", args=["charlie"]), follow=True)
    assert "You blocked charlie" in response.text
    assert Block.objects.filter(blocker=alice, blocked=charlie).exists()
    page = alice_client.get(reverse("posts:user", args=["charlie"]))
    assert "You blocked this member." in page.text
    assert reverse("accounts:unblock", args=["charlie"]) in page.text
    assert reverse("accounts:follow", args=["charlie"]) not in page.text
    response = alice_client.post(reverse("accounts:unblock", args=["charlie"]), follow=True)
    assert "You unblocked charlie." in response.text
    assert not Block.objects.exists()


def test_blocking_twice_through_the_page_shows_a_message(alice_client, alice, charlie):
    block_create(blocker=alice, blocked=charlie)
    response = alice_client.post(reverse("accounts:block", args=["charlie"]), follow=True)
    assert "You have already blocked charlie." in response.text
    assert Block.objects.count() == 1


def test_blocking_yourself_through_the_page_saves_nothing(alice_client):
    response = alice_client.post(reverse("accounts:block", args=["alice"]), follow=True)
    assert "block yourself." in response.text
    assert not Block.objects.exists()


def test_block_and_unblock_are_post_only_and_need_a_login(client, alice_client, charlie):
    assert alice_client.get(reverse("accounts:block", args=["charlie"])).status_code == 405
    assert alice_client.get(reverse("accounts:unblock", args=["charlie"])).status_code == 405
    response = client.post(reverse("accounts:block", args=["charlie"]))
    assert response.status_code == 302 and "/login/" in response.url
    assert not Block.objects.exists()


def test_blocking_needs_the_csrf_token(alice, charlie):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(reverse("accounts:block", args=["charlie"])).status_code == 403
    assert not Block.objects.exists()


def test_blocking_an_unknown_member_is_a_404(alice_client):
    assert alice_client.post(reverse("accounts:block", args=["nobody"])).status_code == 404


def test_whoever_blocked_you_has_no_popover_and_no_follow_button(charlie_client, alice_client, alice, charlie):
    block_create(blocker=alice, blocked=charlie)
    assert charlie_client.get(reverse("accounts:popover", args=["alice"])).status_code == 404
    assert alice_client.get(reverse("accounts:popover", args=["charlie"])).status_code == 404
    page = charlie_client.get(reverse("posts:user", args=["alice"]))
    assert "follow or message this member." in page.text
    assert reverse("accounts:follow", args=["alice"]) not in page.text
    assert charlie_client.post(reverse("accounts:follow", args=["alice"])).status_code == 302
    assert not Follow.objects.filter(follower=charlie).exists()
