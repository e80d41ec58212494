"""Explicit serializers: output shapes for members and posts, plain input
serializers so that no field is writable by accident. Validation only; the
writes happen in services and forms."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

AVATAR_SIZE = 128


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField(help_text=_("The HTTP reason phrase, e.g. Bad Request."))
    message = serializers.CharField(required=False, help_text=_("What went wrong, when there is more to say."))


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class UserLinksSerializer(serializers.Serializer):
    self = serializers.CharField()
    followers = serializers.CharField()
    following = serializers.CharField()
    posts = serializers.CharField()
    avatar = serializers.CharField()


class UserSerializer(serializers.Serializer):
    """A member as the original Microblog API showed one. Expects a queryset
    annotated with post_count and the follow counts (see api.views.members)."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    last_seen = serializers.DateTimeField(allow_null=True)
    about_me = serializers.CharField()
    post_count = serializers.IntegerField()
    follower_count = serializers.IntegerField()
    following_count = serializers.IntegerField()
    email = serializers.EmailField(required=False, help_text=_("Only in a member's own record."))
    _links = serializers.SerializerMethodField()

    @extend_schema_field(UserLinksSerializer)
    def get__links(self, user):
        return {
            "self": reverse("api:user-detail", args=[user.pk]),
            "followers": reverse("api:user-followers", args=[user.pk]),
            "following": reverse("api:user-following", args=[user.pk]),
            "posts": reverse("api:user-posts", args=[user.pk]),
            "avatar": user.avatar_url(AVATAR_SIZE),
        }

    def to_representation(self, user):
        data = super().to_representation(user)
        request = self.context.get("request")
        if request is None or request.user.pk != user.pk:
            del data["email"]
        return data


class AuthorLinksSerializer(serializers.Serializer):
    self = serializers.CharField()
    avatar = serializers.CharField()


class AuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    _links = serializers.SerializerMethodField()

    @extend_schema_field(AuthorLinksSerializer)
    def get__links(self, user):
        return {"self": reverse("api:user-detail", args=[user.pk]), "avatar": user.avatar_url(AVATAR_SIZE)}


class PostLinksSerializer(serializers.Serializer):
    self = serializers.CharField()
    author = serializers.CharField()


class PostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    body = serializers.CharField()
    language = serializers.CharField(help_text=_("ISO 639-1 code detected when posted; empty when unknown."))
    created = serializers.DateTimeField()
    author = AuthorSerializer()
    _links = serializers.SerializerMethodField()

    @extend_schema_field(PostLinksSerializer)
    def get__links(self, post):
        return {
            "self": reverse("api:post-detail", args=[post.pk]),
            "author": reverse("api:user-detail", args=[post.author_id]),
        }


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    body = serializers.CharField()
    created = serializers.DateTimeField()
    sender = AuthorSerializer()
    recipient = AuthorSerializer()


class NotificationSerializer(serializers.Serializer):
    """The navbar poll's shape (Notification.as_dict), so both readers agree."""

    name = serializers.CharField(help_text=_("What changed, e.g. unread_message_count or job_progress."))
    data = serializers.DictField(help_text=_('The current value, e.g. {"count": 3}.'))
    timestamp = serializers.FloatField(help_text=_("When it changed, in Unix seconds: the next ?since=."))

    def to_representation(self, notification):
        return notification.as_dict()


class PageMetaSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    per_page = serializers.IntegerField()
    total_pages = serializers.IntegerField()
    total_items = serializers.IntegerField()


class PageLinksSerializer(serializers.Serializer):
    self = serializers.CharField()
    next = serializers.CharField(allow_null=True)
    prev = serializers.CharField(allow_null=True)


class UserPageSerializer(serializers.Serializer):
    """A page of members in the collection shape (see api.pagination)."""

    items = UserSerializer(many=True)
    _meta = PageMetaSerializer()
    _links = PageLinksSerializer()


class PostPageSerializer(serializers.Serializer):
    items = PostSerializer(many=True)
    _meta = PageMetaSerializer()
    _links = PageLinksSerializer()


class MessagePageSerializer(serializers.Serializer):
    items = MessageSerializer(many=True)
    _meta = PageMetaSerializer()
    _links = PageLinksSerializer()


class NotificationPageSerializer(serializers.Serializer):
    items = NotificationSerializer(many=True)
    _meta = PageMetaSerializer()
    _links = PageLinksSerializer()


class UserCreateSerializer(serializers.Serializer):
    """Presence and type only; signup's own form applies the real rules."""

    username = serializers.CharField(max_length=150, trim_whitespace=False)
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True)


class SignupPendingSerializer(serializers.Serializer):
    """POST /api/users where addresses must be confirmed: the same answer for a free or a taken address."""

    message = serializers.CharField()


class UserUpdateSerializer(serializers.Serializer):
    """The only writable fields of a member; anything else sent is ignored."""

    username = serializers.CharField(max_length=150, required=False)
    email = serializers.EmailField(max_length=254, required=False)
    about_me = serializers.CharField(max_length=140, required=False, allow_blank=True)


class PostCreateSerializer(serializers.Serializer):
    body = serializers.CharField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read per request, not at import, so the setting can change.
        self.fields["body"] = serializers.CharField(max_length=settings.POST_MAX_LENGTH)


class MessageCreateSerializer(serializers.Serializer):
    recipient = serializers.IntegerField(help_text=_("The recipient's member id."))
    body = serializers.CharField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The same limit as posts (see ShortTextField), read per request.
        self.fields["body"] = serializers.CharField(max_length=settings.POST_MAX_LENGTH)


# The largest Unix time a datetime can hold (9999-12-31).
_MAX_TIMESTAMP = 253402300799


class NotificationQuerySerializer(serializers.Serializer):
    since = serializers.FloatField(
        required=False, default=0, min_value=0, max_value=_MAX_TIMESTAMP, help_text=_("Unix seconds; default 0.")
    )
