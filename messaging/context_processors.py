from django.utils.functional import SimpleLazyObject, cached_property

from messaging.models import Notification


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
    def running_job(self) -> dict | None:
        row = self._rows.get(Notification.JOB_PROGRESS)
        return row.payload if row and not row.payload.get("complete") else None

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
