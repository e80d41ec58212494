import asyncio
import datetime
import math
import re
import time

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.handlers.asgi import ASGIRequest
from django.db.models.expressions import RawSQL
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Follow, User, hidden_authors_sql
from core.pagination import cursor_page_of
from messaging.events import release_database
from messaging.forms import MessageForm
from messaging.models import Job, Message, Notification
from messaging.services import MessageError, message_check, message_send, messages_mark_read
from messaging.stream import CLOSED, hub


@login_required
@require_GET
def inbox(request):
    # Remember the old read time so this visit can still mark what was new.
    read_before = request.user.last_message_read_time
    # Keyset pages (?before=/?after=): no COUNT(*) and no OFFSET, each page one
    # walk of messaging_inbox_idx.
    page = cursor_page_of(request, Message.objects.inbox_for(request.user))
    # On the newest page its first row tells whether anything is unread: no query for that.
    messages_mark_read(user=request.user, newest_page=page.object_list if page.is_newest else None)
    return render(request, "messaging/inbox.html", {"page": page, "read_before": read_before, "tab": "messages"})


@login_required
@require_http_methods(["GET", "POST"])
def message_create(request, username):
    recipient = get_object_or_404(User, username__iexact=username)
    form = MessageForm(request.POST if request.method == "POST" else None)
    try:
        message_check(sender=request.user, recipient=recipient)
    except MessageError as error:
        refusal = str(error)
    else:
        refusal = ""
        if request.method == "POST" and form.is_valid():
            message_send(
                sender=request.user,
                recipient=recipient,
                body=form.cleaned_data["body"],
                idempotency_key=form.cleaned_data["form_token"],
            )
            messages.success(request, _("Your message to %(username)s has been sent.") % {"username": recipient})
            return redirect(recipient.get_absolute_url())
    status = 400 if refusal and request.method == "POST" else 200
    context = {"recipient": recipient, "form": form, "refusal": refusal, "tab": "messages"}
    return render(request, "messaging/message_create.html", context, status=status)


def _parse_since(raw: str | None) -> datetime.datetime | None:
    try:
        seconds = float(raw or 0)
        if not math.isfinite(seconds):
            return None
        return datetime.datetime.fromtimestamp(max(seconds, 0), tz=datetime.UTC)
    except (ValueError, OverflowError, OSError):
        return None


@require_GET
@never_cache
def notification_list(request):
    """What the navbar polls: the caller's notifications changed after ?since= (Unix seconds)."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Log in to see your notifications.")}, status=401)
    since = _parse_since(request.GET.get("since"))
    if since is None:
        return JsonResponse({"error": _("since must be a Unix time in seconds.")}, status=400)
    rows = Notification.objects.filter(user=request.user, timestamp__gt=since).order_by("timestamp")
    return JsonResponse([row.as_dict() for row in rows], safe=False)


@login_required
@require_GET
def job_download(request, job_id):
    # Someone else's job, or one without a file, looks exactly like a missing one.
    job = get_object_or_404(Job, pk=job_id, user=request.user, complete=True, error="")
    if job.archive:
        # An expired archive's file is deleted by jobs_expire; until then it is refused all the same.
        if job.is_expired:
            raise Http404
        try:
            stored = job.archive.open("rb")  # streamed from disk or S3, never read whole
        except OSError:
            raise Http404 from None
        name = f"microblog-archive-{request.user.username}-{job.created:%Y%m%d}.zip"
        return FileResponse(stored, as_attachment=True, filename=name, content_type="application/zip")
    path = job.result_path()
    if path is None or not path.is_file():
        raise Http404
    filename = f"microblog-{job.name}-{request.user.username}-{job.created:%Y%m%d}{path.suffix}"
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename)


# What a page may ask the stream for besides the member's own events: its timeline.
# "home" and "explore" today; "tag:<name>" and "replies:<post id>" are the topics a tag
# page and a post page ask for once those pages publish them (posts.services).
STREAM_TIMELINE = re.compile(r"home|explore|tag:[\w-]{1,64}|replies:[0-9]{1,18}")
STREAM_MAX_TIMELINES = 4


async def stream_topics(user, raw: str) -> frozenset[str] | None:
    """The topics of ?timelines=home,explore,…; None when it names something unknown."""
    names = [name for name in raw.split(",") if name] if raw else []
    if len(names) > STREAM_MAX_TIMELINES or not all(STREAM_TIMELINE.fullmatch(name) for name in names):
        return None
    topics = {name for name in names if name != "home"}
    if "home" in names:
        # The home timeline: posts of the members followed when the stream opened, and
        # one's own (following someone reloads the page, and so the stream).
        followed = Follow.objects.filter(follower=user).values_list("followed_id", flat=True)
        topics |= {f"author:{pk}" async for pk in followed} | {f"author:{user.pk}"}
    return frozenset(topics)


async def stream_hidden_topics(user) -> frozenset[str]:
    """The author:<id> topics of the members whose posts `user`'s pages leave out (blocked
    either way, muted): one query when a stream opens."""
    hidden = User.objects.filter(pk__in=RawSQL(*hidden_authors_sql(user, mutes=True))).values_list("pk", flat=True)
    return frozenset([f"author:{pk}" async for pk in hidden])


async def _stream_events(hub, listener, resync: bool):
    heartbeat = settings.STREAM_HEARTBEAT_SECONDS
    closes_at = time.monotonic() + settings.STREAM_MAX_SECONDS
    try:
        # How long the browser waits before reconnecting after the stream ends.
        yield f"retry: {settings.STREAM_RETRY_MS}\n\n"
        if resync:
            yield "event: resync\ndata: {}\n\n"
        queue = listener.queue
        while time.monotonic() < closes_at:
            try:
                # asyncio.timeout, not wait_for: wait_for wraps every get in a new task,
                # which for one event to 1,000 streams is 1,000 tasks.
                async with asyncio.timeout(heartbeat):
                    event = await queue.get()
            except TimeoutError:
                yield ": keep-alive\n\n"  # proxies keep the connection; a gone client is noticed
                continue
            # What else is already queued goes out in the same write.
            chunk = []
            while event is not CLOSED:
                chunk.append(event.sse)
                if queue.empty():
                    break
                event = queue.get_nowait()
            if chunk:
                yield "".join(chunk)
            if event is CLOSED:
                return
    finally:
        hub.unsubscribe(listener)


async def stream_user(request):
    """Who opens a stream: the session's member, or an API client's bearer token
    (`Authorization: Bearer …`, or ?access_token= where a client cannot set headers)
    through settings.STREAM_TOKEN_AUTHENTICATORS. None when neither names an active member;
    a token that is wrong never falls back to the session."""
    header = request.headers.get("Authorization", "")
    raw = header[7:].strip() if header[:7].lower() == "bearer " else request.GET.get("access_token", "")
    if not raw and not header:
        user = await request.auser()
        return user if user.is_authenticated else None
    if not raw or len(raw) > 256:
        return None
    for path in settings.STREAM_TOKEN_AUTHENTICATORS:
        user = await sync_to_async(import_string(path))(raw)
        if user is not None and user.is_active:
            return user
    return None


async def stream_listen(request, user, topics, hidden: frozenset[str] = frozenset()):
    """Subscribe `user` to this process's hub for `topics` (with the replay that the
    request's Last-Event-ID asks for): (hub, listener, resync), or the response to send
    instead (503 while the event log is down, 404 on the WSGI site)."""
    if not isinstance(request, ASGIRequest):
        # Reached the WSGI site (no proxy route to the stream service): a stream would hold
        # a sync worker for as long as the tab stays open. Not served here; the page polls.
        return _stream_cors(request, JsonResponse({"error": _("Live updates are unavailable right now.")}, status=404))
    live = hub()
    try:
        await asyncio.wait_for(live.ready.wait(), timeout=2)
    except TimeoutError:
        pass
    if not live.available:
        return _stream_unavailable(request)
    last_event_id = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id") or None
    listener, resync = live.subscribe(user.pk, topics, last_event_id[:64] if last_event_id else None, hidden)
    # Nothing more to read: give the database connection back before the long wait.
    await sync_to_async(release_database)()
    return live, listener, resync


def stream_response(content):
    response = StreamingHttpResponse(content, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache, no-store"
    # nginx: pass each event on as it comes instead of buffering the response.
    response["X-Accel-Buffering"] = "no"
    return response


@require_GET
async def stream(request):
    """Server-Sent Events: the member's own events (every change of their navbar's
    Notification rows) and new posts of the timelines ?timelines= names. The session
    (or an API client's token) says who is asking; no parameter names a member. Served
    by the stream service (uvicorn, microblog.asgi), see messaging/stream.py."""
    user = await stream_user(request)
    if user is None:
        return _stream_cors(request, JsonResponse({"error": _("Log in to see your notifications.")}, status=401))
    if not isinstance(request, ASGIRequest):
        return await stream_listen(request, user, frozenset())
    topics = await stream_topics(user, request.GET.get("timelines", ""))
    if topics is None:
        return _stream_cors(request, JsonResponse({"error": _("Unknown timeline.")}, status=400))
    hidden = await stream_hidden_topics(user) if topics else frozenset()
    opened = await stream_listen(request, user, topics, hidden)
    if not isinstance(opened, tuple):
        return opened
    live, listener, resync = opened
    return _stream_cors(request, stream_response(_stream_events(live, listener, resync)))


def _stream_unavailable(request):
    response = JsonResponse({"error": _("Live updates are unavailable right now.")}, status=503)
    response["Retry-After"] = "30"
    return _stream_cors(request, response)


def _stream_cors(request, response):
    """When pages and the stream are on different origins (`make run`: another port),
    the page's origin may read the stream with its cookies."""
    origin = request.headers.get("Origin")
    if origin and origin in settings.STREAM_ALLOWED_ORIGINS:
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Allow-Credentials"] = "true"
        response["Vary"] = "Origin"
    return response
