from django.conf import settings
from django.core.mail import get_connection
from django.utils.log import AdminEmailHandler


class DirectAdminEmailHandler(AdminEmailHandler):
    """Error reports skip the mail queue: the error may be that the queue is down."""

    def connection(self):
        return get_connection(backend=settings.EMAIL_DELIVERY_BACKEND, fail_silently=True)
