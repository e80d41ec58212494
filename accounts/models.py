import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def count_of(queryset, field: str):
    """A correlated COUNT(*) of `queryset` rows whose `field` is the outer row:
    one query for a whole list of members instead of one per member."""
    return Coalesce(
        Subquery(
            queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("*")).values("n")
        ),
        0,
    )


class UserQuerySet(models.QuerySet):
    def with_follow_counts(self):
        return self.annotate(
            # Deactivated members vanish from the site, so they are not counted either.
            follower_count=count_of(Follow.objects.filter(follower__is_active=True), "followed"),
            following_count=count_of(Follow.objects.filter(followed__is_active=True), "follower"),
        )

    def with_is_followed_by(self, user):
        """Annotate whether `user` follows each member (False for anonymous)."""
        if not user.is_authenticated:
            return self.annotate(is_followed=models.Value(False))
        return self.annotate(is_followed=Exists(Follow.objects.filter(follower=user, followed=OuterRef("pk"))))

    def visible_to(self, user):
        """Active members, without those `user` blocks or is blocked by (search, lists)."""
        members = self.filter(is_active=True)
        if user is None or not user.is_authenticated:
            return members
        return members.exclude(pk__in=RawSQL(*hidden_authors_sql(user, mutes=False)))

    def with_safety_of(self, user):
        """Annotate, for `user`'s view of each member: is_blocking (user blocked them),
        is_blocked_by (they blocked user), is_muting (a mute in force) and muted_until
        (its end, None for forever). In the list's own query."""
        if not user.is_authenticated:
            no = models.Value(False)
            return self.annotate(
                is_blocking=no, is_blocked_by=no, is_muting=no, muted_until=models.Value(None, models.DateTimeField())
            )
        mutes = Mute.objects.active().filter(muter=user, muted=OuterRef("pk"))
        return self.annotate(
            is_blocking=Exists(Block.objects.filter(blocker=user, blocked=OuterRef("pk"))),
            is_blocked_by=Exists(Block.objects.filter(blocker=OuterRef("pk"), blocked=user)),
            is_muting=Exists(mutes),
            muted_until=Subquery(mutes.values("expires")[:1]),
        )


class MemberManager(UserManager.from_queryset(UserQuerySet)):
    def get_by_natural_key(self, username):
        # Log-in by username ignores case, matching the uniqueness rule.
        return self.get(username__iexact=username)


# The square avatar's sizes in pixels (48 and 64 at twice for sharp screens, the profile's 128 likewise).
AVATAR_SIZES = (96, 256, 400)
# The profile header, cropped to 3:1.
HEADER_SIZE = (1500, 500)
# Profile fields (label/value pairs, as Mastodon's): how many and how long.
PROFILE_FIELDS_MAX = 4
PROFILE_FIELD_LABEL_MAX = 50
PROFILE_FIELD_VALUE_MAX = 200


class User(AbstractUser):
    # Shown beside the @username; any Unicode.
    display_name = models.CharField(_("display name"), max_length=50, blank=True, default="")
    about_me = models.CharField(_("about me"), max_length=500, blank=True)
    # [{"name": label, "value": text}, …], at most PROFILE_FIELDS_MAX.
    profile_fields = models.JSONField(_("profile fields"), default=list, blank=True)
    # Stored names of the processed avatar by size ({"96": name, …}) and header; the
    # upload waits in *_original until a worker has cropped it (accounts.tasks).
    avatar = models.JSONField(default=dict, blank=True, editable=False)
    avatar_original = models.CharField(max_length=200, blank=True, default="", editable=False)
    header = models.CharField(max_length=200, blank=True, default="", editable=False)
    header_original = models.CharField(max_length=200, blank=True, default="", editable=False)
    # Set at creation, as the original did: API clients read it as an ISO 8601 time, never null.
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)
    language = models.CharField(_("language"), max_length=10, blank=True)
    last_message_read_time = models.DateTimeField(null=True, blank=True)
    # The site's colours for this member: "" follows the system's light/dark setting.
    theme = models.CharField(
        _("theme"),
        max_length=5,
        blank=True,
        choices=[("", _("Same as my system")), ("light", _("Light")), ("dark", _("Dark"))],
    )
    # The member's pages say noindex to search engines (Mastodon's "opt out of search engine indexing").
    noindex = models.BooleanField(
        _("hide my profile and posts from search engines"),
        default=False,
        help_text=_("Search engines are asked not to index your profile and your posts' pages."),
    )

    objects = MemberManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message=_("This username is taken."),
            ),
            # Blank emails (e.g. a createsuperuser without one) may repeat; real ones may not.
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="accounts_user_email_ci_unique",
                violation_error_message=_("This email address is already in use."),
            ),
        ]

    def __str__(self):
        return self.username

    @classmethod
    def from_db(cls, db, field_names, values):
        member = super().from_db(db, field_names, values)
        # Whether is_active was as saved, so a save can tell (de)activation from an edit
        # (see is_active_changed): only that changes other members' counts.
        member._loaded_is_active = member.__dict__.get("is_active")
        return member

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if fields is None or "is_active" in fields:
            self._loaded_is_active = self.is_active

    @property
    def is_active_changed(self) -> bool:
        """Whether is_active differs from the value loaded (True for a member not loaded from the database)."""
        return getattr(self, "_loaded_is_active", None) != self.is_active

    def save(self, *args, **kwargs):
        # allauth lower-cases an address before looking it up (password reset, login by
        # email), so one typed with capitals in the admin or createsuperuser is stored lower.
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)
        self._loaded_is_active = self.is_active

    def get_absolute_url(self):
        return reverse("posts:user", args=[self.username])

    def avatar_url(self, size: int = 80) -> str:
        return self.uploaded_avatar_url(size) or self.gravatar_url(size) or self.local_avatar_url()

    def uploaded_avatar_url(self, size: int = 80) -> str:
        """The uploaded avatar's smallest stored size of at least `size` pixels, "" without one."""
        if not self.avatar:
            return ""
        from core.media import media_url

        sizes = sorted(int(key) for key in self.avatar)
        chosen = next((stored for stored in sizes if stored >= size), sizes[-1])
        return media_url(self.avatar[str(chosen)])

    def header_url(self) -> str:
        from core.media import media_url

        return media_url(self.header)

    @property
    def shown_name(self) -> str:
        return self.display_name or self.username

    def gravatar_url(self, size: int = 80) -> str:
        """The Gravatar image for this member's address, or "" when GRAVATAR_ENABLED is off.
        Computed without reversing a URL, so cached fragments can key on it (posts.fragments)."""
        if not settings.GRAVATAR_ENABLED:
            return ""
        digest = hashlib.md5(self.email.strip().lower().encode(), usedforsecurity=False).hexdigest()
        return f"https://www.gravatar.com/avatar/{digest}?d=identicon&s={size}"

    def local_avatar_url(self) -> str:
        return reverse("accounts:identicon", args=[self.username])

    def touch_last_seen(self):
        """Record a visit; callers limit how often this runs (see LastSeenMiddleware)."""
        now = timezone.now()
        type(self).objects.filter(pk=self.pk).update(last_seen=now)
        self.last_seen = now


class Follow(models.Model):
    follower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following_set")
    followed = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follower_set")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="accounts_follow_unique_pair"),
            models.CheckConstraint(condition=~Q(follower=models.F("followed")), name="accounts_follow_not_self"),
        ]
        # The unique pair indexes follower-first; this one serves "who follows X".
        indexes = [models.Index(fields=["followed", "follower"], name="accounts_follow_followed_idx")]

    def __str__(self):
        return f"{self.follower} → {self.followed}"


# Blocks, mutes and muted words (issue 18). Enforced where content is read: the posts
# QuerySet's for_reader (timelines, search, post pages, both APIs), notices, messages.


class Block(models.Model):
    """`blocker` blocked `blocked`: each vanishes from the other's site, and the blocked
    member can neither follow, message, answer, like, boost, quote nor mention them."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received")
    created = models.DateTimeField(_("blocked"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="accounts_block_unique_pair"),
            models.CheckConstraint(condition=~Q(blocker=models.F("blocked")), name="accounts_block_not_self"),
        ]
        # The pair indexes blocker-first; this one serves "who blocked me".
        indexes = [models.Index(fields=["blocked", "blocker"], name="accounts_block_blocked_idx")]

    def __str__(self):
        return f"{self.blocker} blocks {self.blocked}"


class MuteQuerySet(models.QuerySet):
    def active(self):
        """Mutes in force: forever ones and those whose time has not run out."""
        return self.filter(Q(expires__isnull=True) | Q(expires__gt=timezone.now()))


class Mute(models.Model):
    """`muter` muted `muted`: their posts and boosts leave the muter's timelines (and,
    with `notifications`, their notices); the muted member notices nothing."""

    muter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mutes_made")
    muted = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(_("muted"), default=timezone.now)
    # None: until unmuted.
    expires = models.DateTimeField(_("until"), null=True, blank=True)
    notifications = models.BooleanField(_("notifications muted too"), default=True)

    objects = MuteQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["muter", "muted"], name="accounts_mute_unique_pair"),
            models.CheckConstraint(condition=~Q(muter=models.F("muted")), name="accounts_mute_not_self"),
        ]

    def __str__(self):
        return f"{self.muter} mutes {self.muted}"


class MutedWord(models.Model):
    """A word or phrase whose posts leave the member's timelines (case-insensitive,
    whole words). `pattern` is the phrase as a regular expression that SQLite's REGEXP
    (Python's re) and PostgreSQL's ~* read alike, so the filter stays in the query."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="muted_words")
    phrase = models.CharField(_("word or phrase"), max_length=100)
    pattern = models.CharField(max_length=400, editable=False)
    created = models.DateTimeField(_("muted"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint("user", Lower("phrase"), name="accounts_mutedword_unique_phrase"),
        ]

    def __str__(self):
        return self.phrase


def muted_word_pattern(phrase: str) -> str:
    """`phrase` as a whole-word pattern both databases read the same way: punctuation
    escaped with a backslash (a literal in Python's re and PostgreSQL's ARE alike),
    spaces as \\s+, and \\W or an end on each side ("cat" matches "Cat!", not "cats")."""
    parts = []
    for word in phrase.split():
        parts.append("".join(ch if ch.isalnum() or ch == "_" else "\\" + ch for ch in word))
    return r"(^|\W)" + r"\s+".join(parts) + r"(\W|$)"


def hidden_authors_sql(user, *, mutes: bool, notifications: bool = False) -> tuple[str, list]:
    """SQL (and its parameters) selecting the ids of the members `user` must not see:
    those they blocked, those who blocked them and, with `mutes`, those they muted (mutes
    in force; with `notifications`, only mutes that silence notifications too). One text
    for the QuerySets (as a subquery: a page stays one query) and the home timeline's
    PostgreSQL narrowing, so both apply the same rule."""
    block, mute = Block._meta.db_table, Mute._meta.db_table
    sql = (
        f"SELECT blocked_id FROM {block} WHERE blocker_id = %s"
        f" UNION ALL SELECT blocker_id FROM {block} WHERE blocked_id = %s"
    )
    params = [user.pk, user.pk]
    if mutes:
        # CURRENT_TIMESTAMP: SQLite's is UTC text in the form Django stores, PostgreSQL's a timestamptz.
        sql += f" UNION ALL SELECT muted_id FROM {mute} WHERE muter_id = %s"
        sql += " AND (expires IS NULL OR expires > CURRENT_TIMESTAMP)"
        params.append(user.pk)
        if notifications:
            sql += " AND notifications"
    return sql, params


def blocked_either_way(a, b) -> bool:
    """Whether `a` blocked `b` or `b` blocked `a` (one query)."""
    return Block.objects.filter(Q(blocker=a, blocked=b) | Q(blocker=b, blocked=a)).exists()


class InviteQuerySet(models.QuerySet):
    def usable(self):
        """Invites that still let someone sign up: not revoked, not expired, uses left."""
        now = timezone.now()
        return self.filter(revoked__isnull=True).filter(
            Q(expires__isnull=True) | Q(expires__gt=now),
            Q(max_uses__isnull=True) | Q(uses__lt=models.F("max_uses")),
        )


class Invite(models.Model):
    """A link a member hands out while SIGNUP_MODE is "invite" (accounts.signup)."""

    code = models.CharField(max_length=32, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invites", verbose_name=_("created by")
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    expires = models.DateTimeField(_("expires"), null=True, blank=True)
    # None: as many as people follow it.
    max_uses = models.PositiveIntegerField(_("maximum uses"), null=True, blank=True)
    uses = models.PositiveIntegerField(_("uses"), default=0)
    revoked = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InviteQuerySet.as_manager()

    class Meta:
        verbose_name = _("invite")
        verbose_name_plural = _("invites")
        indexes = [models.Index(fields=["created_by", "-created"], name="accounts_invite_creator_idx")]

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("accounts:invite", args=[self.code])

    @property
    def is_usable(self) -> bool:
        return type(self).objects.usable().filter(pk=self.pk).exists()


class SignupApplication(models.Model):
    """An account waiting for the moderators while SIGNUP_MODE is "approval": the
    member cannot log in (is_active is False) until approved; a rejection deletes it."""

    PENDING = "pending"
    APPROVED = "approved"
    STATUSES = [(PENDING, _("waiting")), (APPROVED, _("approved"))]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signup_application", verbose_name=_("member")
    )
    reason = models.TextField(_("why they want to join"), max_length=1000)
    created = models.DateTimeField(_("applied"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=STATUSES, default=PENDING)
    decided = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-up application")
        verbose_name_plural = _("sign-up applications")
        indexes = [models.Index(fields=["status", "-created"], name="accounts_application_queue_idx")]

    def __str__(self):
        return str(self.user)


class EmailDomainBlock(models.Model):
    """Sign-ups (and new addresses) from this domain or its subdomains are refused."""

    domain = models.CharField(_("domain"), max_length=253, unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("email domain block")
        verbose_name_plural = _("email domain blocks")

    def __str__(self):
        return self.domain

    def clean(self):
        # Stored as addresses are compared: lower case, no leading "@" or dot.
        self.domain = self.domain.strip().lower().lstrip("@.")


class ReservedUsername(models.Model):
    """The username of a deleted account, kept so that nobody can sign up as them and
    be taken for them. user_id is no foreign key: the row outlives the account
    (accounts.deletion); it tells a deletion still running from one done."""

    username = models.CharField(_("username"), max_length=150)
    user_id = models.BigIntegerField(null=True, blank=True)
    requested = models.DateTimeField(_("deletion requested"), default=timezone.now)
    completed = models.DateTimeField(_("deletion completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("reserved username")
        verbose_name_plural = _("reserved usernames")
        constraints = [models.UniqueConstraint(Lower("username"), name="accounts_reservedusername_ci_unique")]

    def __str__(self):
        return self.username
