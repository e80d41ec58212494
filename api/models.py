import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac


def token_digest(token: str) -> str:
    """What the database keeps of a token: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


class TokenQuerySet(models.QuerySet):
    def live(self):
        return self.filter(expires__gt=timezone.now(), user__is_active=True)


class Token(models.Model):
    """A member's API token (one per member, as in the original Microblog API).

    Only a digest is stored. The token itself is an HMAC of a random nonce and
    the member's password hash under SECRET_KEY, so POST /api/tokens can hand the
    same token back while it has time left (the original contract) without the
    database holding anything a leaked dump could replay, and a new password
    (changed, reset, set in the admin) revokes it, as it ends Django's sessions."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="api_token"
    )
    digest = models.CharField(max_length=64, unique=True)
    nonce = models.CharField(max_length=64)
    expires = models.DateTimeField()

    objects = TokenQuerySet.as_manager()

    def __str__(self):
        return f"API token of {self.user_id}, expires {self.expires:%Y-%m-%d %H:%M}"

    def plaintext(self) -> str:
        value = f"{self.user_id}:{self.nonce}:{self.user.password}"
        return salted_hmac("api.Token", value, algorithm="sha256").hexdigest()


class MastodonApp(models.Model):
    """What Mastodon's POST /api/v1/apps registers beyond django-oauth-toolkit's
    Application: the scopes the app may ask for and its website."""

    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, primary_key=True, related_name="mastodon_app"
    )
    scopes = models.CharField(max_length=1000, default="read")
    website = models.URLField(max_length=500, blank=True)
    created = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.application.name} ({self.scopes})"


class Marker(models.Model):
    """Where a member stopped reading a timeline in their Mastodon apps (home or
    notifications), so that another app of theirs resumes there."""

    class Timeline(models.TextChoices):
        HOME = "home"
        NOTIFICATIONS = "notifications"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    timeline = models.CharField(max_length=20, choices=Timeline.choices)
    last_read_id = models.BigIntegerField()
    # Mastodon's optimistic lock: a client may send the version it read.
    version = models.PositiveIntegerField(default=0)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "timeline"], name="api_marker_once")]

    def __str__(self):
        return f"{self.user_id} read {self.timeline} up to {self.last_read_id}"
