"""Deleting a member's account, for the member (accounts.views.account_delete, the API)
and for moderators (the admin).

At once, in the request: the account can no longer log in (is_active off, password
unusable, so every session and API token stops working) and its username is reserved
(ReservedUsername). Then a Celery task (accounts.tasks.account_delete_task) deletes
everything that points at the member, in batches, and the member's row last.

The walk is generic: every model with a foreign key (or one-to-one) to the user is
found through Django's model metadata, so models added later (media, blocks, reports)
are covered with no change here. Rows that CASCADE are deleted (with what cascades from
them: a deleted post takes its likes, boosts, revisions and tags along); SET_NULL
keys are cleared (another member's reply to the member stays, "in reply to" nobody).
Files: FileField values of deleted rows, and whatever a model lists in owned_files()
(messaging.Job's export), are removed after each batch's transaction commits.

Private messages are one row shared by sender and recipient, so the member's
conversations disappear from both sides: what they sent and what they received."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.utils import timezone

from accounts.models import ReservedUsername, User
from accounts.services import members_deactivate

logger = logging.getLogger(__name__)


class AccountDeletionRefused(Exception):
    """A moderator may not delete this account (staff, unless a superuser asks)."""


def account_delete_start(*, user: User, by: User | None = None) -> ReservedUsername:
    """Lock the account now and queue the task that deletes it. `by`: the moderator
    acting, None when members delete their own account (the caller checked the password)."""
    from accounts.tasks import account_delete_task
    from core.queue import task_enqueue

    if by is not None and by.pk != user.pk and (user.is_staff or user.is_superuser) and not by.is_superuser:
        raise AccountDeletionRefused
    with transaction.atomic():
        reserved, _created = ReservedUsername.objects.get_or_create(
            username__iexact=user.username, defaults={"username": user.username, "user_id": user.pk}
        )
        members_deactivate(members=User.objects.filter(pk=user.pk))
        user.set_unusable_password()
        user.is_active = False
        user.save(update_fields=["password", "is_active"])
        task_enqueue(account_delete_task, args=(user.pk,))
    logger.info("Account %s (%s) queued for deletion by %s", user.pk, user.username, by or "the member")
    return reserved


def user_relations():
    """(model, field) for every foreign key and one-to-one that points at the user model."""
    user_model = get_user_model()
    return [
        (relation.related_model, relation.field)
        for relation in user_model._meta.related_objects
        if (relation.one_to_many or relation.one_to_one) and relation.field.concrete
    ]


def _files_of(rows) -> list:
    """(storage, name) or paths of what these rows own on disk or in object storage."""
    files = []
    for row in rows:
        for field in row._meta.concrete_fields:
            if isinstance(field, models.FileField):
                value = getattr(row, field.attname)
                if value:
                    files.append((field.storage, str(value)))
        owned = getattr(row, "owned_files", None)
        if owned is not None:
            files.extend(("path", path) for path in owned())
    return files


def _remove_files(files) -> None:
    for storage, name in files:
        try:
            if storage == "path":
                name.unlink(missing_ok=True)
            else:
                storage.delete(name)
        except OSError:
            logger.exception("Account deletion: could not remove %s", name)


def _has_files(model) -> bool:
    return hasattr(model, "owned_files") or any(isinstance(f, models.FileField) for f in model._meta.concrete_fields)


def _delete_batch(model, pks, user) -> None:
    queryset = model._base_manager.filter(pk__in=pks)
    files = _files_of(queryset) if _has_files(model) else []
    with transaction.atomic():
        # origin=user: receivers treat it as the member's deletion (posts.counts, search
        # drop the member in one go rather than a task per post).
        collector = Collector(using=router.db_for_write(model), origin=user)
        collector.collect(queryset)
        collector.delete()
    transaction.on_commit(lambda: _remove_files(files))


def account_delete_run(*, user_id: int, batch: int | None = None) -> int:
    """Delete everything of the member, `batch` rows at a time, then the member; how many
    batches it took. Safe to run again (a retry after a crash carries on)."""
    batch = batch or settings.ACCOUNT_DELETION_BATCH
    user = User.objects.filter(pk=user_id).first()
    batches = 0
    if user is not None:
        for model, field in user_relations():
            rows = model._base_manager.filter(**{field.name: user_id})
            while pks := list(rows.values_list("pk", flat=True)[:batch]):
                if field.remote_field.on_delete is models.SET_NULL:
                    model._base_manager.filter(pk__in=pks).update(**{field.name: None})
                else:
                    _delete_batch(model, pks, user)
                batches += 1
        _delete_batch(User, [user_id], user)
    ReservedUsername.objects.filter(user_id=user_id, completed__isnull=True).update(completed=timezone.now())
    return batches


def username_reserved(username: str) -> bool:
    return ReservedUsername.objects.filter(username__iexact=username).exists()
