"""The stream service's fan-out, one Hub per stream process (its event loop).

One reader task follows the event log (messaging.events) and hands each event to the
listeners it is for: the member it names, or whoever listens to one of its topics.
The hub keeps the last STREAM_REPLAY_EVENTS events in memory (loaded from the log when
it starts, so a restart of the stream process loses nothing inside the window): a
reconnect with Last-Event-ID replays from there, and an id it cannot place (garbage,
older than the window) gets a "resync" event, on which the page asks the poll once.

Each listener has a bounded queue (STREAM_BUFFER_EVENTS): a client that does not read
is dropped rather than allowed to grow the process's memory; its browser reconnects
and replays. When the log is down (Redis), every stream is closed and new ones are
refused with a 503, so pages fall back to polling; the reader retries every second.
"""

import asyncio
import logging
from collections import deque

from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.test.utils import override_settings
from django.urls import reverse

from messaging.events import Event, LogUnavailable, event_key, event_log

logger = logging.getLogger(__name__)

# Seconds a blocking read of the log waits before asking again.
READ_BLOCK_SECONDS = 5
# Seconds between two attempts to reach a log that is down.
RETRY_SECONDS = 1
# What a closed listener's queue yields.
CLOSED = None


class Listener:
    def __init__(self, user_id: int, topics: frozenset[str], buffer: int, hidden: frozenset[str] = frozenset()):
        self.user_id, self.topics, self.hidden = user_id, topics, hidden
        self.queue: asyncio.Queue = asyncio.Queue(maxsize=buffer + 1)  # +1: room for CLOSED
        self.buffer = buffer
        self.closed = False

    def hides(self, event: Event) -> bool:
        # `hidden`: the author:<id> topics of members the member's pages leave out (blocks
        # either way, mutes), so that "N new posts" counts only what a click would show.
        return not self.hidden.isdisjoint(event.topics)

    def wants(self, event: Event) -> bool:
        if event.user_id is not None:
            return event.user_id == self.user_id
        return not self.topics.isdisjoint(event.topics) and not self.hides(event)

    def offer(self, event: Event) -> None:
        if self.closed or self.hides(event):
            return
        if self.queue.qsize() >= self.buffer:
            logger.info("Stream of member %s dropped: it fell %d events behind", self.user_id, self.buffer)
            self.close()
            return
        self.queue.put_nowait(event)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(CLOSED)


class Hub:
    def __init__(self, log=None, *, replay_events: int | None = None, buffer_events: int | None = None):
        self.log = log or event_log()
        self.ring: deque[Event] = deque(maxlen=replay_events or settings.STREAM_REPLAY_EVENTS)
        self.buffer = buffer_events or settings.STREAM_BUFFER_EVENTS
        self.by_user: dict[int, set[Listener]] = {}
        self.by_topic: dict[str, set[Listener]] = {}
        self.last_id: str | None = None
        self.available = False
        self.ready = asyncio.Event()  # set once the first attempt to load the log ended
        self.task: asyncio.Task | None = None

    def start(self) -> "Hub":
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(self.run(), name="stream-hub")
        return self

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
            self.task = None
        self.close_all()

    async def run(self) -> None:
        reader = self.log.reader()
        try:
            while True:
                try:
                    if not self.available:
                        await self._load(reader)
                    for event in await reader.read_after(self.last_id, READ_BLOCK_SECONDS):
                        self.dispatch(event)
                except LogUnavailable as error:
                    if self.available:
                        logger.warning("The stream's event log is down; closing %d streams: %s", self.count(), error)
                    self.available = False
                    self.ready.set()
                    self.close_all()
                    await asyncio.sleep(RETRY_SECONDS)
        finally:
            await reader.close()

    async def _load(self, reader) -> None:
        recent = await reader.recent(self.ring.maxlen)
        known = {event.id for event in self.ring}
        for event in recent:
            if event.id not in known and (self.last_id is None or event_key(event.id) > event_key(self.last_id)):
                self.ring.append(event)
        if self.ring:
            self.last_id = self.ring[-1].id
        self.available = True
        self.ready.set()
        logger.info("Stream hub reading the event log (%d events in the replay window)", len(self.ring))

    def dispatch(self, event: Event) -> None:
        self.ring.append(event)
        self.last_id = event.id
        if event.user_id is not None:
            targets = self.by_user.get(event.user_id, ())
        else:
            targets = set().union(*(self.by_topic.get(topic, ()) for topic in event.topics))
        for listener in list(targets):
            listener.offer(event)

    def subscribe(
        self, user_id: int, topics: frozenset[str], last_event_id: str | None, hidden: frozenset[str] = frozenset()
    ) -> tuple[Listener, bool]:
        """A listener, with the events it missed since `last_event_id` already queued,
        and whether the page must resync (the id could not be placed in the window)."""
        listener = Listener(user_id, topics, self.buffer, hidden)
        resync = False
        if last_event_id is not None:
            missed = self.missed_since(last_event_id)
            if missed is None:
                resync = True
            else:
                for event in [event for event in missed if listener.wants(event)][-self.buffer :]:
                    listener.queue.put_nowait(event)
        self.by_user.setdefault(user_id, set()).add(listener)
        for topic in topics:
            self.by_topic.setdefault(topic, set()).add(listener)
        return listener, resync

    def missed_since(self, last_event_id: str) -> list[Event] | None:
        key = event_key(last_event_id)
        if key is None or self.last_id is None:
            return None
        if key == event_key(self.last_id):
            return []
        # Inside the window: the id is one the ring holds (or the one just before its oldest).
        keys = [event_key(event.id) for event in self.ring]
        if not keys or key > keys[-1] or key < keys[0] and len(self.ring) == self.ring.maxlen:
            return None
        return [event for event, event_k in zip(self.ring, keys, strict=True) if event_k > key]

    def unsubscribe(self, listener: Listener) -> None:
        listener.close()
        self._discard(self.by_user, listener.user_id, listener)
        for topic in listener.topics:
            self._discard(self.by_topic, topic, listener)

    @staticmethod
    def _discard(index: dict, key, listener: Listener) -> None:
        listeners = index.get(key)
        if listeners is not None:
            listeners.discard(listener)
            if not listeners:
                del index[key]

    def close_all(self) -> None:
        for listeners in list(self.by_user.values()):
            for listener in list(listeners):
                listener.close()

    def count(self) -> int:
        return sum(len(listeners) for listeners in self.by_user.values())


_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}


def hub() -> Hub:
    """This event loop's hub, started on first use."""
    loop = asyncio.get_running_loop()
    if loop not in _hubs:
        for old in [old for old in _hubs if old.is_closed()]:
            del _hubs[old]
        _hubs[loop] = Hub().start()
    return _hubs[loop]


def check_stream() -> None:
    """/healthz: in the stream service, whether its hub reads the event log; in any other
    process, whether the log answers (publishing works)."""
    running = [live for loop, live in list(_hubs.items()) if live.task is not None and not loop.is_closed()]
    if running:
        if not any(live.available for live in running):
            raise LogUnavailable("the stream service cannot read the event log")
        return
    event_log().ping()


class StreamHandler(ASGIHandler):
    """Django's ASGI handler for /stream/ alone (microblog.asgi routes it here).

    Two differences, both for thousands of long-lived streams on one process:
    - no ThreadSensitiveContext per request: Django's own handler gives each request a
      thread of its own for its sync parts, kept (with its database connection) for as
      long as the response lasts — for a stream, as long as the tab is open. Here the sync
      parts (session and user lookups) share asgiref's one thread, and the view closes its
      database connection before streaming (messaging.views);
    - the middleware a stream needs (settings.STREAM_MIDDLEWARE: host and security checks,
      session, language, user), not the pages' (CSP, messages, last seen, allauth)."""

    def load_middleware(self, is_async=False):
        # BaseHandler reads settings.MIDDLEWARE; give it the stream's list for this call.
        with override_settings(MIDDLEWARE=settings.STREAM_MIDDLEWARE):
            super().load_middleware(is_async=is_async)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"The stream serves HTTP only, not {scope['type']}.")
        await self.handle(scope, receive, send)


class StreamRouter:
    """The stream service's ASGI application: /stream/ (and STREAM_EXTRA_PATH_PREFIXES,
    the Mastodon streaming API) to StreamHandler, anything else
    (/healthz, or a page when no proxy routes it) to Django's own handler."""

    def __init__(self, application):
        self.application = application
        self.stream = StreamHandler()
        self.path = reverse("messaging:stream")

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and (
            scope["path"] == self.path or scope["path"].startswith(tuple(settings.STREAM_EXTRA_PATH_PREFIXES))
        ):
            return await self.stream(scope, receive, send)
        return await self.application(scope, receive, send)
