"""Explicit serializers: output shapes for members and posts, plain input
serializers so that no field is writable by accident. Validation only; the
writes happen in services and forms."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.fields import GraphemeMaxLengthValidator
from messaging.models import Notice
from posts.text import text_check

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


class ProfileFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    value = serializers.CharField()


class UserSerializer(serializers.Serializer):
    """A member as the original Microblog API showed one. Expects a queryset
    annotated with post_count and the follow counts (see api.views.members)."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField(help_text=_("Shown beside the @username; may be empty."))
    last_seen = serializers.DateTimeField()
    about_me = serializers.CharField()
    fields = ProfileFieldSerializer(source="profile_fields", many=True, help_text=_("Label/value pairs, up to 4."))
    header = serializers.SerializerMethodField(help_text=_("The header image's address, or empty."))
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

    def get_header(self, user) -> str:
        return user.header_url()

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


class MediaSerializer(serializers.Serializer):
    """An uploaded image. Its file and preview exist once a worker has processed it:
    until then `state` is processing and the URLs are empty (poll GET /api/media/{id})."""

    id = serializers.IntegerField()
    state = serializers.ChoiceField(
        choices=["processing", "ready", "failed"], help_text=_("failed: the image could not be read; upload another.")
    )
    url = serializers.SerializerMethodField(help_text=_("The image, 1920 px at most; empty until ready."))
    preview_url = serializers.SerializerMethodField(help_text=_("A smaller copy for timelines; empty until ready."))
    blurhash = serializers.CharField(help_text=_("A blurred placeholder (blurhash.org) to paint while it loads."))
    width = serializers.IntegerField(help_text=_("As shown: the upload's until ready, then the image's."))
    height = serializers.IntegerField()
    description = serializers.CharField(help_text=_("The alt text."))
    post = serializers.IntegerField(source="post_id", allow_null=True, help_text=_("The post it is in, if any."))

    def get_url(self, attachment) -> str:
        from core.media import media_url

        return media_url(attachment.file)

    def get_preview_url(self, attachment) -> str:
        from core.media import media_url

        return media_url(attachment.preview)


class MediaCreateSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("A JPEG, PNG, WebP or GIF image, at most 16 MB."))
    description = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("The alt text."))


class MediaUpdateSerializer(serializers.Serializer):
    description = serializers.CharField(allow_blank=True, help_text=_("The alt text."))


class PictureSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("A JPEG, PNG, WebP or GIF image, at most 16 MB."))


class PostLinksSerializer(serializers.Serializer):
    self = serializers.CharField()
    author = serializers.CharField()
    context = serializers.CharField()
    replies = serializers.CharField()
    html = serializers.CharField(help_text=_("The post's page on the site."))


class PostCoreSerializer(serializers.Serializer):
    """A post with its counts and the reader's flags (set for the page by api.views.with_reader_state)."""

    id = serializers.IntegerField()
    body = serializers.CharField()
    html = serializers.SerializerMethodField(
        help_text=_("The body as sanitised HTML: links, @mentions and #hashtags made clickable.")
    )
    language = serializers.CharField(help_text=_("ISO 639-1 code detected when posted; empty when unknown."))
    created = serializers.DateTimeField()
    edited = serializers.DateTimeField(allow_null=True, help_text=_("When the text last changed; null if never."))
    author = AuthorSerializer()
    in_reply_to = serializers.IntegerField(source="in_reply_to_id", allow_null=True)
    quote_of = serializers.IntegerField(
        source="quote_of_id", allow_null=True, help_text=_("The quoted post; it may since have been deleted.")
    )
    reply_count = serializers.IntegerField()
    boost_count = serializers.IntegerField()
    like_count = serializers.IntegerField()
    liked = serializers.SerializerMethodField(help_text=_("Whether you liked it."))
    boosted = serializers.SerializerMethodField(help_text=_("Whether you boosted it."))
    media = serializers.SerializerMethodField(help_text=_("Its images, in the grid's order (a boost: see boost_of)."))
    _links = serializers.SerializerMethodField()

    def get_liked(self, post) -> bool:
        return post.pk in self.context.get("liked", ())

    @extend_schema_field(MediaSerializer(many=True))
    def get_media(self, post):
        # A page's images come in one query (posts.fragments.media_preload, see api.views.reader_context).
        attachments = getattr(post, "_preloaded_media", None)
        if attachments is None:
            attachments = [] if post.reblog_of_id else post.attachments.order_by("position", "id")
        return MediaSerializer(attachments, many=True).data

    def get_boosted(self, post) -> bool:
        return post.pk in self.context.get("boosted", ())

    @extend_schema_field(PostLinksSerializer)
    def get__links(self, post):
        return {
            "self": reverse("api:post-detail", args=[post.pk]),
            "author": reverse("api:user-detail", args=[post.author_id]),
            "context": reverse("api:post-context", args=[post.pk]),
            "replies": reverse("api:post-replies", args=[post.pk]),
            "html": reverse("posts:post", args=[post.author.username, post.pk]),
        }

    def get_html(self, post) -> str:
        # Posts saved before body_html existed: their text, escaped.
        return post.body_html or escape(post.body)


class PostSerializer(PostCoreSerializer):
    """A timeline entry: a post, or a boost (its own id, author and time) whose
    `boost_of` holds the boosted post."""

    boost_of = serializers.SerializerMethodField()

    @extend_schema_field(PostCoreSerializer(allow_null=True))
    def get_boost_of(self, post):
        if post.reblog_of_id is None:
            return None
        return PostCoreSerializer(post.reblog_of, context=self.context).data

    def get_liked(self, post) -> bool:
        return (post.reblog_of_id or post.pk) in self.context.get("liked", ())

    def get_boosted(self, post) -> bool:
        return (post.reblog_of_id or post.pk) in self.context.get("boosted", ())


class PostContextSerializer(serializers.Serializer):
    ancestors = PostCoreSerializer(many=True, help_text=_("The posts above, oldest first; deleted ones left out."))


class PostRevisionSerializer(serializers.Serializer):
    body = serializers.CharField()
    created = serializers.DateTimeField(help_text=_("When this text was written."))


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


class TagLinksSerializer(serializers.Serializer):
    self = serializers.CharField(help_text=_("The tag's page on the site."))
    posts = serializers.CharField()
    follow = serializers.CharField()


class TagSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=_("Normalised: lowercase (casefolded), NFKC."))
    _links = serializers.SerializerMethodField()

    @extend_schema_field(TagLinksSerializer)
    def get__links(self, tag):
        return {
            "self": tag.get_absolute_url(),
            "posts": reverse("api:tag-posts", args=[tag.name]),
            "follow": reverse("api:tag-follow", args=[tag.name]),
        }


class NoticeSerializer(serializers.Serializer):
    """One entry of the notifications page, ungrouped."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Notice.Kind.choices)
    created = serializers.DateTimeField()
    read = serializers.BooleanField()
    actor = AuthorSerializer()
    post = serializers.SerializerMethodField(help_text=_("The post it is about; null for a follow."))

    @extend_schema_field(PostSerializer(allow_null=True))
    def get_post(self, notice):
        post = getattr(notice, "subject_post", None)
        return PostSerializer(post).data if post is not None else None


class PageMetaSerializer(serializers.Serializer):
    page = serializers.IntegerField(allow_null=True, help_text=_("The page number; null on a page named by a cursor."))
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


class PostRevisionPageSerializer(serializers.Serializer):
    items = PostRevisionSerializer(many=True)
    _meta = PageMetaSerializer()
    _links = PageLinksSerializer()


class MessagePageSerializer(serializers.Serializer):
    items = MessageSerializer(many=True)
    _meta = PageMetaSerializer()
    _links = PageLinksSerializer()


class TagPageSerializer(serializers.Serializer):
    items = TagSerializer(many=True)
    _meta = PageMetaSerializer()
    _links = PageLinksSerializer()


class NoticePageSerializer(serializers.Serializer):
    items = NoticeSerializer(many=True)
    _meta = PageMetaSerializer()
    _links = PageLinksSerializer()


class NoticeQuerySerializer(serializers.Serializer):
    filter = serializers.ChoiceField(
        choices=["all", "mentions"], required=False, default="all", help_text=_("all (default) or mentions.")
    )


class NotificationPageSerializer(serializers.Serializer):
    items = NotificationSerializer(many=True)
    _meta = PageMetaSerializer()
    _links = PageLinksSerializer()


class UserCreateSerializer(serializers.Serializer):
    """Presence and type only; signup's own form applies the real rules."""

    username = serializers.CharField(max_length=150, trim_whitespace=False)
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True)
    # SIGNUP_MODE=invite: the code of a member's invite link (the last part of /invite/<code>/).
    invite = serializers.CharField(max_length=64, required=False, allow_blank=True)
    # SIGNUP_MODE=approval: why the applicant wants to join, for the moderators.
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class AccountDeleteSerializer(serializers.Serializer):
    password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True)
    # Only when two-factor authentication is on: a code from the app, or a recovery code.
    code = serializers.CharField(max_length=64, required=False, allow_blank=True)


class SignupPendingSerializer(serializers.Serializer):
    """POST /api/users where addresses must be confirmed: the same answer for a free or a taken address."""

    message = serializers.CharField()


class UserUpdateSerializer(serializers.Serializer):
    """The only writable fields of a member; anything else sent is ignored."""

    username = serializers.CharField(max_length=150, required=False)
    email = serializers.EmailField(max_length=254, required=False)
    about_me = serializers.CharField(max_length=500, required=False, allow_blank=True)


class PostCreateSerializer(serializers.Serializer):
    body = serializers.CharField()
    in_reply_to = serializers.IntegerField(required=False, min_value=1, help_text=_("The post this one answers."))
    quote_of = serializers.IntegerField(required=False, min_value=1, help_text=_("The post this one quotes."))
    media_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        default=list,
        max_length=4,
        help_text=_("Your uploads (POST /api/media) not yet in a post, in the grid's order; up to 4."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read per request, not at import, so the setting can change. Empty only with images.
        self.fields["body"] = serializers.CharField(
            validators=[GraphemeMaxLengthValidator(settings.POST_MAX_LENGTH)],
            required=False,
            allow_blank=True,
            default="",
            help_text=_("The text; may be empty when the post has images."),
        )

    def validate_body(self, body):
        try:
            text_check(body)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return body


class PostUpdateSerializer(serializers.Serializer):
    body = serializers.CharField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"] = serializers.CharField(validators=[GraphemeMaxLengthValidator(settings.POST_MAX_LENGTH)])


class MessageCreateSerializer(serializers.Serializer):
    recipient = serializers.IntegerField(help_text=_("The recipient's member id."))
    body = serializers.CharField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The same limit as posts (see ShortTextField), read per request.
        self.fields["body"] = serializers.CharField(validators=[GraphemeMaxLengthValidator(settings.POST_MAX_LENGTH)])


# The largest Unix time a datetime can hold (9999-12-31).
_MAX_TIMESTAMP = 253402300799


class NotificationQuerySerializer(serializers.Serializer):
    since = serializers.FloatField(
        required=False, default=0, min_value=0, max_value=_MAX_TIMESTAMP, help_text=_("Unix seconds; default 0.")
    )
