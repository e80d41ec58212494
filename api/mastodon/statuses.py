"""Statuses beyond the core: edit, history and source, bookmarks, the favourites and
bookmarks lists, markers, the notifications' unread count, instance activity and the
full-text search of statuses (https://docs.joinmastodon.org/methods/)."""

import datetime
import logging

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.html import escape
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.models import User
from api.mastodon import entities
from api.mastodon.base import MastodonView, ValidationFailed, id_of, keyset_page, paged
from api.mastodon.views import StatusCreateSerializer, StatusDetailApi, attachments_for, media_ids_of, visible_status
from api.models import Marker
from api.services import marker_save
from messaging.models import Notice
from posts.media import MediaError, media_describe
from posts.models import Bookmark, Like, Post
from posts.services import PostError, post_bookmark, post_edit, post_unbookmark

log = logging.getLogger(__name__)

# Mastodon stops counting unread notifications here (its own cap).
UNREAD_MAX = 1000
ACTIVITY_WEEKS = 12
ACTIVITY_SECONDS = 3600


def own_status(request, pk) -> Post:
    """A status of the reader's own that can be edited (not a boost, not deleted), else 404."""
    post = visible_status(pk)
    if post.author_id != request.user.pk or post.is_boost:
        raise NotFound("Record not found")
    return post


def status_of(request, post) -> dict:
    return entities.statuses(request.user, [post])[0]


class StatusApi(StatusDetailApi):
    """GET and DELETE (views.StatusDetailApi) and PUT: edit the text."""

    scopes = {**StatusDetailApi.scopes, "PUT": "write:statuses"}

    def put(self, request, pk):
        post = own_status(request, pk)
        # The same rules as a new status (length, text checks, public only). media_ids,
        # when sent, is the whole new grid (Mastodon's edit); left out, the images stay.
        ids = media_ids_of(request.data)
        has_media = bool(ids) if ids is not None else post.attachments.exists()
        serializer = StatusCreateSerializer(data=request.data, context={"has_media": has_media})
        if not serializer.is_valid():
            raise ValidationFailed(serializer.errors)
        data = serializer.validated_data
        attachments = attachments_for(request, ids, post=post)
        described = _media_attributes(request, attachments if attachments is not None else post.attachments.all())
        try:
            with transaction.atomic():
                post_edit(
                    post=post,
                    body=data["status"],
                    attachments=attachments,
                    spoiler_text=data.get("spoiler_text") if "spoiler_text" in request.data else None,
                    sensitive=data.get("sensitive") if "sensitive" in request.data else None,
                )
                for attachment, changes in described:
                    media_describe(attachment=attachment, **changes)
        except PostError as error:
            raise ValidationFailed(" ".join(error.messages)) from None
        except MediaError as error:
            raise ValidationFailed(str(error.message)) from None
        return Response(status_of(request, visible_status(post.pk)))


def _media_attributes(request, attachments) -> list[tuple]:
    """An edit's media_attributes (a JSON body's list of {id, description, focus}): the
    alt text and focus of the status's images, each of which must be in its new grid."""
    raw = request.data.get("media_attributes") if not hasattr(request.data, "getlist") else None
    if not raw:
        return []
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise ValidationFailed("media_attributes: a list of {id, description, focus}")
    mine = {attachment.pk: attachment for attachment in attachments}
    described = []
    for item in raw:
        attachment = mine.get(id_of(item.get("id")))
        if attachment is None:
            raise ValidationFailed("media_attributes: an id that is not in media_ids")
        changes = {key: str(item[key]) for key in ("description", "focus") if item.get(key) is not None}
        described.append((attachment, changes))
    return described


def _version(post: Post, *, body: str, created, current: bool, author: dict) -> dict:
    """A StatusEdit. Earlier texts are shown as text (escaped, line breaks kept): their
    links were rendered for the text of the time, which is not stored."""
    if current:
        content = entities.content_html(post)
    else:
        content = "<p>" + escape(body).replace("\n", "<br>") + "</p>"
    return {
        "content": content,
        "spoiler_text": "",
        "sensitive": False,
        "created_at": entities.iso(created),
        "account": author,
        "poll": None,
        "media_attachments": [],
        "emojis": [],
    }


class StatusHistoryApi(MastodonView):
    scopes = {"GET": "read:statuses"}

    def get(self, request, pk):
        post = visible_status(pk)
        post = post.reblog_of if post.is_boost else post
        author = entities.statuses(request.user, [post])[0]["account"]
        revisions = list(post.revisions.order_by("created", "id"))
        versions = [_version(post, body=r.body, created=r.created, current=False, author=author) for r in revisions]
        versions.append(
            _version(post, body=post.body, created=post.edited or post.created, current=True, author=author)
        )
        return Response(versions)


class StatusSourceApi(MastodonView):
    scopes = {"GET": "read:statuses"}

    def get(self, request, pk):
        post = own_status(request, pk)
        return Response({"id": str(post.pk), "text": post.body, "spoiler_text": ""})


# Bookmarks and favourites.


class BookmarkApi(MastodonView):
    scopes = {"POST": "write:bookmarks"}
    undo = False

    def post(self, request, pk):
        post = visible_status(pk)
        original = post.reblog_of if post.is_boost else post
        if self.undo:
            post_unbookmark(member=request.user, post=original)
        else:
            try:
                post_bookmark(member=request.user, post=original)
            except PostError as error:
                raise ValidationFailed(" ".join(error.messages)) from None
        return Response(status_of(request, visible_status(original.pk)))


class UnbookmarkApi(BookmarkApi):
    undo = True


def _posts_page(request, rows_queryset):
    """A keyset page of bookmark or like rows (their own ids in the Link header, as
    Mastodon's), answered as the statuses they point at, hidden ones left out."""
    rows, links = keyset_page(request, rows_queryset)
    ids = [row.post_id for row in rows]
    posts = Post.objects.visible().for_display().in_bulk(ids)
    return paged(entities.statuses(request.user, [posts[pk] for pk in ids if pk in posts]), links)


class BookmarksApi(MastodonView):
    scopes = {"GET": "read:bookmarks"}

    def get(self, request):
        return _posts_page(request, Bookmark.objects.filter(member=request.user))


class FavouritesApi(MastodonView):
    scopes = {"GET": "read:favourites"}

    def get(self, request):
        return _posts_page(request, Like.objects.filter(member=request.user))


# Markers and the unread count.


def _marker(marker: Marker) -> dict:
    return {
        "last_read_id": str(marker.last_read_id),
        "version": marker.version,
        "updated_at": entities.iso(marker.updated),
    }


def _marker_input(data, timeline: str):
    """last_read_id of `timeline` from a form (home[last_read_id]) or JSON ({"home": {…}})."""
    raw = data.get(f"{timeline}[last_read_id]")
    nested = data.get(timeline)
    if raw is None and isinstance(nested, dict):
        raw = nested.get("last_read_id")
    return raw


class MarkersApi(MastodonView):
    scopes = {"GET": "read:statuses", "POST": "write:statuses"}

    def get(self, request):
        wanted = request.query_params.getlist("timeline[]") + request.query_params.getlist("timeline")
        wanted = [name for name in wanted if name in Marker.Timeline.values] or []
        markers = Marker.objects.filter(user=request.user, timeline__in=wanted)
        return Response({marker.timeline: _marker(marker) for marker in markers})

    def post(self, request):
        given = {name: _marker_input(request.data, name) for name in Marker.Timeline.values}
        given = {name: raw for name, raw in given.items() if raw is not None}
        if not given:
            raise ValidationFailed("home[last_read_id] or notifications[last_read_id] is required")
        ids = {name: id_of(raw) for name, raw in given.items()}
        if None in ids.values():
            raise ValidationFailed("last_read_id: must be an id")
        saved = {name: marker_save(user=request.user, timeline=name, last_read_id=pk) for name, pk in ids.items()}
        return Response({name: _marker(marker) for name, marker in saved.items()})


class NotificationUnreadCountApi(MastodonView):
    scopes = {"GET": "read:notifications"}

    def get(self, request):
        marker = Marker.objects.filter(user=request.user, timeline=Marker.Timeline.NOTIFICATIONS).first()
        notices = Notice.objects.filter(recipient=request.user, actor__is_active=True)
        if marker is not None:
            notices = notices.filter(pk__gt=marker.last_read_id)
        # At most UNREAD_MAX rows read, however many there are (the list's index).
        return Response({"count": notices.order_by("-created", "-id")[:UNREAD_MAX].count()})


# Instance activity.


def _activity() -> list[dict]:
    """The last ACTIVITY_WEEKS weeks, newest first: statuses, members seen, sign-ups.
    Three queries (one per table), cached for an hour."""
    now = timezone.now()
    monday = (now - datetime.timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    weeks = [monday - datetime.timedelta(weeks=n) for n in range(ACTIVITY_WEEKS)]
    since = weeks[-1]

    def per_week(queryset, field):
        counts = queryset.filter(**{f"{field}__gte": since}).aggregate(
            **{
                str(n): Count(
                    "pk", filter=Q(**{f"{field}__gte": start, f"{field}__lt": start + datetime.timedelta(weeks=1)})
                )
                for n, start in enumerate(weeks)
            }
        )
        return [counts[str(n)] for n in range(len(weeks))]

    statuses = per_week(Post.objects.filter(reblog_of__isnull=True, deleted__isnull=True), "created")
    logins = per_week(User.objects.filter(is_active=True), "last_seen")
    registrations = per_week(User.objects.all(), "date_joined")
    return [
        {
            "week": str(int(start.timestamp())),
            "statuses": str(statuses[n]),
            "logins": str(logins[n]),
            "registrations": str(registrations[n]),
        }
        for n, start in enumerate(weeks)
    ]


class InstanceActivityApi(MastodonView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        return Response(cache.get_or_set("mastodon:activity", _activity, ACTIVITY_SECONDS))
