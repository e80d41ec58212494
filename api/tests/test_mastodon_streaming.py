"""The Mastodon streaming API (api/mastodon/streaming.py) and token authentication of the
stream, driven through Django's ASGI handler on the embedded event log."""

import json

import pytest
from django.test import AsyncClient
from django.urls import reverse

from accounts.services import block_create, follow_create, mute_create, muted_word_add
from accounts.tests.factories import UserFactory
from api.services import token_issue
from api.tests.mastodon_helpers import token_for
from messaging.services import message_send, notice_add
from messaging.tests.test_stream import END, Reader, _embedded_log, committed, open_stream, run  # noqa: F401
from posts.services import post_create, post_delete

STREAMING = "/api/v1/streaming"


class MastodonReader(Reader):
    """Mastodon's events: the payload is JSON (a status, a notification) or a bare id."""

    @staticmethod
    def event(fields: dict) -> dict:
        return {"event": fields["event"], "data": json.loads(fields["data"]), "raw": fields["data"]}


async def open_mastodon(path, token=None, query=""):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await AsyncClient().get(f"{STREAMING}/{path}{query}", headers=headers)


def test_the_user_stream_carries_home_posts_notifications_and_deletes(alice, bob, charlie):
    token = token_for(bob, scope="read").token

    async def scenario():
        response = await open_mastodon("user", token)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/event-stream"
        reader = MastodonReader(response)
        post = await committed(post_create, author=alice, body="A new #oolong arrived")
        update = await reader.next_event()
        assert update["event"] == "update"
        assert update["data"]["id"] == str(post.pk)
        assert update["data"]["account"]["acct"] == "alice"
        assert update["data"]["tags"][0]["name"] == "oolong"
        assert update["data"]["content"].startswith("<p>")
        # Someone bob does not follow: not on his home timeline.
        await committed(post_create, author=charlie, body="unrelated")
        # Charlie likes bob's post: a Notification entity with the status in it.
        own = await committed(post_create, author=bob, body="my post")
        assert (await reader.next_event())["data"]["id"] == str(own.pk)  # his own post is on his home
        from posts.services import post_like

        await committed(post_like, member=charlie, post=own)
        notification = await reader.next_event()
        assert notification["event"] == "notification"
        assert notification["data"]["type"] == "favourite"
        assert notification["data"]["account"]["acct"] == "charlie"
        assert notification["data"]["status"]["id"] == str(own.pk)
        await committed(post_delete, post=post)
        deleted = await reader.next_event()
        assert deleted == {"event": "delete", "data": post.pk, "raw": str(post.pk)}
        # A private message is no Mastodon event: nothing more comes.
        await committed(message_send, sender=alice, recipient=bob, body="hi")
        assert await reader.next_event(timeout=0.5) is None
        await reader.close()

    run(scenario)


def test_the_public_and_hashtag_streams(alice, bob, charlie):
    token = token_for(charlie, scope="read:statuses").token

    async def scenario():
        public = MastodonReader(await open_mastodon("public", token))
        hashtag = MastodonReader(await open_mastodon("hashtag", token, "?tag=Tea"))
        tagged = await committed(post_create, author=alice, body="Green #tea today")
        other = await committed(post_create, author=bob, body="No tag here")
        assert [(await public.next_event())["data"]["id"] for _ in range(2)] == [str(tagged.pk), str(other.pk)]
        assert (await hashtag.next_event())["data"]["id"] == str(tagged.pk)
        assert await hashtag.next_event(timeout=0.5) is None
        # Notifications belong on the user stream only.
        await committed(notice_add, recipient=charlie, kind="follow", actor=alice)
        assert await public.next_event(timeout=0.5) is None
        await public.close()
        await hashtag.close()

    run(scenario)


def test_the_notification_stream_carries_notifications_only(alice, bob):
    token = token_for(alice, scope="read:notifications").token

    async def scenario():
        reader = MastodonReader(await open_mastodon("user/notification", token))
        await committed(post_create, author=alice, body="mine")
        await committed(notice_add, recipient=alice, kind="follow", actor=bob)
        event = await reader.next_event()
        assert (event["event"], event["data"]["type"], event["data"]["account"]["acct"]) == (
            "notification",
            "follow",
            "bob",
        )
        assert await reader.next_event(timeout=0.5) is None
        await reader.close()

    run(scenario)


@pytest.mark.parametrize("scope", ["write", "follow", "push"])
def test_a_token_without_a_read_scope_or_no_token_is_refused(alice, scope):
    token = token_for(alice, scope=scope).token

    async def scenario():
        for response in (await open_mastodon("user", token), await open_mastodon("user")):
            assert response.status_code == 401
            assert response.json()["error"]

    run(scenario)


def test_revoked_expired_and_closed_accounts_tokens_are_refused(alice, bob):
    import datetime

    from django.utils import timezone

    expired = token_for(alice, expires=timezone.now() - datetime.timedelta(seconds=1)).token
    revoked = token_for(alice)
    revoked_value = revoked.token
    revoked.delete()
    closed = token_for(bob).token
    bob.is_active = False
    bob.save()

    async def scenario():
        for token in (expired, revoked_value, closed, "x" * 300, "garbage"):
            assert (await open_mastodon("user", token)).status_code == 401

    run(scenario)


def test_unknown_streams_and_a_missing_tag_are_400s(alice):
    token = token_for(alice).token

    async def scenario():
        assert (await open_mastodon("list", token, "?list=1")).status_code == 400
        assert (await open_mastodon("hashtag", token)).status_code == 400
        assert (await open_mastodon("hashtag", token, "?tag=../../x")).status_code == 400
        health = await AsyncClient().get(f"{STREAMING}/health")
        assert (health.status_code, health.content) == (200, b"OK")

    run(scenario)


def test_the_access_token_parameter_works_where_headers_cannot_be_sent(alice, bob):
    token = token_for(alice).token

    async def scenario():
        reader = MastodonReader(await AsyncClient().get(f"{STREAMING}/user?access_token={token}"))
        post = await committed(post_create, author=alice, body="by parameter")
        assert (await reader.next_event())["data"]["id"] == str(post.pk)
        await reader.close()

    run(scenario)


def test_the_site_stream_takes_api_and_oauth_tokens_and_refuses_bad_ones(alice, bob):
    api_token = token_issue(user=alice)
    oauth_token = token_for(alice, scope="read").token
    url = reverse("messaging:stream")

    async def scenario():
        for token in (api_token, oauth_token):
            response = await AsyncClient().get(url, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200
            reader = Reader(response)
            await committed(message_send, sender=bob, recipient=alice, body="hello")
            event = await reader.next_event()
            assert (event["event"], event["data"]["name"]) == ("notification", "unread_message_count")
            await reader.close()
        # A wrong token is a 401, even with a session that would have been accepted.
        client = AsyncClient()
        await client.aforce_login(alice)
        refused = await client.get(url, headers={"Authorization": "Bearer wrong"})
        assert refused.status_code == 401

    run(scenario)


def test_the_instance_names_the_streaming_api(db, client, settings):
    settings.STREAM_URL = "/stream/"
    assert client.get("/api/v1/instance").json()["urls"]["streaming_api"] == "ws://testserver"
    settings.STREAM_URL = "https://stream.example.com/stream/"
    assert client.get("/api/v2/instance").json()["configuration"]["urls"]["streaming"] == "wss://stream.example.com"


def test_a_database_hiccup_while_rendering_skips_or_retries_the_event_and_keeps_the_stream():
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from django.db import OperationalError

    from api.mastodon import streaming

    calls = []

    def locked_once(user, pk):
        calls.append(pk)
        if len(calls) == 1:
            raise OperationalError("database table is locked")
        return f"payload {pk}"

    def always_locked(user, pk):
        raise OperationalError("database table is locked")

    def run(coroutine):
        # Playwright's sync API keeps an event loop running in the test thread.
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, coroutine).result()

    assert run(streaming._rendered(locked_once, None, 7)) == "payload 7"
    assert calls == [7, 7]
    assert run(streaming._rendered(always_locked, None, 8)) is None


def test_public_and_hashtag_streams_leave_out_what_blocks_mutes_and_muted_words_hide(alice, bob, charlie):
    dave, erin, frank = (UserFactory(username=name) for name in ("dave", "erin", "frank"))
    block_create(blocker=charlie, blocked=alice)  # charlie blocked alice
    block_create(blocker=bob, blocked=charlie)  # bob blocked charlie
    mute_create(muter=charlie, muted=dave)
    muted_word_add(user=charlie, phrase="durian")
    token = token_for(charlie, scope="read").token
    erin_token = token_for(erin, scope="read").token

    async def scenario():
        public = MastodonReader(await open_mastodon("public", token))
        hashtag = MastodonReader(await open_mastodon("hashtag", token, "?tag=tea"))
        user = MastodonReader(await open_mastodon("user", token))
        bystander = MastodonReader(await open_mastodon("public", erin_token))
        hidden = [
            await committed(post_create, author=alice, body="From the blocked #tea"),
            await committed(post_create, author=bob, body="From the blocker #tea"),
            await committed(post_create, author=dave, body="From the muted #tea"),
            await committed(post_create, author=frank, body="Durian season #tea"),
        ]
        shown = await committed(post_create, author=frank, body="Oolong season #tea")
        got = {
            "public": (await public.next_event())["data"]["id"],
            "hashtag": (await hashtag.next_event())["data"]["id"],
            "bystander": [(await bystander.next_event())["data"]["id"] for _ in range(5)],
            "after": [await public.next_event(timeout=0.3), await hashtag.next_event(timeout=0.3)],
        }
        # Nobody charlie follows wrote, so the user stream has nothing either.
        got["user"] = await user.next_event(timeout=0.3)
        for reader in (public, hashtag, user, bystander):
            await reader.close()
        return hidden, shown, got

    hidden, shown, got = run(scenario)

    assert got["public"] == got["hashtag"] == str(shown.pk)
    assert got["after"] == [None, None] and got["user"] is None
    # The same posts reach a member with no blocks, mutes or words.
    assert got["bystander"] == [str(post.pk) for post in [*hidden, shown]]


def test_the_user_stream_leaves_out_a_followed_member_muted_since_and_muted_words(alice, bob):
    dave = UserFactory(username="dave")
    follow_create(follower=bob, followed=dave)
    mute_create(muter=bob, muted=dave)
    muted_word_add(user=bob, phrase="spoiler")
    token = token_for(bob, scope="read").token

    async def scenario():
        reader = MastodonReader(await open_mastodon("user", token))
        await committed(post_create, author=dave, body="Muted but followed")
        await committed(post_create, author=alice, body="A spoiler ahead")
        kept = await committed(post_create, author=alice, body="Plain tea")
        got = [await reader.next_event(), await reader.next_event(timeout=0.3)]
        await reader.close()
        return kept, got

    kept, (first, then) = run(scenario)

    assert first["data"]["id"] == str(kept.pk) and then is None
