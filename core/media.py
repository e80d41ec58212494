"""Uploaded files in Django's default storage (settings.MEDIA_STORAGE: the filesystem
under MEDIA_ROOT, or an S3 bucket through django-storages): random names, and one
error for a storage that is down, so every caller can tell the member instead of
answering with a 500."""

import logging
import secrets
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

STORAGE_DOWN = _("Uploads can't be stored right now. Please try again in a few minutes.")


class MediaStorageError(Exception):
    """The storage refused or could not be reached; the message is for the member."""

    def __init__(self, message=STORAGE_DOWN):
        super().__init__(str(message))
        self.message = message


def _storage_errors() -> tuple[type[BaseException], ...]:
    # boto's errors only when boto is installed (the filesystem needs none of it).
    errors: tuple[type[BaseException], ...] = (OSError,)
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover - boto3 is in requirements.txt
        return errors
    return (*errors, BotoCoreError, ClientError)


def media_name(folder: str, extension: str) -> str:
    """A fresh name under `folder`: 128 random bits, never the uploaded name, so no
    file can be guessed from another or from what the member called it. Two
    characters of it make a subfolder, so no folder grows to millions of files."""
    token = secrets.token_urlsafe(16)
    return f"{folder}/{token[:2]}/{token}.{extension}"


def media_save(name: str, data: bytes) -> str:
    """Store `data` as `name` and return the stored name. Raises MediaStorageError."""
    try:
        return default_storage.save(name, ContentFile(data))
    except _storage_errors() as error:
        logger.error("Could not store %s: %r", name, error)
        raise MediaStorageError() from error


def media_read(name: str) -> bytes:
    """The stored file's bytes. Raises MediaStorageError (a missing file too)."""
    try:
        with default_storage.open(name, "rb") as stored:
            return stored.read()
    except _storage_errors() as error:
        logger.error("Could not read %s: %r", name, error)
        raise MediaStorageError() from error


def media_url(name: str) -> str:
    """Where a browser fetches the file ("" for no file)."""
    return default_storage.url(name) if name else ""


def media_delete(names: Iterable[str]) -> None:
    """Delete the named files; a file already gone is no error (a task may run twice).
    Raises MediaStorageError when the storage is down, so the task retries."""
    for name in names:
        if not name:
            continue
        try:
            default_storage.delete(name)
        except FileNotFoundError:
            continue
        except _storage_errors() as error:
            logger.error("Could not delete %s: %r", name, error)
            raise MediaStorageError() from error


def media_delete_later(names: Iterable[str]) -> None:
    """Delete the files once the transaction that dropped their rows commits (a task,
    so a slow or absent bucket never holds up the request; rolled back, nothing goes)."""
    from core import tasks
    from core.queue import task_enqueue

    names = [name for name in names if name]
    if names:
        task_enqueue(tasks.media_delete, args=(names,))
