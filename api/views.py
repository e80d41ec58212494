"""The Microblog API. Views fetch what the member may see (404 otherwise),
validate with explicit serializers or the site's own forms, and call the same
services as the HTML views."""

import datetime

from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm
from django.conf import settings
from django.db import IntegrityError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import signup
from accounts.deletion import account_delete_start
from accounts.forms import AccountDeleteForm, ProfileForm
from accounts.models import User
from accounts.services import FollowError, follow_create, follow_delete
from api import serializers as s
from api.authentication import BasicAuthentication, BearerTokenAuthentication
from api.pagination import MicroblogPagination
from api.services import token_issue, token_revoke, user_signup, user_update
from api.throttling import TokenRateThrottle, TokenUsernameRateThrottle
from messaging.models import Message, Notification
from messaging.services import MessageError, message_send, notices_mark_read
from posts.counts import with_member_counts
from posts.fragments import media_preload
from posts.media import MediaError, media_for_post
from posts.models import Post, PostTag, Tag, reader_state, timeline_narrowing
from posts.notices import POST_KINDS, notices_for, subject_posts
from posts.services import (
    PostError,
    post_boost,
    post_create,
    post_delete,
    post_edit,
    post_like,
    post_unboost,
    post_unlike,
)
from posts.tags import tag_follow, tag_name_clean, tag_unfollow


def errors(*codes):
    """Schema entries for the error answers an operation documents."""
    return {code: OpenApiResponse(s.ErrorSerializer) for code in codes}


PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description=gettext_lazy("Page number, from 1.")),
    OpenApiParameter("per_page", int, description=gettext_lazy("Items per page, at most 100.")),
]
# The post lists that page by key: their _links carry a cursor (page is null on those pages).
CURSOR_PARAMETERS = [
    *PAGE_PARAMETERS,
    OpenApiParameter("before", str, description=gettext_lazy("Cursor from _links.next: the posts older than it.")),
    OpenApiParameter("after", str, description=gettext_lazy("Cursor from _links.prev: the posts newer than it.")),
]


# Two requests claimed the same username or email at once; the database constraint
# stopped the second after the form's check passed.
LOST_RACE = gettext_lazy("This username or email address was taken a moment ago.")


def members():
    """Active members; UserSerializer also needs their counts (counted, or paginated's prepare)."""
    return User.objects.filter(is_active=True)


def counted(member: User) -> User:
    """`member` with the post and follow counts UserSerializer shows (cached: posts.counts)."""
    return with_member_counts([member])[0]


def reader_context(request, posts) -> dict:
    """The serializer context with what the reader liked and boosted among `posts`
    (a boost counts as its original): one query for the page."""
    liked, boosted, _bookmarked = reader_state(request.user, [post.reblog_of_id or post.pk for post in posts])
    # And their images (a boost's: its original's), in one more query.
    media_preload(posts)
    return {"request": request, "liked": liked, "boosted": boosted}


def paginated(view, queryset, serializer_class, prepare=None, count=None, count_key=None, cursor=None):
    """The page of `queryset` the request names, serialized; `prepare(rows)` may
    load what the serializer needs for the whole page at once, and `count()`
    count the rows more cheaply than the queryset would (cached by `count_key` when
    large); `cursor` pages by key (MicroblogPagination). Posts get the reader's flags."""
    paginator = MicroblogPagination()
    page = paginator.paginate_queryset(
        queryset, view.request, view=view, count=count, count_key=count_key, cursor=cursor
    )
    rows = prepare(page) if prepare else page
    context = {"request": view.request}
    if issubclass(serializer_class, s.PostCoreSerializer):
        context = reader_context(view.request, rows)
    data = serializer_class(rows, many=True, context=context).data
    return paginator.get_paginated_response(data)


def validated(serializer_class, request, **kwargs):
    if not isinstance(request.data, dict):
        raise exceptions.ValidationError(_("The request body must be a JSON object."))
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def form_errors(form, renamed=None) -> exceptions.ValidationError:
    """A Django form's errors as a 400, under the API's field names."""
    renamed = renamed or {}
    return exceptions.ValidationError({renamed.get(field, field): errs for field, errs in form.errors.items()})


class TokenApi(APIView):
    """POST with HTTP Basic credentials to get a token; DELETE with the token to revoke it."""

    # Checked in the handlers after throttling, so every failed password guess is counted.
    permission_classes = []

    def initialize_request(self, request, *args, **kwargs):
        # get_authenticators needs the method before DRF wraps the request (also for the schema's mock requests).
        self.request = request
        return super().initialize_request(request, *args, **kwargs)

    def get_authenticators(self):
        if self.request.method == "POST":
            return [BasicAuthentication()]
        return [BearerTokenAuthentication()]

    def get_throttles(self):
        if self.request.method == "POST":
            return [TokenRateThrottle(), TokenUsernameRateThrottle()]
        return super().get_throttles()

    def perform_authentication(self, request):
        """Deferred: the handler reads request.user, after the throttle ran."""

    def _require_user(self, request):
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()

    @extend_schema(
        operation_id="tokens_create",
        request=None,
        parameters=[
            OpenApiParameter(
                "X-OTP",
                str,
                location=OpenApiParameter.HEADER,
                description=gettext_lazy(
                    "Required when the member has two-factor login on: the current code from the "
                    "authenticator app, or one of the recovery codes."
                ),
            )
        ],
        responses={200: s.TokenSerializer, **errors(401, 429)},
        description=gettext_lazy(
            "Exchange a username (or email) and password, sent with HTTP Basic, for a bearer token. "
            "With two-factor login on, the code goes in the X-OTP header; without it the answer is 401 "
            "with the header X-OTP: required. Wrong passwords and codes count toward the same lockout "
            "as the login page's, and a locked account gets 429 even with the right password. "
            "A new password or turning two-factor login on revokes the member's token."
        ),
    )
    def post(self, request):
        self._require_user(request)
        return Response({"token": token_issue(user=request.user)})

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        # Tells a client that the password was right and a code is what is missing (as GitHub's X-GitHub-OTP).
        if getattr(exc, "code_needed", False):
            response["X-OTP"] = "required"
        return response

    @extend_schema(
        operation_id="tokens_destroy",
        responses={204: None, **errors(401)},
        description=gettext_lazy("Revoke the bearer token sent with the request."),
    )
    def delete(self, request):
        self._require_user(request)
        token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserListApi(APIView):
    def get_permissions(self):
        # Signing up needs no account.
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(
        parameters=PAGE_PARAMETERS, responses={200: s.UserPageSerializer, **errors(401)}, operation_id="users_list"
    )
    def get(self, request):
        return paginated(self, members().order_by("id"), s.UserSerializer, prepare=with_member_counts)

    @extend_schema(
        operation_id="users_create",
        request=s.UserCreateSerializer,
        responses={201: s.UserSerializer, 202: s.SignupPendingSerializer, **errors(400)},
        description=gettext_lazy(
            "Sign up; the same rules as the sign-up page apply. Where addresses must be confirmed, "
            "the answer is 202 with a message whether or not the address was already in use."
        ),
    )
    def post(self, request):
        data = validated(s.UserCreateSerializer, request)
        self._signup_allowed(request, data)
        form = SignupForm(
            data={
                "username": data["username"],
                "email": data["email"],
                "password1": data["password"],
                "password2": data["password"],
            }
        )
        if not form.is_valid():
            raise form_errors(form, renamed={"password1": "password", "password2": "password"})
        if settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory":
            return self._signup_to_confirm(request, form)
        try:
            user = user_signup(request=request._request, form=form)
        except IntegrityError:
            raise exceptions.ValidationError(LOST_RACE) from None
        except signup.InviteError as error:
            raise exceptions.ValidationError({"invite": [str(error)]}) from None
        if not user.is_active:
            # Approval mode: the account waits for the moderators (accounts.signup).
            message = _("Thank you. The moderators will review your application and email you.")
            return Response({"message": message}, status=status.HTTP_202_ACCEPTED)
        member = counted(members().get(pk=user.pk))
        # The new member is the one asking, for the email field's sake.
        request.user = member
        body = s.UserSerializer(member, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": body["_links"]["self"]})

    @staticmethod
    def _signup_allowed(request, data):
        """The sign-up page's mode rules (accounts.signup): 403 when closed, or in invite
        mode without a usable invite; 400 for a bad invite or, in approval mode, no reason."""
        mode = signup.signup_mode()
        if mode == signup.CLOSED:
            raise exceptions.PermissionDenied(signup.MODE_TEXT[mode])
        code = data.get("invite", "")
        if code:
            try:
                signup.invite_check(code)
            except signup.InviteError as error:
                raise exceptions.ValidationError({"invite": [str(error)]}) from None
            request._request.signup_invite = code
        elif mode == signup.INVITE:
            raise exceptions.PermissionDenied(signup.MODE_TEXT[mode])
        elif mode == signup.APPROVAL:
            if not data.get("reason", "").strip():
                raise exceptions.ValidationError({"reason": [_("Tell the moderators why you want to join.")]})
            request._request.signup_reason = data["reason"].strip()

    @staticmethod
    def _signup_to_confirm(request, form):
        """With mandatory confirmation nobody can use the account before following the
        mailed link, so a free and a taken address get the same answer, as on the
        sign-up page: the owner of a taken one is mailed that they already have an account."""
        if form.account_already_exists:
            get_adapter(request._request).send_account_already_exists_mail(form.cleaned_data["email"])
        else:
            try:
                user_signup(request=request._request, form=form)
            except IntegrityError:
                raise exceptions.ValidationError(LOST_RACE) from None
            except signup.InviteError as error:
                raise exceptions.ValidationError({"invite": [str(error)]}) from None
        message = _("Check your email: we sent you a link to confirm your address and finish signing up.")
        return Response({"message": message}, status=status.HTTP_202_ACCEPTED)


class UserDetailApi(APIView):
    @extend_schema(responses={200: s.UserSerializer, **errors(401, 404)}, operation_id="users_retrieve")
    def get(self, request, pk):
        member = counted(get_object_or_404(members(), pk=pk))
        return Response(s.UserSerializer(member, context={"request": request}).data)

    @extend_schema(
        operation_id="users_update",
        request=s.UserUpdateSerializer,
        responses={200: s.UserSerializer, 202: s.SignupPendingSerializer, **errors(400, 401, 403, 404)},
        description=gettext_lazy(
            "Change your own username, email or about me; other fields are ignored. A new email address "
            "is confirmed by a link mailed to it: the answer is then 202 with a message, whether or not "
            "the address was already in use."
        ),
    )
    def put(self, request, pk):
        # Before the lookup, as in the original: nobody learns which ids exist.
        if pk != request.user.pk:
            raise exceptions.PermissionDenied(_("You can only change your own account."))
        data = validated(s.UserUpdateSerializer, request)
        member = User.objects.get(pk=request.user.pk)
        # The profile page's form: signup's username rules, case-insensitive uniqueness.
        # The rest of the profile (display name, fields, language, theme, noindex) as it is.
        form = ProfileForm(
            {
                **ProfileForm.data_of(member),
                "username": data.get("username", member.username),
                "about_me": data.get("about_me", member.about_me),
            },
            instance=member,
        )
        if not form.is_valid():
            raise form_errors(form)
        email = data.get("email")
        try:
            email_pending = user_update(request=request._request, user=member, profile=form, email=email)
        except IntegrityError:
            raise exceptions.ValidationError(LOST_RACE) from None
        if email_pending:
            # The same answer whether the address is free or another member's (no enumeration).
            message = _("Check your email: we sent a link to the new address; it becomes yours when you follow it.")
            return Response({"message": message}, status=status.HTTP_202_ACCEPTED)
        member = counted(members().get(pk=member.pk))
        return Response(s.UserSerializer(member, context={"request": request}).data)

    @extend_schema(
        operation_id="users_destroy",
        request=s.AccountDeleteSerializer,
        responses={202: s.SignupPendingSerializer, **errors(400, 401, 403)},
        description=gettext_lazy(
            "Delete your own account: your password, and your two-factor code when it is on. The account "
            "stops working at once; everything you made is deleted within minutes, and the username stays "
            "reserved."
        ),
    )
    def delete(self, request, pk):
        if pk != request.user.pk:
            raise exceptions.PermissionDenied(_("You can only delete your own account."))
        data = validated(s.AccountDeleteSerializer, request)
        member = User.objects.get(pk=request.user.pk)
        form = AccountDeleteForm(data, user=member)
        if not form.is_valid():
            raise form_errors(form)
        account_delete_start(user=member)
        message = _("Your account is being deleted. Everything you made will be gone in a few minutes.")
        return Response({"message": message}, status=status.HTTP_202_ACCEPTED)


def _member_or_404(pk):
    return get_object_or_404(User, pk=pk, is_active=True)


class FollowersApi(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: s.UserPageSerializer, **errors(401, 404)},
        operation_id="users_followers",
    )
    def get(self, request, pk):
        member = _member_or_404(pk)
        queryset = members().filter(following_set__followed=member).order_by("-following_set__created", "-id")
        return paginated(self, queryset, s.UserSerializer, prepare=with_member_counts)


class FollowingApi(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: s.UserPageSerializer, **errors(401, 404)},
        operation_id="users_following",
    )
    def get(self, request, pk):
        member = _member_or_404(pk)
        queryset = members().filter(follower_set__follower=member).order_by("-follower_set__created", "-id")
        return paginated(self, queryset, s.UserSerializer, prepare=with_member_counts)


class FollowApi(APIView):
    @extend_schema(request=None, responses={204: None, **errors(400, 401, 404)}, operation_id="users_follow")
    def post(self, request, pk):
        try:
            follow_create(follower=request.user, followed=_member_or_404(pk))
        except FollowError as error:
            raise exceptions.ValidationError(str(error)) from None
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={204: None, **errors(400, 401, 404)}, operation_id="users_unfollow")
    def delete(self, request, pk):
        try:
            follow_delete(follower=request.user, followed=get_object_or_404(User, pk=pk))
        except FollowError as error:
            raise exceptions.ValidationError(str(error)) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserPostsApi(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: s.PostPageSerializer, **errors(401, 404)},
        operation_id="users_posts",
    )
    def get(self, request, pk):
        posts = Post.objects.by_author(_member_or_404(pk)).for_reader(request.user, mutes=False)
        return paginated(self, posts, s.PostSerializer)


def _post_or_404(request, pk) -> Post:
    """A post the member may see and act on: not deleted, not a boost row, author active,
    no block between them."""
    return get_object_or_404(Post.objects.likeable().for_reader(request.user, mutes=False).for_display(), pk=pk)


def _one_post(request, post, status_code=status.HTTP_200_OK, headers=None):
    """`post` as read again after a write (fresh counts), with the reader's flags."""
    post = Post.objects.for_display().get(pk=post.pk)
    body = s.PostSerializer(post, context=reader_context(request, [post])).data
    return Response(body, status=status_code, headers=headers)


def _target(data, name: str) -> Post | None:
    """The post `data[name]` names, checked as the HTML views check it (400 if it is gone)."""
    if name not in data:
        return None
    post = Post.objects.filter(pk=data[name], reblog_of__isnull=True, author__is_active=True).first()
    if post is None:
        raise exceptions.ValidationError({name: [_("There is no post with this id.")]})
    return post


class PostListApi(APIView):
    @extend_schema(
        parameters=CURSOR_PARAMETERS,
        responses={200: s.PostPageSerializer, **errors(401)},
        operation_id="posts_list",
        description=gettext_lazy("Explore: everyone's original posts (no replies, no boosts), newest first."),
    )
    def get(self, request):
        posts = Post.objects.visible().originals().for_reader(request.user, words=True).newest_first()
        return paginated(self, posts, s.PostSerializer, count_key="explore", cursor={})

    @extend_schema(
        request=s.PostCreateSerializer,
        responses={201: s.PostSerializer, **errors(400, 401)},
        operation_id="posts_create",
        description=gettext_lazy(
            "Publish a post; with in_reply_to it answers that post, with quote_of it quotes one, with "
            "media_ids it shows those uploads (POST /api/media)."
        ),
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description=gettext_lazy(
                    "A key of your choosing, new for each post: a request repeated with the same key "
                    "(a retry) publishes nothing more and answers with the post the first one published."
                ),
            )
        ],
    )
    def post(self, request):
        data = validated(s.PostCreateSerializer, request)
        try:
            attachments = media_for_post(owner=request.user, ids=data["media_ids"]) if data["media_ids"] else ()
            post = post_create(
                author=request.user,
                body=data["body"],
                in_reply_to=_target(data, "in_reply_to"),
                quote_of=_target(data, "quote_of"),
                # Mastodon clients send one with every post.
                idempotency_key=request.headers.get("Idempotency-Key", ""),
                attachments=attachments,
            )
        except MediaError as error:
            raise exceptions.ValidationError({"media_ids": [error.message]}) from None
        except PostError as error:
            raise exceptions.ValidationError(error.message) from None
        location = reverse("api:post-detail", args=[post.pk])
        return _one_post(request, post, status.HTTP_201_CREATED, headers={"Location": location})


class PostDetailApi(APIView):
    @extend_schema(responses={200: s.PostSerializer, **errors(401, 404)}, operation_id="posts_retrieve")
    def get(self, request, pk):
        return _one_post(
            request, get_object_or_404(Post.objects.visible().for_reader(request.user, mutes=False), pk=pk)
        )

    @extend_schema(
        request=s.PostUpdateSerializer,
        responses={200: s.PostSerializer, **errors(400, 401, 403, 404)},
        operation_id="posts_update",
        description=gettext_lazy("Edit your own post's text; the earlier text is kept (see history)."),
    )
    def put(self, request, pk):
        post = _post_or_404(request, pk)
        if post.author_id != request.user.pk:
            raise exceptions.PermissionDenied(_("You can only edit your own posts."))
        data = validated(s.PostUpdateSerializer, request)
        post_edit(post=post, body=data["body"])
        return _one_post(request, post)

    @extend_schema(
        responses={204: None, **errors(401, 403, 404)},
        operation_id="posts_destroy",
        description=gettext_lazy(
            "Delete a post: its author, or a moderator (posts.delete_post permission). "
            "Replies to it stay; it then shows as deleted in their thread."
        ),
    )
    def delete(self, request, pk):
        post = get_object_or_404(Post.objects.visible(), pk=pk)
        if post.author_id != request.user.pk and not request.user.has_perm("posts.delete_post"):
            raise exceptions.PermissionDenied(_("You can only delete your own posts."))
        post_delete(post=post)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PostContextApi(APIView):
    @extend_schema(
        responses={200: s.PostContextSerializer, **errors(401, 404)},
        operation_id="posts_context",
        description=gettext_lazy("The thread above a post; its replies are at _links.replies."),
    )
    def get(self, request, pk):
        post = _post_or_404(request, pk)
        above = Post.objects.thread_above(post).for_reader(request.user, mutes=False)
        ancestors = [row for row in above if not row.is_deleted and row.author.is_active]
        return Response(
            {"ancestors": s.PostCoreSerializer(ancestors, many=True, context=reader_context(request, ancestors)).data}
        )


class PostRepliesApi(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: s.PostPageSerializer, **errors(401, 404)},
        operation_id="posts_replies",
        description=gettext_lazy("Direct replies to a post, newest first (each has its own replies link)."),
    )
    def get(self, request, pk):
        post = _post_or_404(request, pk)
        replies = Post.objects.replies_to(post).filter(deleted__isnull=True).for_reader(request.user)
        return paginated(self, replies, s.PostSerializer)


class PostHistoryApi(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: s.PostRevisionPageSerializer, **errors(401, 404)},
        operation_id="posts_history",
        description=gettext_lazy("The texts a post had before each edit, newest first."),
    )
    def get(self, request, pk):
        return paginated(
            self, _post_or_404(request, pk).revisions.order_by("-created", "-id"), s.PostRevisionSerializer
        )


class PostLikeApi(APIView):
    @extend_schema(request=None, responses={200: s.PostSerializer, **errors(401, 404)}, operation_id="posts_like")
    def post(self, request, pk):
        post = _post_or_404(request, pk)
        post_like(member=request.user, post=post)
        return _one_post(request, post)

    @extend_schema(responses={200: s.PostSerializer, **errors(401, 404)}, operation_id="posts_unlike")
    def delete(self, request, pk):
        post = _post_or_404(request, pk)
        post_unlike(member=request.user, post=post)
        return _one_post(request, post)


class PostBoostApi(APIView):
    @extend_schema(request=None, responses={200: s.PostSerializer, **errors(401, 404)}, operation_id="posts_boost")
    def post(self, request, pk):
        post = _post_or_404(request, pk)
        post_boost(member=request.user, post=post)
        return _one_post(request, post)

    @extend_schema(responses={200: s.PostSerializer, **errors(401, 404)}, operation_id="posts_unboost")
    def delete(self, request, pk):
        post = _post_or_404(request, pk)
        post_unboost(member=request.user, post=post)
        return _one_post(request, post)


class TimelineApi(APIView):
    @extend_schema(
        parameters=CURSOR_PARAMETERS,
        responses={200: s.PostPageSerializer, **errors(401)},
        operation_id="timeline",
        description=gettext_lazy(
            "Your home timeline: your posts and those of the members you follow, their boosts "
            "(each boosted post once), and replies between members you follow."
        ),
    )
    def get(self, request):
        user = request.user
        return paginated(
            self,
            Post.objects.timeline_for(user),
            s.PostSerializer,
            count=lambda: Post.objects.timeline_count_for(user),
            count_key=f"timeline:{user.pk}",
            cursor={"narrow": timeline_narrowing(user)},
        )


class MessageListApi(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: s.MessagePageSerializer, **errors(401)},
        operation_id="messages_list",
        description=gettext_lazy("Your inbox: messages you received, newest first. Reading here marks nothing read."),
    )
    def get(self, request):
        messages = Message.objects.inbox_for(request.user).select_related("recipient")
        return paginated(self, messages, s.MessageSerializer)

    @extend_schema(
        request=s.MessageCreateSerializer,
        responses={201: s.MessageSerializer, **errors(400, 401)},
        operation_id="messages_create",
    )
    def post(self, request):
        data = validated(s.MessageCreateSerializer, request)
        recipient = User.objects.filter(pk=data["recipient"]).first()
        if recipient is None:
            raise exceptions.ValidationError({"recipient": [_("There is no member with this id.")]})
        try:
            message = message_send(sender=request.user, recipient=recipient, body=data["body"])
        except MessageError as error:
            raise exceptions.ValidationError({"recipient": [str(error)]}) from None
        return Response(s.MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class NotificationListApi(APIView):
    @extend_schema(
        parameters=[s.NotificationQuerySerializer, *PAGE_PARAMETERS],
        responses={200: s.NotificationPageSerializer, **errors(400, 401)},
        operation_id="notifications_list",
        description=gettext_lazy("What changed for you after ?since= (unread messages, job progress), oldest first."),
    )
    def get(self, request):
        query = s.NotificationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        since = datetime.datetime.fromtimestamp(query.validated_data["since"], tz=datetime.UTC)
        rows = Notification.objects.filter(user=request.user, timestamp__gt=since).order_by("timestamp", "id")
        return paginated(self, rows, s.NotificationSerializer)


# tags: hashtags, followed tags and the notifications list.


def _tag_or_404(raw: str) -> Tag:
    name = tag_name_clean(raw)
    if name is None:
        raise exceptions.NotFound(_("That is not a hashtag."))
    return get_object_or_404(Tag, name=name)


class TagPostsApi(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: s.PostPageSerializer, **errors(401, 404)},
        operation_id="tags_posts",
        description=gettext_lazy("The posts with this hashtag (any case; without the #), newest first."),
    )
    def get(self, request, tag):
        found = _tag_or_404(tag)
        count = PostTag.objects.filter(tag=found, author__is_active=True).count
        posts = Post.objects.tagged(found).for_reader(request.user, words=True)
        return paginated(self, posts, s.PostSerializer, count=count)


class TagFollowApi(APIView):
    @extend_schema(
        request=None,
        responses={204: None, **errors(401, 404)},
        operation_id="tags_follow",
        description=gettext_lazy("Follow a hashtag: its posts join your home timeline. Twice is once."),
    )
    def post(self, request, tag):
        name = tag_name_clean(tag)
        if name is None:
            raise exceptions.NotFound(_("That is not a hashtag."))
        found, _created = Tag.objects.get_or_create(name=name)
        tag_follow(user=request.user, tag=found)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        responses={204: None, **errors(401, 404)},
        operation_id="tags_unfollow",
        description=gettext_lazy("Stop following a hashtag. Not following it is no error."),
    )
    def delete(self, request, tag):
        tag_unfollow(user=request.user, tag=_tag_or_404(tag))
        return Response(status=status.HTTP_204_NO_CONTENT)


class FollowedTagListApi(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: s.TagPageSerializer, **errors(401)},
        operation_id="followed_tags_list",
        description=gettext_lazy("The hashtags you follow, most recently followed first."),
    )
    def get(self, request):
        tags = Tag.objects.filter(followers__user=request.user).order_by("-followers__created", "-id")
        return paginated(self, tags, s.TagSerializer)


def _with_subject_posts(notices):
    """The page's notices with their posts (one query); those whose post is gone or hidden left out."""
    posts = subject_posts(notices)
    media_preload(list(posts.values()))
    shown = []
    for notice in notices:
        notice.subject_post = posts.get(notice.subject_id) if notice.kind in POST_KINDS else None
        if notice.kind not in POST_KINDS or notice.subject_post is not None:
            shown.append(notice)
    return shown


class NoticeListApi(APIView):
    @extend_schema(
        parameters=[s.NoticeQuerySerializer, *PAGE_PARAMETERS],
        responses={200: s.NoticePageSerializer, **errors(400, 401)},
        operation_id="notices_list",
        description=gettext_lazy(
            "Your notifications page's entries, newest first, one per notice (the page groups them). "
            "Reading here marks nothing read."
        ),
    )
    def get(self, request):
        query = s.NoticeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        notices = notices_for(request.user, only=query.validated_data["filter"])
        return paginated(self, notices, s.NoticeSerializer, prepare=_with_subject_posts)


class NoticeReadApi(APIView):
    @extend_schema(
        request=None,
        responses={204: None, **errors(401)},
        operation_id="notices_mark_read",
        description=gettext_lazy("Mark all your notifications read, as opening the page does."),
    )
    def post(self, request):
        notices_mark_read(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
