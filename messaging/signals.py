"""Follow notices. accounts imports no other app, so its follow service cannot call
notice_add; messaging listens to the Follow rows instead (inside the same transaction,
so a follow and its notice are saved or lost together), whichever path made them:
the profile's button, the API, the admin. Deactivated members' messages and notices stop
counting: the badges of those they wrote to are recounted by a task after commit."""

from django.db.models import signals
from django.dispatch import receiver

from accounts.models import Follow
from accounts.signals import members_deactivated
from core.queue import task_enqueue
from messaging import tasks
from messaging.models import Notice
from messaging.services import notice_add, notice_remove


@receiver(signals.post_save, sender=Follow, dispatch_uid="messaging.follow_noticed")
def follow_noticed(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        notice_add(recipient=instance.followed, kind=Notice.Kind.FOLLOW, actor=instance.follower)


@receiver(signals.post_delete, sender=Follow, dispatch_uid="messaging.unfollow_unnoticed")
def unfollow_unnoticed(sender, instance, **kwargs):
    # An unfollow takes the notice back: a follow and its undo leave nothing.
    notice_remove(kind=Notice.Kind.FOLLOW, actor=instance.follower, recipient=instance.followed)


@receiver(members_deactivated, dispatch_uid="messaging.unread_counts_after_deactivation")
def unread_counts_after_deactivation(sender, pks, **kwargs):
    if pks:
        task_enqueue(tasks.unread_counts_refresh, args=[list(pks)])
