"""One write per client key: the post and message forms carry a one-time token, and the
API's POST /api/posts honours the Idempotency-Key header (Mastodon clients send one),
so a double click or a retried request makes one object, even when the requests
arrive at the same instant (the unique constraint on core.IdempotencyKey decides)."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import IdempotencyKey


class Replay(Exception):
    """The key was used before; `object_id` is what that request created."""

    def __init__(self, object_id: int | None):
        super().__init__(object_id)
        self.object_id = object_id


def idempotency_key_claim(*, scope: str, user_id: int, key: str) -> IdempotencyKey | None:
    """Claim `key` inside the caller's transaction, before it creates anything; None when
    there is no key. Raises Replay when a request that committed used it already: a rival
    still running makes this wait (PostgreSQL) or take its turn (SQLite) until it commits."""
    if not key:
        return None
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction stays usable
            return IdempotencyKey.objects.create(scope=scope, user_id=user_id, key=key[:100])
    except IntegrityError:
        first = IdempotencyKey.objects.filter(scope=scope, user_id=user_id, key=key[:100]).first()
        raise Replay(first.object_id if first else None) from None


def idempotency_key_done(claim: IdempotencyKey | None, *, object_id: int) -> None:
    """Record what the claiming request created (same transaction as the claim)."""
    if claim is not None:
        IdempotencyKey.objects.filter(pk=claim.pk).update(object_id=object_id)


# A repeat comes within seconds (a double click) or minutes (a client's retries);
# Mastodon keeps its keys for an hour. Older keys are deleted by beat.
KEY_LIFETIME = datetime.timedelta(days=1)


def idempotency_keys_purge() -> int:
    """Delete the keys older than KEY_LIFETIME (CELERY_BEAT_SCHEDULE); how many went."""
    return IdempotencyKey.objects.filter(created__lt=timezone.now() - KEY_LIFETIME).delete()[0]
