"""Haystack signal processor (HAYSTACK_SIGNAL_PROCESSOR): saved and deleted
posts and members reach the search index through a Celery task queued after
the transaction commits, never inside the request."""

from django.db.models import signals
from haystack.signals import BaseSignalProcessor

from accounts.models import User
from core.queue import task_enqueue
from posts.models import Post
from search import tasks

# Saving only other fields (last_login at each log-in, password) changes nothing searchable.
MEMBER_SEARCH_FIELDS = frozenset({"username", "about_me", "is_active"})


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
        task_enqueue(tasks.search_index_posts, args=([instance.pk],))

    def handle_delete(self, sender, instance, origin=None, **kwargs):
        if isinstance(origin, User):
            # Deleting a member deletes their posts: the member's task removes
            # them all in one go rather than one task per post.
            return
        task_enqueue(tasks.search_index_posts, args=([instance.pk],))

    def handle_member_save(self, sender, instance, update_fields=None, **kwargs):
        if update_fields is not None and not MEMBER_SEARCH_FIELDS.intersection(update_fields):
            return
        task_enqueue(tasks.search_index_member, args=(instance.pk,))

    def handle_member_delete(self, sender, instance, **kwargs):
        task_enqueue(tasks.search_index_member, args=(instance.pk,))
