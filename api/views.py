"""The Microblog API. Views fetch what the member may see (404 otherwise),
validate with explicit serializers or the site's own forms, and call the same
services as the HTML views."""

import datetime

from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm
from allauth.account.models import EmailAddress
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

from accounts.forms import ProfileForm
from accounts.models import User
from accounts.services import FollowError, follow_create, follow_delete
from api import serializers as s
from api.authentication import BasicAuthentication, BearerTokenAuthentication
from api.pagination import MicroblogPagination
from api.services import token_issue, token_revoke, user_signup, user_update
from api.throttling import TokenRateThrottle, TokenUsernameRateThrottle
from messaging.models import Message, Notification
from messaging.services import MessageError, message_send
from posts.counts import with_member_counts
from posts.models import Post
from posts.services import post_create


def errors(*codes):
    """Schema entries for the error answers an operation documents."""
    return {code: OpenApiResponse(s.ErrorSerializer) for code in codes}


PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description=gettext_lazy("Page number, from 1.")),
    OpenApiParameter("per_page", int, description=gettext_lazy("Items per page, at most 100.")),
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


def paginated(view, queryset, serializer_class, prepare=None, count=None):
    """The page of `queryset` the request names, serialized; `prepare(rows)` may
    load what the serializer needs for the whole page at once, and `count()`
    count the rows more cheaply than the queryset would."""
    paginator = MicroblogPagination()
    page = paginator.paginate_queryset(queryset, view.request, view=view, count=count)
    rows = prepare(page) if prepare else page
    data = serializer_class(rows, many=True, context={"request": view.request}).data
    return paginator.get_paginated_response(data)


def validated(serializer_class, request, **kwargs):
    if not isinstance(request.data, dict):
        raise exceptions.ValidationError(_("The request body must be a JSON object."))
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def email_in_use(email: str, *, besides: User) -> bool:
    """Taken by another member, as their account email or one allauth knows them by."""
    return (
        User.objects.filter(email__iexact=email).exclude(pk=besides.pk).exists()
        or EmailAddress.objects.filter(email__iexact=email).exclude(user=besides).exists()
    )


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
        responses={200: s.TokenSerializer, **errors(401, 429)},
        description=gettext_lazy(
            "Exchange a username (or email) and password, sent with HTTP Basic, for a bearer token."
        ),
    )
    def post(self, request):
        self._require_user(request)
        return Response({"token": token_issue(user=request.user)})

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
        member = counted(members().get(pk=user.pk))
        # The new member is the one asking, for the email field's sake.
        request.user = member
        body = s.UserSerializer(member, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": body["_links"]["self"]})

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
        responses={200: s.UserSerializer, **errors(400, 401, 403, 404)},
        description=gettext_lazy("Change your own username, email or about me; other fields are ignored."),
    )
    def put(self, request, pk):
        # Before the lookup, as in the original: nobody learns which ids exist.
        if pk != request.user.pk:
            raise exceptions.PermissionDenied(_("You can only change your own account."))
        data = validated(s.UserUpdateSerializer, request)
        member = User.objects.get(pk=request.user.pk)
        # The profile page's form: signup's username rules, case-insensitive uniqueness.
        form = ProfileForm(
            {"username": data.get("username", member.username), "about_me": data.get("about_me", member.about_me)},
            instance=member,
        )
        if not form.is_valid():
            raise form_errors(form)
        email = data.get("email")
        if email is not None and email_in_use(email, besides=member):
            raise exceptions.ValidationError({"email": [_("This email address is already in use.")]})
        try:
            user_update(user=member, profile=form, email=email)
        except IntegrityError:
            raise exceptions.ValidationError(LOST_RACE) from None
        member = counted(members().get(pk=member.pk))
        return Response(s.UserSerializer(member, context={"request": request}).data)


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
        return paginated(self, Post.objects.by_author(_member_or_404(pk)), s.PostSerializer)


class PostListApi(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: s.PostPageSerializer, **errors(401)},
        operation_id="posts_list",
        description=gettext_lazy("Explore: everyone's posts, newest first."),
    )
    def get(self, request):
        return paginated(self, Post.objects.visible().newest_first(), s.PostSerializer)

    @extend_schema(
        request=s.PostCreateSerializer,
        responses={201: s.PostSerializer, **errors(400, 401)},
        operation_id="posts_create",
    )
    def post(self, request):
        data = validated(s.PostCreateSerializer, request)
        post = post_create(author=request.user, body=data["body"])
        location = reverse("api:post-detail", args=[post.pk])
        return Response(s.PostSerializer(post).data, status=status.HTTP_201_CREATED, headers={"Location": location})


class PostDetailApi(APIView):
    @extend_schema(responses={200: s.PostSerializer, **errors(401, 404)}, operation_id="posts_retrieve")
    def get(self, request, pk):
        post = get_object_or_404(Post.objects.visible().select_related("author"), pk=pk)
        return Response(s.PostSerializer(post).data)

    @extend_schema(
        responses={204: None, **errors(401, 403, 404)},
        operation_id="posts_destroy",
        description=gettext_lazy("Delete a post: its author, or a moderator (posts.delete_post permission)."),
    )
    def delete(self, request, pk):
        post = get_object_or_404(Post.objects.visible(), pk=pk)
        if post.author_id != request.user.pk and not request.user.has_perm("posts.delete_post"):
            raise exceptions.PermissionDenied(_("You can only delete your own posts."))
        post.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class TimelineApi(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: s.PostPageSerializer, **errors(401)},
        operation_id="timeline",
        description=gettext_lazy("Your home timeline: your posts and those of the members you follow."),
    )
    def get(self, request):
        user = request.user
        return paginated(
            self, Post.objects.timeline_for(user), s.PostSerializer, count=lambda: Post.objects.timeline_count_for(user)
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
