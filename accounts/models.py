import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
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


class MemberManager(UserManager.from_queryset(UserQuerySet)):
    def get_by_natural_key(self, username):
        # Log-in by username ignores case, matching the uniqueness rule.
        return self.get(username__iexact=username)


class User(AbstractUser):
    about_me = models.CharField(_("about me"), max_length=140, blank=True)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    last_message_read_time = models.DateTimeField(null=True, blank=True)

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
        digest = hashlib.md5(self.email.strip().lower().encode(), usedforsecurity=False).hexdigest()
        if settings.GRAVATAR_ENABLED:
            return f"https://www.gravatar.com/avatar/{digest}?d=identicon&s={size}"
        return self.local_avatar_url()

    def local_avatar_url(self) -> str:
        return reverse("accounts:identicon", args=[self.username])

    def is_following(self, other) -> bool:
        return Follow.objects.filter(follower=self, followed=other).exists()

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
