import threading
import time
import traceback

from django.conf import settings
from django.core.mail import get_connection
from django.utils.log import AdminEmailHandler

_lock = threading.Lock()
# Error signature -> when it was last mailed (this process).
_last_mailed: dict[tuple, float] = {}


def _signature(record) -> tuple:
    """What makes two reports "the same error": the logger, and the exception's
    type and the line that raised it, else the message's format string (so the
    path or the arguments, which a visitor chooses, never make a report new)."""
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        frames = traceback.extract_tb(error.__traceback__)
        where = (frames[-1].filename, frames[-1].lineno) if frames else ()
        return (record.name, type(error).__qualname__, *where)
    return (record.name, str(record.msg))


def reset_error_mail_limit() -> None:
    """Forget what was mailed (tests)."""
    with _lock:
        _last_mailed.clear()


class DirectAdminEmailHandler(AdminEmailHandler):
    """Error reports skip the mail queue (the error may be that the queue is down), and
    the same error is mailed at most once per ERROR_MAIL_INTERVAL seconds per process,
    so that no stream of requests can make the server send mail without a limit
    (every report still reaches the log)."""

    def emit(self, record):
        interval = settings.ERROR_MAIL_INTERVAL
        if interval > 0:
            key, now = _signature(record), time.monotonic()
            with _lock:
                if now - _last_mailed.get(key, -interval) < interval:
                    return
                _last_mailed[key] = now
                # Signatures are code locations and format strings: few; still, never grow without bound.
                if len(_last_mailed) > 1000:
                    _last_mailed.clear()
        super().emit(record)

    def connection(self):
        return get_connection(backend=settings.EMAIL_DELIVERY_BACKEND, fail_silently=True)
