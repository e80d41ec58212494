"""Mastodon's streaming API over Server-Sent Events (GET /api/v1/streaming/…), served by
the stream service beside /stream/ (settings.STREAM_EXTRA_PATH_PREFIXES) from the same
hub and events (messaging.stream):

- user: the home timeline's new posts (`update`), the member's notifications
  (`notification`) and deleted posts (`delete`); user/notification: notifications only;
- public (and public/local, the same here: every member is local): Explore's posts;
- hashtag (and hashtag/local) ?tag=: a tag's posts.

Each event is `event: <name>` and `data: <payload>`: a Status or Notification entity as
the REST API renders it for this reader (api.mastodon.entities), or the deleted status's
id. What the reader's timelines would hide (blocks either way, mutes, muted words:
accounts' one rule) is not sent. Authenticated by an OAuth token with a read scope (`Authorization: Bearer`, or
?access_token= as browsers' EventSource cannot send headers); heartbeats are comments."""

import asyncio
import json
import logging
import time

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from api.mastodon import entities
from messaging.models import Notice
from messaging.stream import CLOSED
from messaging.views import stream_listen, stream_response, stream_topics, stream_user
from posts.models import Post

logger = logging.getLogger(__name__)
# How often an event's rendering is tried when the database is briefly unavailable.
RENDER_TRIES = 3

STREAMS = {"user", "user/notification", "public", "public/local", "public/remote", "hashtag", "hashtag/local"}
INVALID_TOKEN = "Error: Missing access token"


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


async def _topics(user, stream: str, tag: str) -> frozenset[str] | None:
    if stream == "user":
        return await stream_topics(user, "home")
    if stream in ("public", "public/local"):
        return frozenset({"explore"})
    if stream == "public/remote":
        return frozenset()  # no other servers (no federation yet)
    if stream.startswith("hashtag"):
        name = tag.lstrip("#").lower()
        if not name or len(name) > 64 or not all(char.isalnum() or char == "_" for char in name):
            return None
        return frozenset({f"tag:{name}"})
    return frozenset()  # user/notification: the member's own events only


def _status_payload(user, post_id: int) -> str | None:
    # The timelines' rule (PostQuerySet.for_reader with muted words, as the REST timelines):
    # nothing by, boosting, answering or quoting a member blocked either way or muted,
    # nor a post with a muted word, in the same one query that loads it.
    post = Post.objects.visible().for_reader(user, words=True).for_display().filter(pk=post_id).first()
    if post is None:
        return None
    return json.dumps(entities.statuses(user, [post])[0], separators=(",", ":"))


def _notification_payload(user, notice_id: int) -> str | None:
    notices = Notice.objects.for_recipient(user).select_related("actor").filter(pk=notice_id)
    rendered = entities.notifications(user, notices)
    return json.dumps(rendered[0], separators=(",", ":")) if rendered else None


async def _rendered(render, user, pk: int) -> str | None:
    """`render(user, pk)` off the event loop; a database that is briefly away (locked,
    restarting) is tried again, then the event is skipped: the stream itself stays open."""
    for attempt in range(RENDER_TRIES):
        try:
            return await sync_to_async(render)(user, pk)
        except DatabaseError:
            if attempt == RENDER_TRIES - 1:
                logger.warning("Stream event %s skipped: the database did not answer", pk, exc_info=True)
                return None
            await asyncio.sleep(0.2 * (attempt + 1))


async def _mastodon_events(live, listener, stream: str, user):
    """The hub's events as Mastodon's: only what this stream carries, each rendered for
    the reader when it comes (a post deleted meanwhile is skipped)."""
    wants_notifications = stream in ("user", "user/notification")
    wants_posts = stream != "user/notification"
    closes_at = time.monotonic() + settings.STREAM_MAX_SECONDS
    try:
        yield ":)\n\n"
        while time.monotonic() < closes_at:
            try:
                async with asyncio.timeout(settings.STREAM_HEARTBEAT_SECONDS):  # no task per get (messaging.views)
                    event = await listener.queue.get()
            except TimeoutError:
                yield ":thump\n\n"
                continue
            if event is CLOSED:
                return
            name, payload = None, None
            if event.name == "notice" and wants_notifications and event.user_id == user.pk:
                name, payload = "notification", await _rendered(_notification_payload, user, event.data["id"])
            elif event.name == "post" and wants_posts and event.user_id is None:
                name, payload = "update", await _rendered(_status_payload, user, event.data["id"])
            elif event.name == "post_delete" and wants_posts and event.user_id is None:
                name, payload = "delete", str(int(event.data["id"]))
            if payload is not None:
                yield f"event: {name}\ndata: {payload}\n\n"
    finally:
        live.unsubscribe(listener)


@require_GET
async def streaming(request, stream: str = "user"):
    stream = stream.strip("/") or "user"
    if stream == "health":
        return HttpResponse("OK", content_type="text/plain")
    if stream not in STREAMS:
        return _error("Unknown stream type", 400)
    user = await stream_user(request)
    if user is None:
        return _error(INVALID_TOKEN, 401)
    topics = await _topics(user, stream, request.GET.get("tag", ""))
    if topics is None:
        return _error("No tag for stream provided", 400)
    opened = await stream_listen(request, user, topics)
    if not isinstance(opened, tuple):
        return opened
    live, listener, _resync = opened
    return stream_response(_mastodon_events(live, listener, stream, user))


def streaming_api_url(request) -> str:
    """Where clients open the streaming API (the instance's urls.streaming_api): the
    stream service's origin, as a ws(s):// URL the way Mastodon names it."""
    url = settings.STREAM_URL
    if url.startswith(("http://", "https://")):
        origin = "/".join(url.split("/")[:3])
    elif url.startswith(":"):  # this host on another port (`make run`)
        origin = f"{request.scheme}://{request.get_host().rsplit(':', 1)[0]}:{url[1:].split('/')[0]}"
    else:
        origin = f"{request.scheme}://{request.get_host()}"
    return origin.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
