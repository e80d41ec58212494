"""Haystack signal processor (HAYSTACK_SIGNAL_PROCESSOR): saved and deleted
posts and members reach the search index through a Celery task queued after
the transaction commits, never inside the request."""

import logging
from functools import partial

from django.db import transaction
from django.db.models import signals
from haystack.signals import BaseSignalProcessor

from accounts.models import User
from messaging.broker import BROKER_ERRORS
from messaging.services import outbox_add
from posts import tasks
from posts.models import Post

logger = logging.getLogger(__name__)

# Saving only other fields (last_login at each log-in, password) changes nothing searchable.
MEMBER_SEARCH_FIELDS = frozenset({"username", "about_me", "is_active"})


def _enqueue(task, *args) -> None:
    try:
        task.delay(*args)
    except BROKER_ERRORS:
        # Broker down: the write is committed and the member must not see an error
        # for it; the outbox sweep queues the update when the broker is back.
        logger.exception("Could not queue %s%r; kept in the outbox until the broker is back", task.name, args)
        outbox_add(task=task, args=args)
    except Exception:
        # With eager tasks the index write itself failed: the index catches up at
        # the next update_index.
        logger.exception("Could not queue %s%r; the search index will catch up at the next update", task.name, args)


def enqueue_after_commit(task, *args) -> None:
    transaction.on_commit(partial(_enqueue, task, *args))


class QueuedSignalProcessor(BaseSignalProcessor):
    def setup(self):
        signals.post_save.connect(self.handle_save, sender=Post)
        signals.post_delete.connect(self.handle_delete, sender=Post)
        signals.post_save.connect(self.handle_member_save, sender=User)
        signals.post_delete.connect(self.handle_member_delete, sender=User)

    def teardown(self):
        signals.post_save.disconnect(self.handle_save, sender=Post)
        signals.post_delete.disconnect(self.handle_delete, sender=Post)
        signals.post_save.disconnect(self.handle_member_save, sender=User)
        signals.post_delete.disconnect(self.handle_member_delete, sender=User)

    def handle_save(self, sender, instance, **kwargs):
        enqueue_after_commit(tasks.search_index_posts, [instance.pk])

    def handle_delete(self, sender, instance, origin=None, **kwargs):
        if isinstance(origin, User):
            # Deleting a member deletes their posts: the member's task removes
            # them all in one go rather than one task per post.
            return
        enqueue_after_commit(tasks.search_index_posts, [instance.pk])

    def handle_member_save(self, sender, instance, update_fields=None, **kwargs):
        if update_fields is not None and not MEMBER_SEARCH_FIELDS.intersection(update_fields):
            return
        enqueue_after_commit(tasks.search_index_member, instance.pk)

    def handle_member_delete(self, sender, instance, **kwargs):
        enqueue_after_commit(tasks.search_index_member, instance.pk)
