"""The Mastodon client API's endpoints, one view per operation
(https://docs.joinmastodon.org/methods/)."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, OuterRef
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response

from accounts.models import Follow, Mute, User
from accounts.services import FollowError, follow_create, follow_delete
from api.mastodon import entities
from api.mastodon.accounts import accounts_matching
from api.mastodon.base import MastodonView, ValidationFailed, id_of, keyset_page, limit_of, paged
from api.mastodon.oauth import AppCreateSerializer, app_create, application_entity
from api.mastodon.search import status_search
from api.mastodon.streaming import streaming_api_url
from core.fields import grapheme_length
from messaging.models import Notice
from posts.counts import with_member_counts
from posts.media import MediaError, media_for_post
from posts.models import Like, MediaAttachment, Post, Tag, tag_narrowing, timeline_narrowing
from posts.services import PostError, post_boost, post_create, post_delete, post_like, post_unboost, post_unlike
from posts.text import tag_normalise, text_check

VERSION = "4.3.0 (compatible; Microblog 1.0)"
# How long a replayed Idempotency-Key gives the same status back (Mastodon: an hour).
IDEMPOTENCY_SECONDS = 3600
# How deep and how many replies a status's context lists.
CONTEXT_DEPTH = 20
CONTEXT_MAX = 200


class HasToken(BasePermission):
    """Any valid token: a member's or an app's own."""

    def has_permission(self, request, view):
        return request.auth is not None


def visible_status(pk, reader=None) -> Post:
    """A status the reader may see (a boost row or an original; with `reader`, no block
    between them: PostQuerySet.for_reader), else 404."""
    pk = id_of(pk)
    posts = Post.objects.visible().for_display()
    if reader is not None:
        posts = posts.for_reader(reader, mutes=False)
    post = posts.filter(pk=pk).first() if pk else None
    if post is None:
        raise NotFound("Record not found")
    return post


def active_member(pk) -> User:
    pk = id_of(pk)
    member = User.objects.filter(pk=pk, is_active=True).first() if pk else None
    if member is None:
        raise NotFound("Record not found")
    return member


def account_of(user, **kwargs) -> dict:
    with_member_counts([user])
    return entities.account(user, **kwargs)


def relationship_change(request, pk, change, already, *, refuse_self: str = ""):
    """Apply `change(member)` to the member `pk` names and answer with the relationship
    after it; `already` (the service saying it is done already, or was never so) answers
    the same, as Mastodon does."""
    member = active_member(pk)
    if refuse_self and member.pk == request.user.pk:
        raise ValidationFailed(refuse_self)
    try:
        change(member)
    except already:
        pass
    return Response(relationships(request.user, [member])[0])


def relationships(reader, members) -> list[dict]:
    ids = [member.pk for member in members]
    following = set(Follow.objects.filter(follower=reader, followed_id__in=ids).values_list("followed_id", flat=True))
    followers = set(Follow.objects.filter(followed=reader, follower_id__in=ids).values_list("follower_id", flat=True))
    safety = {member.pk: member for member in User.objects.filter(pk__in=ids).with_safety_of(reader)}
    mutes = dict(Mute.objects.active().filter(muter=reader, muted_id__in=ids).values_list("muted_id", "notifications"))
    return [
        entities.relationship(
            member,
            following=member.pk in following,
            followed_by=member.pk in followers,
            blocking=safety[member.pk].is_blocking if member.pk in safety else False,
            blocked_by=safety[member.pk].is_blocked_by if member.pk in safety else False,
            muting=member.pk in mutes,
            muting_notifications=mutes.get(member.pk, False),
        )
        for member in members
    ]


# Apps and instance.


class AppCreateApi(MastodonView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def post(self, request):
        data = self.validated(AppCreateSerializer, request.data)
        app, secret = app_create(
            name=data["client_name"],
            redirect_uris=data["redirect_uris"],
            scopes=data["scopes"],
            website=data["website"],
        )
        return Response(application_entity(app, secret=secret))


class AppVerifyApi(MastodonView):
    permission_classes = [HasToken]

    def get(self, request):
        return Response(application_entity(request.auth.application.mastodon_app))


def _configuration() -> dict:
    return {
        "accounts": {"max_featured_tags": 0, "max_pinned_statuses": 0},
        "statuses": {
            "max_characters": settings.POST_MAX_LENGTH,
            "max_media_attachments": settings.MEDIA_MAX_ATTACHMENTS,
            "characters_reserved_per_url": 23,
        },
        "media_attachments": {
            "supported_mime_types": ["image/jpeg", "image/png", "image/webp", "image/gif"],
            "description_limit": settings.MEDIA_DESCRIPTION_MAX_LENGTH,
            "image_size_limit": settings.MEDIA_MAX_UPLOAD_BYTES,
            "image_matrix_limit": settings.MEDIA_MAX_PIXELS,
            "video_size_limit": 0,
            "video_frame_rate_limit": 0,
            "video_matrix_limit": 0,
        },
        "polls": {"max_options": 0, "max_characters_per_option": 0, "min_expiration": 0, "max_expiration": 0},
    }


def _usage() -> dict:
    """Members and posts, counted at most every ten minutes (cached)."""

    def count():
        return {
            "users": User.objects.filter(is_active=True).count(),
            "active_month": User.objects.filter(
                is_active=True, last_seen__gte=timezone.now() - timezone.timedelta(days=30)
            ).count(),
            "active_halfyear": User.objects.filter(
                is_active=True, last_seen__gte=timezone.now() - timezone.timedelta(days=180)
            ).count(),
            "posts": Post.objects.filter(deleted__isnull=True, reblog_of__isnull=True).count(),
        }

    return cache.get_or_set("mastodon:usage", count, 600)


def _host() -> str:
    return settings.SITE_URL.split("://", 1)[1]


def _registrations() -> tuple[bool, bool]:
    return getattr(settings, "ACCOUNT_ALLOW_REGISTRATION", True), False


class InstanceV1Api(MastodonView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        usage = _usage()
        open_, approval = _registrations()
        return Response(
            {
                "uri": _host(),
                "title": "Microblog",
                "short_description": "",
                "description": "",
                "email": "",
                "version": VERSION,
                "urls": {"streaming_api": streaming_api_url(request)},
                "stats": {"user_count": usage["users"], "status_count": usage["posts"], "domain_count": 0},
                "thumbnail": None,
                "languages": [code for code, _name in settings.LANGUAGES],
                "registrations": open_,
                "approval_required": approval,
                "invites_enabled": False,
                "configuration": _configuration(),
                "contact_account": None,
                "rules": [],
            }
        )


class InstanceV2Api(MastodonView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        usage = _usage()
        open_, approval = _registrations()
        return Response(
            {
                "domain": _host(),
                "title": "Microblog",
                "version": VERSION,
                "source_url": "",
                "description": "",
                "usage": {"users": {"active_month": usage["active_month"]}},
                "thumbnail": {"url": entities.absolute("/static/favicon.svg")},
                "languages": [code for code, _name in settings.LANGUAGES],
                "configuration": {
                    "urls": {"streaming": streaming_api_url(request)},
                    "translation": {"enabled": False},
                    **_configuration(),
                },
                "registrations": {"enabled": open_, "approval_required": approval, "message": None},
                "api_versions": {"mastodon": 2},
                "contact": {"email": "", "account": None},
                "rules": [],
            }
        )


class InstancePeersApi(MastodonView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        return Response([])


class CustomEmojisApi(InstancePeersApi):
    pass


def nodeinfo_index(request):
    href = entities.absolute("/nodeinfo/2.0")
    return JsonResponse({"links": [{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": href}]})


def nodeinfo(request):
    usage = _usage()
    return JsonResponse(
        {
            "version": "2.0",
            "software": {"name": "microblog", "version": "1.0"},
            "protocols": [],
            "services": {"inbound": [], "outbound": []},
            "openRegistrations": _registrations()[0],
            "usage": {
                "users": {
                    "total": usage["users"],
                    "activeMonth": usage["active_month"],
                    "activeHalfyear": usage["active_halfyear"],
                },
                "localPosts": usage["posts"],
            },
            "metadata": {},
        }
    )


# Accounts.


class VerifyCredentialsApi(MastodonView):
    scopes = {"GET": "read:accounts"}

    def get(self, request):
        return Response(account_of(request.user, credentials=True))


class AccountLookupApi(MastodonView):
    scopes = {"GET": "read:accounts"}

    def get(self, request):
        acct = request.query_params.get("acct", "").lstrip("@").split("@")[0]
        # No username has a NUL in it, and PostgreSQL refuses one in a query's text.
        member = (
            User.objects.filter(username__iexact=acct, is_active=True).first() if acct and acct.isprintable() else None
        )
        if member is None:
            raise NotFound("Record not found")
        return Response(account_of(member))


class AccountDetailApi(MastodonView):
    scopes = {"GET": "read:accounts"}

    def get(self, request, pk):
        return Response(account_of(active_member(pk)))


class AccountStatusesApi(MastodonView):
    scopes = {"GET": "read:statuses"}

    def get(self, request, pk):
        member = active_member(pk)
        if request.query_params.get("pinned") in ("true", "1"):
            return Response([])  # no pins here
        posts = Post.objects.visible().filter(author=member).for_reader(request.user, mutes=False).for_display()
        if request.query_params.get("only_media") in ("true", "1"):
            posts = posts.filter(Exists(MediaAttachment.objects.filter(post_id=OuterRef("pk"))))
        if request.query_params.get("exclude_replies") in ("true", "1"):
            posts = posts.filter(in_reply_to__isnull=True)
        if request.query_params.get("exclude_reblogs") in ("true", "1"):
            posts = posts.filter(reblog_of__isnull=True)
        rows, links = keyset_page(request, posts)
        return paged(entities.statuses(request.user, rows), links)


class _FollowListApi(MastodonView):
    scopes = {"GET": "read:accounts"}
    side = ""  # "followers" or "following"

    def get(self, request, pk):
        member = active_member(pk)
        if self.side == "followers":
            follows = Follow.objects.filter(followed=member, follower__is_active=True).select_related("follower")
        else:
            follows = Follow.objects.filter(follower=member, followed__is_active=True).select_related("followed")
        rows, links = keyset_page(request, follows)
        members = with_member_counts([row.follower if self.side == "followers" else row.followed for row in rows])
        return paged([entities.account(m) for m in members], links)


class FollowersApi(_FollowListApi):
    side = "followers"


class FollowingApi(_FollowListApi):
    side = "following"


class FollowApi(MastodonView):
    scopes = {"POST": "write:follows"}

    def post(self, request, pk):
        return relationship_change(
            request,
            pk,
            lambda member: follow_create(follower=request.user, followed=member),
            FollowError,
            refuse_self="You cannot follow yourself.",
        )


class UnfollowApi(MastodonView):
    scopes = {"POST": "write:follows"}

    def post(self, request, pk):
        return relationship_change(
            request, pk, lambda member: follow_delete(follower=request.user, followed=member), FollowError
        )


class RelationshipsApi(MastodonView):
    scopes = {"GET": "read:follows"}

    def get(self, request):
        raw = request.query_params.getlist("id[]") + request.query_params.getlist("id")
        ids = [int(pk) for pk in raw[:MAX_IDS] if pk.isdigit() and int(pk) < 2**63]
        members = {member.pk: member for member in User.objects.filter(pk__in=ids, is_active=True)}
        return Response(relationships(request.user, [members[pk] for pk in dict.fromkeys(ids) if pk in members]))


MAX_IDS = 40


# Statuses.


class StatusCreateSerializer(serializers.Serializer):
    status = serializers.CharField(allow_blank=True, required=False, default="")
    in_reply_to_id = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    quote_id = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    visibility = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    spoiler_text = serializers.CharField(required=False, allow_blank=True, allow_null=True, default="")
    sensitive = serializers.BooleanField(required=False, allow_null=True, default=False)
    scheduled_at = serializers.CharField(required=False, allow_null=True, allow_blank=True)

    def validate_status(self, text):
        if grapheme_length(text) > settings.POST_MAX_LENGTH:
            raise serializers.ValidationError(f"Text is too long (maximum is {settings.POST_MAX_LENGTH} characters)")
        if text.strip():
            try:
                text_check(text)
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.messages) from None
        return text

    def validate_visibility(self, value):
        # Only public posts exist here: a post meant for followers or mentioned people
        # alone must never be published to everyone.
        if value not in (None, "", "public", "unlisted"):
            raise serializers.ValidationError("This server publishes public statuses only")
        return value

    def validate_scheduled_at(self, value):
        # Published at once instead, it would go out before its author meant it to.
        if value:
            raise serializers.ValidationError("This server does not schedule statuses")
        return value

    def validate(self, data):
        # A poll would be published as its question alone.
        if any(key == "poll" or key.startswith("poll[") for key in self.initial_data):
            raise serializers.ValidationError({"poll": ["This server has no polls"]})
        # Text may be left out when images carry the status (media_ids, read by media_ids_of).
        if not data["status"].strip() and not self.context.get("has_media"):
            raise serializers.ValidationError({"status": ["Text can't be blank"]})
        return data


def media_ids_of(data) -> list[int] | None:
    """`media_ids` of a form (media_ids[]) or a JSON body, as row ids; None when the
    request names none (an edit then keeps the images). A malformed id is a 422."""
    if hasattr(data, "getlist"):
        if "media_ids[]" not in data and "media_ids" not in data:
            return None
        raw = data.getlist("media_ids[]") + data.getlist("media_ids")
    else:
        if "media_ids" not in data:
            return None
        raw = data.get("media_ids") or []
        raw = raw if isinstance(raw, list) else [raw]
    ids = [id_of(value) for value in raw if value not in ("", None)]
    if None in ids:
        raise ValidationFailed("media_ids: not a media attachment id")
    return ids


def attachments_for(request, ids: list[int] | None, post: Post | None = None):
    """The member's uploads `ids` names, checked (posts.media.media_for_post), or a 422."""
    if not ids:
        return [] if ids is not None else None
    try:
        return media_for_post(owner=request.user, ids=ids, post=post)
    except MediaError as error:
        raise ValidationFailed(str(error.message)) from None


class StatusCreateApi(MastodonView):
    scopes = {"POST": "write:statuses"}

    def post(self, request):
        key = request.headers.get("Idempotency-Key", "")[:200]
        cache_key = None
        if key:
            digest = hashlib.sha256(key.encode()).hexdigest()
            cache_key = f"mastodon:idempotency:{request.user.pk}:{digest}"
            if (done := cache.get(cache_key)) is not None:
                return Response(entities.statuses(request.user, [visible_status(done)])[0])
        ids = media_ids_of(request.data)
        serializer = StatusCreateSerializer(data=request.data, context={"has_media": bool(ids)})
        if not serializer.is_valid():
            raise ValidationFailed(serializer.errors)
        data = serializer.validated_data
        parent = visible_status(data["in_reply_to_id"], request.user) if data.get("in_reply_to_id") else None
        quoted = visible_status(data["quote_id"], request.user) if data.get("quote_id") else None
        attachments = attachments_for(request, ids)
        try:
            post = post_create(
                author=request.user,
                body=data["status"],
                in_reply_to=parent,
                quote_of=quoted,
                attachments=attachments or (),
                spoiler_text=data.get("spoiler_text") or "",
                sensitive=bool(data.get("sensitive")),
            )
        except PostError as error:
            raise ValidationFailed(" ".join(error.messages)) from None
        if cache_key:
            cache.set(cache_key, post.pk, IDEMPOTENCY_SECONDS)
        return Response(entities.statuses(request.user, [visible_status(post.pk)])[0])


class StatusDetailApi(MastodonView):
    scopes = {"GET": "read:statuses", "DELETE": "write:statuses"}

    def get(self, request, pk):
        return Response(entities.statuses(request.user, [visible_status(pk, request.user)])[0])

    def delete(self, request, pk):
        post = visible_status(pk)
        if post.author_id != request.user.pk:
            raise NotFound("Record not found")
        entity = entities.statuses(request.user, [post])[0]
        entity["text"] = post.body
        post_delete(post=post)
        return Response(entity)


class StatusContextApi(MastodonView):
    scopes = {"GET": "read:statuses"}

    def get(self, request, pk):
        post = visible_status(pk, request.user)
        if post.is_boost:
            post = post.reblog_of
        above = Post.objects.thread_above(post).for_reader(request.user, mutes=False)
        ancestors = [p for p in above if not p.is_deleted and p.author.is_active]
        # Replies level by level: one query per level, bounded in depth and number.
        descendants, level = [], [post.pk]
        for _depth in range(CONTEXT_DEPTH):
            if not level or len(descendants) >= CONTEXT_MAX:
                break
            found = list(
                Post.objects.visible()
                .filter(in_reply_to_id__in=level)
                .for_reader(request.user)
                .for_display()
                .order_by("created", "id")[: CONTEXT_MAX - len(descendants)]
            )
            descendants.extend(found)
            level = [p.pk for p in found]
        descendants.sort(key=lambda p: (p.created, p.pk))
        page = entities.page_for(request.user, ancestors + descendants)
        return Response(
            {
                "ancestors": [entities.status(p, page) for p in ancestors],
                "descendants": [entities.status(p, page) for p in descendants],
            }
        )


class _StatusActionApi(MastodonView):
    service = None  # the posts service the endpoint calls

    def post(self, request, pk):
        post = visible_status(pk, request.user)
        original = post.reblog_of if post.is_boost else post
        type(self).service(member=request.user, post=original)
        if type(self).service is post_boost:
            boost = Post.objects.visible().for_display().get(author=request.user, reblog_of=original)
            return Response(entities.statuses(request.user, [boost])[0])
        return Response(entities.statuses(request.user, [visible_status(original.pk)])[0])


class FavouriteApi(_StatusActionApi):
    scopes = {"POST": "write:favourites"}
    service = post_like


class UnfavouriteApi(_StatusActionApi):
    scopes = {"POST": "write:favourites"}
    service = post_unlike


class ReblogApi(_StatusActionApi):
    scopes = {"POST": "write:statuses"}
    service = post_boost


class UnreblogApi(_StatusActionApi):
    scopes = {"POST": "write:statuses"}
    service = post_unboost


def _accounts_page(request, rows, member_of):
    """A keyset page of `rows` (likes or boosts) as the Accounts of `member_of(row)`."""
    page, links = keyset_page(request, rows)
    members = with_member_counts([member_of(row) for row in page])
    return paged([entities.account(m) for m in members], links)


class FavouritedByApi(MastodonView):
    scopes = {"GET": "read:accounts"}

    def get(self, request, pk):
        post = visible_status(pk)
        likes = Like.objects.filter(post=post.reblog_of or post, member__is_active=True).select_related("member")
        return _accounts_page(request, likes, lambda like: like.member)


class RebloggedByApi(MastodonView):
    scopes = {"GET": "read:accounts"}

    def get(self, request, pk):
        post = visible_status(pk)
        boosts = Post.objects.filter(reblog_of=post.reblog_of or post, author__is_active=True).select_related("author")
        return _accounts_page(request, boosts, lambda boost: boost.author)


# Timelines.


class HomeTimelineApi(MastodonView):
    scopes = {"GET": "read:statuses"}

    def get(self, request):
        posts = Post.objects.timeline_for(request.user)
        rows, links = keyset_page(request, posts, narrow=timeline_narrowing(request.user))
        return paged(entities.statuses(request.user, rows), links)


class PublicTimelineApi(MastodonView):
    scopes = {"GET": "read:statuses"}

    def get(self, request):
        if request.query_params.get("remote") in ("true", "1"):
            return paged([], {})  # every status here is local
        posts = Post.objects.visible().originals().for_reader(request.user, words=True).newest_first()
        rows, links = keyset_page(request, posts)
        return paged(entities.statuses(request.user, rows), links)


class TagTimelineApi(MastodonView):
    scopes = {"GET": "read:statuses"}

    def get(self, request, hashtag):
        # No tag has a NUL in it, and PostgreSQL refuses one in a query's text.
        tag = Tag.objects.filter(name=tag_normalise(hashtag)).first() if "\x00" not in hashtag else None
        if tag is None:
            return paged([], {})
        posts = Post.objects.tagged(tag).for_reader(request.user, words=True)
        rows, links = keyset_page(request, posts, narrow=tag_narrowing(tag, request.user))
        return paged(entities.statuses(request.user, rows), links)


# Notifications.


def _notice_kinds(types) -> set:
    return {kind for kind, name in entities.NOTIFICATION_TYPES.items() if name in types}


class NotificationListApi(MastodonView):
    scopes = {"GET": "read:notifications"}

    def get(self, request):
        notices = Notice.objects.for_recipient(request.user).select_related("actor")
        types = request.query_params.getlist("types[]") + request.query_params.getlist("types")
        excluded = request.query_params.getlist("exclude_types[]") + request.query_params.getlist("exclude_types")
        if types:
            kinds = _notice_kinds(types)
            if not kinds:  # only types this server never makes: nothing (and no empty IN to compile)
                return Response([])
            notices = notices.filter(kind__in=kinds)
        if excluded:
            notices = notices.exclude(kind__in=_notice_kinds(excluded))
        rows, links = keyset_page(request, notices)
        return paged(entities.notifications(request.user, rows), links)


class NotificationDetailApi(MastodonView):
    scopes = {"GET": "read:notifications"}

    def get(self, request, pk):
        notice = get_object_or_404(Notice.objects.for_recipient(request.user).select_related("actor"), pk=id_of(pk))
        found = entities.notifications(request.user, [notice])
        if not found:
            raise NotFound("Record not found")
        return Response(found[0])


class NotificationDismissApi(MastodonView):
    scopes = {"POST": "write:notifications"}

    def post(self, request, pk):
        get_object_or_404(Notice, pk=id_of(pk), recipient=request.user).delete()
        return Response({})


class NotificationClearApi(MastodonView):
    scopes = {"POST": "write:notifications"}

    def post(self, request):
        Notice.objects.filter(recipient=request.user).delete()
        return Response({})


# Search.


class SearchApi(MastodonView):
    scopes = {"GET": "read:search"}

    def get(self, request):
        # PostgreSQL refuses a NUL in a query's text with an error, not an empty result.
        q = request.query_params.get("q", "").replace("\x00", "").strip()[:200]
        kind = request.query_params.get("type", "")
        limit = limit_of(request)
        found = {"accounts": [], "statuses": [], "hashtags": []}
        if not q:
            return Response(found)
        name = q.lstrip("@#").split("@")[0]
        if kind in ("", "accounts") and name:
            found["accounts"] = [entities.account(m) for m in accounts_matching(name, limit, reader=request.user)]
        if kind in ("", "hashtags") and name:
            tags = Tag.objects.filter(name__startswith=tag_normalise(name)).order_by("name")[:limit]
            found["hashtags"] = [entities.tag(found_tag.name) for found_tag in tags]
        if kind in ("", "statuses") and not q.startswith(("@", "#")):
            offset = id_of(request.query_params.get("offset")) or 0
            found["statuses"] = status_search(request.user, q, limit=limit, offset=offset)
        return Response(found)
