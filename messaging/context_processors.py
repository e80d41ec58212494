import datetime

from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property

from messaging.models import Notification

# How long a finished job's outcome stays in the navbar.
JOB_OUTCOME_SECONDS = 300


class NavbarNotifications:
    """What the navbar shows on first render; the poll keeps it current. One
    query, and only on pages that render the navbar (the object is lazy)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def _rows(self) -> dict:
        return {row.name: row for row in Notification.objects.filter(user=self.user)}

    @property
    def unread_count(self) -> int:
        row = self._rows.get(Notification.UNREAD_MESSAGE_COUNT)
        return row.payload.get("count", 0) if row else 0

    @property
    def unread_notice_count(self) -> int:
        """The notifications page's unread entries (the bell's badge)."""
        row = self._rows.get(Notification.UNREAD_NOTICE_COUNT)
        return row.payload.get("count", 0) if row else 0

    @property
    def job(self) -> dict | None:
        """A running job, or one that ended in the last few minutes (so a job
        that finished before the page loaded still shows its outcome)."""
        row = self._rows.get(Notification.JOB_PROGRESS)
        if row is None:
            return None
        recent = timezone.now() - row.timestamp < datetime.timedelta(seconds=JOB_OUTCOME_SECONDS)
        return row.payload if recent or not row.payload.get("complete") else None

    @property
    def since(self) -> str:
        """The newest timestamp already rendered: the poll asks for anything after it.
        A string, so that no locale renders the decimal point as a comma."""
        return f"{max((row.timestamp.timestamp() for row in self._rows.values()), default=0):.6f}"


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"navbar": SimpleLazyObject(lambda: NavbarNotifications(user))}
