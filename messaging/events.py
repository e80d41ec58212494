"""Stream events: what the stream service (messaging.stream) pushes to open pages.

An event is a name, a JSON object, and whom it is for: one member (`user_id`) or
whoever listens to one of its `topics` (a public timeline: "explore", "author:<id>"
for the home timelines that follow that author, "tag:<name>", "replies:<post id>").
The stream code routes on these alone, so a new kind of event needs no change there.

event_publish is the one way to publish: like core.queue.task_enqueue it acts once the
transaction commits (a page must never be told of a row it cannot read yet), from web
and worker processes alike, and never raises: when the log is down the event is dropped
and logged, and pages fall back to polling (the rows the poll reads are committed).

The log that carries events between processes (EventLog):
- REDIS_URL set: a Redis stream capped at STREAM_REPLAY_EVENTS entries (XADD), which
  every stream process reads with a blocking XREAD: one round trip fans an event out to
  all of them, and its ids are the events' ids, which Last-Event-ID replays from;
- otherwise the messaging_streamevent table, which the stream process polls every
  STREAM_POLL_SECONDS (the embedded default: live updates on a fresh machine too).
"""

import asyncio
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from functools import cached_property, partial

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError, Error, OperationalError, close_old_connections, connection, transaction

logger = logging.getLogger(__name__)

# Seconds during which publishing skips a log that just failed (a hung Redis must not
# cost every request a timeout).
RETRY_AFTER = 2


@dataclass(frozen=True)
class Event:
    id: str
    name: str
    data: dict
    user_id: int | None = None
    topics: tuple[str, ...] = field(default_factory=tuple)

    @cached_property
    def sse(self) -> str:
        """The event as Server-Sent Events text: rendered once however many streams
        carry it (the hub hands the same Event to every listener)."""
        return f"id: {self.id}\nevent: {self.name}\ndata: {json.dumps(self.data, separators=(',', ':'))}\n\n"

    def to_json(self) -> str:
        return json.dumps({"n": self.name, "u": self.user_id, "t": list(self.topics), "d": self.data})

    @classmethod
    def from_json(cls, event_id: str, raw: str | bytes) -> "Event":
        fields = json.loads(raw)
        return cls(id=event_id, name=fields["n"], data=fields["d"], user_id=fields["u"], topics=tuple(fields["t"]))


def event_key(event_id: str) -> tuple[int, int] | None:
    """The order of an event id ("<ms>-<seq>" from Redis, "<row id>" from the table),
    or None for anything else (a garbage Last-Event-ID)."""
    parts = event_id.split("-")
    if not 1 <= len(parts) <= 2 or not all(part.isdigit() and len(part) <= 20 for part in parts):
        return None
    return int(parts[0]), int(parts[1]) if len(parts) == 2 else 0


class LogUnavailable(Exception):
    """The event log (Redis, or the database's table) cannot be read or written."""


class LogLocked(LogUnavailable):
    """SQLite refused a read of the log's table for a moment: a writer holds it."""


def _locked(error: Exception) -> bool:
    """SQLite's "database (table) is locked": another connection holds the table for a moment
    (a shared cache applies no busy timeout)."""
    return isinstance(error, OperationalError) and "locked" in str(error)


class RedisEventLog:
    def __init__(self, url: str, key: str, maxlen: int):
        self.url, self.key, self.maxlen = url, key, maxlen
        self._client = None

    def append(self, event: Event) -> None:
        import redis

        if self._client is None:
            self._client = redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1)
        try:
            self._client.xadd(self.key, {"e": event.to_json()}, maxlen=self.maxlen, approximate=True)
        except (redis.RedisError, OSError) as error:
            raise LogUnavailable(str(error)) from error

    def ping(self) -> None:
        import redis

        try:
            redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1).xlen(self.key)
        except (redis.RedisError, OSError) as error:
            raise LogUnavailable(str(error)) from error

    def reader(self) -> "RedisLogReader":
        return RedisLogReader(self)


class RedisLogReader:
    """One stream process's connection to the log (asyncio)."""

    def __init__(self, log: RedisEventLog):
        import redis.asyncio

        self.log = log
        # The socket timeout outlasts the longest blocking read; a dead Redis fails at once.
        self.client = redis.asyncio.Redis.from_url(log.url, socket_connect_timeout=1, socket_timeout=10)

    async def recent(self, limit: int) -> list[Event]:
        entries = await self._call(self.client.xrevrange, self.log.key, count=limit)
        return [self._event(*entry) for entry in reversed(entries)]

    async def read_after(self, last_id: str | None, block_seconds: float) -> list[Event]:
        streams = {self.log.key: last_id or "$"}
        answer = await self._call(self.client.xread, streams, count=1000, block=int(block_seconds * 1000))
        return [self._event(*entry) for _key, entries in answer or [] for entry in entries]

    async def close(self) -> None:
        await self.client.aclose()

    async def _call(self, method, *args, **kwargs):
        import redis

        try:
            return await method(*args, **kwargs)
        except (redis.RedisError, OSError) as error:
            raise LogUnavailable(str(error)) from error

    @staticmethod
    def _event(entry_id, fields) -> Event:
        entry_id = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
        return Event.from_json(entry_id, fields[b"e"])


class DatabaseEventLog:
    # Prune the table once in this many appends.
    PRUNE_EVERY = 200
    # A write that meets SQLite's lock while the stream service reads the table ("database
    # table is locked": a shared cache applies no busy timeout) tries again, a little later
    # each time, before the event is given up.
    APPEND_ATTEMPTS = 5
    LOCKED_RETRY_SECONDS = 0.05

    def __init__(self, maxlen: int, poll_seconds: float):
        self.maxlen, self.poll_seconds = maxlen, poll_seconds

    def append(self, event: Event) -> None:
        from messaging.models import StreamEvent

        for attempt in range(1, self.APPEND_ATTEMPTS + 1):
            try:
                row = StreamEvent.objects.create(
                    name=event.name, user_id=event.user_id, topics=list(event.topics), data=event.data
                )
                break
            except OperationalError as error:
                if not _locked(error) or attempt == self.APPEND_ATTEMPTS:
                    raise
                time.sleep(self.LOCKED_RETRY_SECONDS * attempt)
        if row.pk % self.PRUNE_EVERY == 0:
            StreamEvent.objects.filter(pk__lte=row.pk - self.maxlen).delete()

    def ping(self) -> None:
        """The table is in the default database, which /healthz checks already."""

    def reader(self) -> "DatabaseLogReader":
        return DatabaseLogReader(self)


class DatabaseLogReader:
    def __init__(self, log: DatabaseEventLog):
        self.log = log

    async def recent(self, limit: int) -> list[Event]:
        return list(reversed(await self._rows(None, limit, newest=True)))

    async def read_after(self, last_id: str | None, block_seconds: float) -> list[Event]:
        deadline = time.monotonic() + block_seconds
        if last_id is None:
            newest = await self._rows(None, 1, newest=True)
            last_id = newest[0].id if newest else "0"
        while True:
            try:
                events = await self._rows(last_id, 1000, newest=False)
            except LogLocked:
                events = []  # nothing new yet: the next poll looks again
            if events or time.monotonic() >= deadline:
                return events
            await asyncio.sleep(self.log.poll_seconds)

    async def close(self) -> None:
        pass

    @sync_to_async
    def _rows(self, after: str | None, limit: int, *, newest: bool) -> list[Event]:
        from messaging.models import StreamEvent

        try:
            release_database()
            rows = StreamEvent.objects.order_by("-id" if newest else "id")
            if after is not None:
                rows = rows.filter(pk__gt=int(after.split("-")[0]))
            return [
                Event(id=str(row.pk), name=row.name, data=row.data, user_id=row.user_id, topics=tuple(row.topics))
                for row in rows[:limit]
            ]
        except Error as error:
            # As the hub takes a Redis outage (it retries), not as a crash that ends it: a
            # database that went away or, on SQLite, a table locked by a writer for a moment.
            if _locked(error):
                raise LogLocked(str(error)) from error
            raise LogUnavailable(str(error)) from error


def release_database() -> None:
    """Close this thread's database connection if it is old or broken (as a request's end
    does), so that a stream or the hub's reader never holds one through a long wait; not
    inside a transaction (a test's), which closing would end."""
    if not connection.in_atomic_block:
        close_old_connections()


_log_lock = threading.Lock()
_log_cache: dict[tuple, object] = {}


def event_log():
    """The log the settings name (one per process and configuration)."""
    url, key, size = settings.REDIS_URL, settings.STREAM_REDIS_KEY, settings.STREAM_REPLAY_EVENTS
    config = (url, key, size, settings.STREAM_POLL_SECONDS)
    with _log_lock:
        if config not in _log_cache:
            if url:
                _log_cache[config] = RedisEventLog(url, key, size)
            else:
                _log_cache[config] = DatabaseEventLog(size, settings.STREAM_POLL_SECONDS)
        return _log_cache[config]


_down_until = 0.0


def event_publish(*, name: str, data: dict, user_id: int | None = None, topics: tuple[str, ...] = ()) -> None:
    """Publish an event once the current transaction commits (at once outside one).
    For one member (`user_id`) or for the listeners of `topics`; never raises."""
    event = Event(id="", name=name, data=data, user_id=user_id, topics=tuple(topics))
    transaction.on_commit(partial(_append, event))


def _append(event: Event) -> None:
    global _down_until
    if time.monotonic() < _down_until:
        return
    try:
        event_log().append(event)
    except (LogUnavailable, DatabaseError) as error:
        _down_until = time.monotonic() + RETRY_AFTER
        logger.warning("Stream event %s not published (pages fall back to polling): %s", event.name, error)
