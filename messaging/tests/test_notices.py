"""The notices behind the notifications page: who is told, once, and what an undo takes back."""

from messaging.models import Notice, Notification
from messaging.services import notice_add, notice_remove, notices_mark_read


def _badge(user) -> int:
    row = Notification.objects.filter(user=user, name=Notification.UNREAD_NOTICE_COUNT).first()
    return row.payload["count"] if row else 0


def test_a_notice_tells_the_recipient_and_bumps_their_badge(alice, charlie):
    notice = notice_add(recipient=alice, kind=Notice.Kind.LIKE, actor=charlie, subject_id=7)

    assert notice is not None
    assert list(Notice.objects.values_list("recipient__username", "kind", "actor__username", "subject_id")) == [
        ("alice", "like", "charlie", 7)
    ]
    assert _badge(alice) == 1


def test_the_same_action_twice_notifies_once(alice, charlie):
    notice_add(recipient=alice, kind=Notice.Kind.LIKE, actor=charlie, subject_id=7)

    assert notice_add(recipient=alice, kind=Notice.Kind.LIKE, actor=charlie, subject_id=7) is None
    assert Notice.objects.count() == 1 and _badge(alice) == 1


def test_nobody_is_told_of_their_own_actions(alice):
    assert notice_add(recipient=alice, kind=Notice.Kind.LIKE, actor=alice, subject_id=7) is None
    assert not Notice.objects.exists() and _badge(alice) == 0


def test_a_closed_account_hears_nothing(alice, charlie):
    alice.is_active = False
    alice.save()

    assert notice_add(recipient=alice, kind=Notice.Kind.FOLLOW, actor=charlie) is None
    assert not Notice.objects.exists()


def test_an_undo_takes_the_notice_and_the_badge_back(alice, bob, charlie):
    notice_add(recipient=alice, kind=Notice.Kind.LIKE, actor=charlie, subject_id=7)
    notice_add(recipient=alice, kind=Notice.Kind.LIKE, actor=bob, subject_id=7)

    notice_remove(kind=Notice.Kind.LIKE, actor=charlie, subject_id=7)

    assert list(Notice.objects.values_list("actor__username", flat=True)) == ["bob"]
    assert _badge(alice) == 1


def test_reading_the_page_clears_the_badge_and_writes_nothing_twice(alice, charlie, django_assert_num_queries):
    notice_add(recipient=alice, kind=Notice.Kind.FOLLOW, actor=charlie)

    notices_mark_read(user=alice)

    assert _badge(alice) == 0 and Notice.objects.get().read
    with django_assert_num_queries(1):  # the UPDATE that finds nothing unread; no badge write
        notices_mark_read(user=alice)


def test_a_closed_actor_no_longer_counts_toward_the_badge(alice, charlie, bob):
    notice_add(recipient=alice, kind=Notice.Kind.FOLLOW, actor=charlie)
    charlie.is_active = False
    charlie.save()

    notice_add(recipient=alice, kind=Notice.Kind.FOLLOW, actor=bob)

    assert _badge(alice) == 1
