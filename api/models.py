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

    Only a digest is stored. The token itself is an HMAC of a random nonce under
    SECRET_KEY, so POST /api/tokens can hand the same token back while it has
    time left (the original contract) without the database holding anything a
    leaked dump could replay."""

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
        return salted_hmac("api.Token", f"{self.user_id}:{self.nonce}", algorithm="sha256").hexdigest()
