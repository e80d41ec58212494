from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Follow, User
from accounts.signals import members_deactivated


class FollowError(Exception):
    """A follow request that cannot be honoured; the message is shown to the member."""


def follow_create(*, follower: User, followed: User) -> Follow:
    if follower.pk == followed.pk:
        raise FollowError(_("You cannot follow yourself."))
    try:
        # A savepoint so a lost race (two clicks at once) leaves the outer transaction usable.
        with transaction.atomic():
            return Follow.objects.create(follower=follower, followed=followed)
    except IntegrityError:
        raise FollowError(_("You are already following %(username)s.") % {"username": followed.username}) from None


def follow_delete(*, follower: User, followed: User) -> None:
    deleted, _rows = Follow.objects.filter(follower=follower, followed=followed).delete()
    if not deleted:
        raise FollowError(_("You are not following %(username)s.") % {"username": followed.username})


def members_deactivate(*, members) -> int:
    """Deactivate the active members of the queryset `members` in one UPDATE (they
    vanish from the site and can no longer log in); how many were deactivated."""
    with transaction.atomic():
        pks = list(members.filter(is_active=True).values_list("pk", flat=True))
        count = User.objects.filter(pk__in=pks).update(is_active=False)
        members_deactivated.send(sender=User, pks=pks)
    return count
