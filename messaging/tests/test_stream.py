"""The stream view (messaging.views.stream) and its hub, driven through Django's ASGI
handler (AsyncClient) on the embedded event log, and on a private redis-server for
the fan-out between processes and the outage."""

import asyncio
import concurrent.futures
import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import AsyncClient
from django.urls import reverse

from accounts.services import block_create, mute_create
from messaging import events, stream
from messaging.events import Event, RedisEventLog, event_publish
from messaging.services import message_send
from posts.services import post_create

URL = reverse("messaging:stream")
END = {"event": "end"}


@pytest.fixture(autouse=True)
def _embedded_log(settings):
    """The table log unless a test names a Redis; publishing not paused by an earlier outage."""
    settings.REDIS_URL = ""
    settings.STREAM_HEARTBEAT_SECONDS = 0.2
    settings.STREAM_POLL_SECONDS = 0.02
    events._down_until = 0.0
    yield
    events._down_until = 0.0


def run(scenario):
    """Run an async scenario in a fresh event loop (so a fresh hub) and stop its hub."""

    async def wrapped():
        try:
            return await scenario()
        finally:
            live = stream._hubs.pop(asyncio.get_running_loop(), None)
            if live is not None:
                await live.stop()

    return async_to_sync(wrapped)()


async def open_stream(user, query="", headers=None):
    client = AsyncClient()
    if user is not None:
        await client.aforce_login(user)
    return await client.get(URL + query, headers=headers or {})


class Reader:
    """Reads SSE events from a streaming response, skipping keep-alive comments."""

    def __init__(self, response):
        self.chunks = aiter(response.streaming_content)
        self.buffer = ""

    async def next_event(self, timeout=3.0) -> dict | None:
        """The next event; None when none came in `timeout` seconds, END when the stream ended."""
        try:
            return await asyncio.wait_for(self._next(), timeout)
        except TimeoutError:
            return None
        except StopAsyncIteration:
            return END

    async def _next(self) -> dict:
        while True:
            while "\n\n" in self.buffer:
                block, self.buffer = self.buffer.split("\n\n", 1)
                fields = dict(line.split(": ", 1) for line in block.split("\n") if line and not line.startswith(":"))
                if "event" in fields:
                    return self.event(fields)
            chunk = await anext(self.chunks)
            self.buffer += chunk.decode() if isinstance(chunk, bytes) else chunk

    @staticmethod
    def event(fields: dict) -> dict:
        return {"id": fields.get("id"), "event": fields["event"], "data": json.loads(fields["data"])}

    async def close(self):
        await self.chunks.aclose()


def in_fresh_loop(scenario):
    """Run an async scenario that needs no database in a thread of its own (asyncio.run there
    is unaffected by whatever event loop state earlier tests left in this thread)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, scenario()).result()


def committed(function, **kwargs):
    """Call a service as a request would: its on-commit work (publishing) runs."""

    @sync_to_async
    def call():
        from django.db import connection

        callbacks_before = len(connection.run_on_commit)
        result = function(**kwargs)
        for _sids, callback, _robust in connection.run_on_commit[callbacks_before:]:
            callback()
        del connection.run_on_commit[callbacks_before:]
        return result

    return call()


def test_anonymous_visitors_get_401(db):
    response = run(lambda: open_stream(None))

    assert response.status_code == 401
    assert "error" in json.loads(response.content)


@pytest.mark.parametrize("timelines", ["bob", "home,../x", "tag:" + "x" * 65, "replies:abc", "home,explore,a,b,c"])
def test_an_unknown_timeline_is_a_400(alice, timelines):
    response = run(lambda: open_stream(alice, f"?timelines={timelines}"))

    assert response.status_code == 400


def test_it_refuses_other_methods(alice_client):
    assert alice_client.post(URL).status_code == 405


def test_the_wsgi_site_refuses_to_stream_so_that_no_sync_worker_is_held(alice_client):
    response = alice_client.get(URL)

    assert response.status_code == 404
    assert not response.streaming


def test_it_streams_the_members_own_navbar_changes_and_nobody_elses(alice, bob, charlie):
    async def scenario():
        alice_reader = Reader(await open_stream(alice))
        charlie_reader = Reader(await open_stream(charlie))
        await committed(message_send, sender=bob, recipient=alice, body="hello")
        got = await alice_reader.next_event()
        nothing = await charlie_reader.next_event(timeout=0.5)
        await alice_reader.close()
        await charlie_reader.close()
        return got, nothing

    got, nothing = run(scenario)

    assert got["event"] == "notification"
    assert got["data"]["name"] == "unread_message_count"
    assert got["data"]["data"] == {"count": 1}
    assert got["id"]
    assert nothing is None


def test_the_response_is_an_unbuffered_event_stream(alice):
    async def scenario():
        response = await open_stream(alice)
        await Reader(response).close()
        return response

    response = run(scenario)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    assert response["X-Accel-Buffering"] == "no"
    assert "no-cache" in response["Cache-Control"]


def test_a_reconnect_with_last_event_id_replays_what_it_missed(alice, bob):
    async def scenario():
        reader = Reader(await open_stream(alice))
        await committed(message_send, sender=bob, recipient=alice, body="one")
        first = await reader.next_event()
        await reader.close()
        # Away: two more messages.
        await committed(message_send, sender=bob, recipient=alice, body="two")
        await committed(message_send, sender=bob, recipient=alice, body="three")
        await asyncio.sleep(0.2)  # the hub reads them from the log
        again = Reader(await open_stream(alice, headers={"Last-Event-ID": first["id"]}))
        replayed = [await again.next_event(), await again.next_event()]
        await again.close()
        return first, replayed

    first, replayed = run(scenario)

    assert first["data"]["data"] == {"count": 1}
    assert [event["data"]["data"]["count"] for event in replayed] == [2, 3]


@pytest.mark.parametrize("last_event_id", ["garbage", "1-2-3", "-1", "9" * 30, "1"])
def test_a_last_event_id_it_cannot_place_gets_a_resync(alice, bob, last_event_id, settings):
    settings.STREAM_REPLAY_EVENTS = 3

    async def scenario():
        # A full window that starts after the id "1".
        for body in "abcde":
            await committed(message_send, sender=bob, recipient=alice, body=body)
        reader = Reader(await open_stream(alice, f"?last_event_id={last_event_id}"))
        got = await reader.next_event()
        await reader.close()
        return got

    assert run(scenario)["event"] == "resync"


def test_a_home_stream_announces_posts_of_followed_members_only(alice, bob, charlie):
    async def scenario():
        bob_home = Reader(await open_stream(bob, "?timelines=home"))
        charlie_home = Reader(await open_stream(charlie, "?timelines=home"))
        charlie_explore = Reader(await open_stream(charlie, "?timelines=explore"))
        post = await committed(post_create, author=alice, body="Tea time")
        got = [await bob_home.next_event(), await charlie_home.next_event(timeout=0.5)]
        got.append(await charlie_explore.next_event())
        for reader in (bob_home, charlie_home, charlie_explore):
            await reader.close()
        return post, got

    post, (bob_home, charlie_home, charlie_explore) = run(scenario)

    assert bob_home == {"id": bob_home["id"], "event": "post", "data": {"id": post.pk, "author": "alice"}}
    assert charlie_home is None
    assert charlie_explore["data"]["id"] == post.pk


def test_a_post_page_stream_announces_direct_replies_to_that_post_only(alice, bob, charlie):
    post = post_create(author=alice, body="Tea?")
    other = post_create(author=alice, body="Coffee?")
    reply = post_create(author=bob, body="Green", in_reply_to=post)

    async def scenario():
        page = Reader(await open_stream(charlie, f"?timelines=replies:{post.pk}"))
        await committed(post_create, author=bob, body="Black", in_reply_to=other)
        await committed(post_create, author=bob, body="Nested", in_reply_to=reply)
        await committed(post_create, author=bob, body="Not a reply")
        answer = await committed(post_create, author=bob, body="Oolong", in_reply_to=post)
        got = [await page.next_event(), await page.next_event(timeout=0.3)]
        await page.close()
        return answer, got

    answer, (first, then) = run(scenario)

    assert first["event"] == "post" and first["data"] == {"id": answer.pk, "author": "bob"}
    assert then is None


def test_posts_of_blocked_and_muted_members_are_not_announced(alice, bob, charlie, django_user_model):
    # Charlie blocked Bob; Dave blocked Charlie; Charlie muted Erin. Only Alice's post counts.
    dave = django_user_model.objects.create_user("dave", "dave@example.com", "pw")
    erin = django_user_model.objects.create_user("erin", "erin@example.com", "pw")
    block_create(blocker=charlie, blocked=bob)
    block_create(blocker=dave, blocked=charlie)
    mute_create(muter=charlie, muted=erin)

    async def scenario():
        explore = Reader(await open_stream(charlie, "?timelines=explore"))
        for author in (bob, dave, erin):
            await committed(post_create, author=author, body="Not for Charlie")
        shown = await committed(post_create, author=alice, body="For everyone")
        got = [await explore.next_event(), await explore.next_event(timeout=0.3)]
        await explore.close()
        return shown, got

    shown, (first, then) = run(scenario)

    assert first["event"] == "post" and first["data"] == {"id": shown.pk, "author": "alice"}
    assert then is None


def test_a_rolled_back_change_publishes_nothing(alice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        from django.db import transaction

        with pytest.raises(RuntimeError), transaction.atomic():
            message_send(sender=bob, recipient=alice, body="never")
            raise RuntimeError

    assert callbacks == []


def test_a_slow_listener_is_dropped_instead_of_buffering_without_bound():
    async def scenario():
        hub = stream.Hub(log=object(), replay_events=100, buffer_events=4)
        listener, _resync = hub.subscribe(7, frozenset(), None)
        for number in range(10):
            hub.dispatch(Event(id=f"{number}-0", name="notification", data={}, user_id=7))
        return listener, hub

    listener, hub = in_fresh_loop(scenario)

    assert listener.closed
    assert listener.queue.qsize() == 1  # only the end of the stream is left
    assert listener.queue.get_nowait() is stream.CLOSED
    assert hub.count() == 1  # unsubscribed by its response's end


def test_with_redis_events_fan_out_and_an_outage_closes_streams_until_redis_is_back(
    alice, bob, redis_server, settings, wait_for
):
    settings.REDIS_URL = redis_server.url
    stream.RETRY_SECONDS = 0.1

    async def scenario():
        reader = Reader(await open_stream(alice))
        await committed(message_send, sender=bob, recipient=alice, body="hello")
        first = await reader.next_event()
        redis_server.stop()
        # The hub notices, closes the stream, and refuses new ones: pages poll.
        ended = await reader.next_event(timeout=10)
        refused = await open_stream(alice)
        await committed(message_send, sender=bob, recipient=alice, body="lost, but the poll has it")
        redis_server.start()
        events._down_until = 0.0  # publishing skips a failed Redis for RETRY_AFTER seconds
        for _ in range(100):
            if stream.hub().available:
                break
            await asyncio.sleep(0.1)
        back = Reader(await open_stream(alice))
        await committed(message_send, sender=bob, recipient=alice, body="again")
        later = await back.next_event()
        await back.close()
        return first, ended, refused, later

    try:
        first, ended, refused, later = run(scenario)
    finally:
        stream.RETRY_SECONDS = 1

    assert first["data"]["data"] == {"count": 1}
    assert ended == END
    assert refused.status_code == 503
    assert refused["Retry-After"]
    assert later["data"]["data"] == {"count": 3}


def test_publishing_never_raises_when_redis_is_down(alice, settings, caplog, django_capture_on_commit_callbacks):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    with django_capture_on_commit_callbacks(execute=True):
        event_publish(name="notification", data={}, user_id=alice.pk)

    assert "not published" in caplog.text


def test_a_redis_log_keeps_its_order_and_its_cap(redis_server):
    log = RedisEventLog(redis_server.url, "test:events", maxlen=10)
    for number in range(300):
        log.append(Event(id="", name="notification", data={"n": number}, user_id=1))

    async def scenario():
        reader = log.reader()
        recent = await reader.recent(10)
        await reader.close()
        return recent

    recent = in_fresh_loop(scenario)

    assert [event.data["n"] for event in recent] == list(range(290, 300))


def test_healthz_reports_the_event_log(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    checks = client.get("/healthz").json()["checks"]

    assert checks["stream"]["ok"] is False


def test_an_event_is_rendered_once_for_all_its_streams_and_a_backlog_goes_in_one_write(settings, monkeypatch):
    from messaging import views

    settings.STREAM_HEARTBEAT_SECONDS = 5
    rendered = []
    real_dumps = events.json.dumps
    monkeypatch.setattr(events.json, "dumps", lambda *a, **k: rendered.append(a) or real_dumps(*a, **k))

    async def scenario():
        hub = stream.Hub(log=object(), replay_events=100, buffer_events=10)
        listeners = [hub.subscribe(pk, frozenset({"explore"}), None)[0] for pk in range(50)]
        streams = [views._stream_events(hub, listener, False) for listener in listeners]
        for body in streams:
            assert (await anext(body)).startswith("retry:")
        for number in range(3):
            hub.dispatch(Event(id=f"{number}-0", name="post", data={"id": number}, topics=("explore",)))
        chunks = [await anext(body) for body in streams]
        for body in streams:
            await body.aclose()
        return chunks, hub

    chunks, hub = in_fresh_loop(scenario)

    assert len(rendered) == 3  # once per event, not once per stream
    assert len(set(chunks)) == 1 and chunks[0].count("event: post\n") == 3
    assert chunks[0].startswith('id: 0-0\nevent: post\ndata: {"id":0}\n\n')
    assert hub.count() == 0


def test_the_database_log_writes_again_when_sqlite_says_the_table_is_locked(db, monkeypatch):
    from django.db import OperationalError

    from messaging.models import StreamEvent

    log = events.DatabaseEventLog(100, 0.02)
    monkeypatch.setattr(events.DatabaseEventLog, "LOCKED_RETRY_SECONDS", 0)
    event = Event(id="", name="post", data={"id": 1}, user_id=None, topics=("public",))
    create, tries = StreamEvent.objects.create, []

    def failing(message, times):
        """StreamEvent.objects.create raising OperationalError(message) `times` times, then writing."""

        def attempt(**fields):
            tries.append(fields["name"])
            if len(tries) <= times:
                raise OperationalError(message)
            return create(**fields)

        monkeypatch.setattr(StreamEvent.objects, "create", attempt)
        tries.clear()

    # What a SQLite shared cache answers while the stream service reads the table.
    failing("database table is locked", 2)
    log.append(event)
    assert tries == ["post", "post", "post"]
    assert StreamEvent.objects.filter(name="post").count() == 1

    # Any other error is not tried again; a lock that outlasts every attempt gives up too.
    failing("no such table: messaging_streamevent", 1)
    with pytest.raises(OperationalError):
        log.append(event)
    assert len(tries) == 1

    failing("database table is locked", events.DatabaseEventLog.APPEND_ATTEMPTS)
    with pytest.raises(OperationalError):
        log.append(event)
    assert len(tries) == events.DatabaseEventLog.APPEND_ATTEMPTS


def test_the_database_log_reader_waits_out_a_locked_table_and_reports_a_lost_database(db, monkeypatch):
    from django.db import InterfaceError, OperationalError

    from messaging.models import StreamEvent

    log = events.DatabaseEventLog(100, 0.01)
    first = StreamEvent.objects.create(name="post", topics=["public"], data={"id": 1})
    order_by, reads = StreamEvent.objects.order_by, []

    def locked_once(*fields):
        reads.append(fields)
        if len(reads) == 1:
            raise OperationalError("database table is locked")
        return order_by(*fields)

    monkeypatch.setattr(StreamEvent.objects, "order_by", locked_once)
    reader = log.reader()
    # The hub's read polls again instead of ending (it used to end the hub: no stream got
    # another event until the service restarted).
    found = async_to_sync(reader.read_after)(str(first.pk - 1), 2)
    assert [event.data for event in found] == [{"id": 1}] and len(reads) == 2

    def gone(*fields):
        raise InterfaceError("connection already closed")

    # A database that went away is an outage the hub waits out, as it does Redis's.
    monkeypatch.setattr(StreamEvent.objects, "order_by", gone)
    with pytest.raises(events.LogUnavailable):
        async_to_sync(reader.read_after)(str(first.pk), 0.05)
