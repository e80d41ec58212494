"""/healthz: is this process able to serve? Database, cache, Celery broker and
search backend, each probed with the cheapest call that proves it answers.

A load balancer calls it every few seconds, often by IP address and over plain
HTTP, so HealthCheckMiddleware answers it ahead of the rest of the stack: no
ALLOWED_HOSTS check, no HTTPS redirect, no session or cache-backed middleware
(which would turn a Redis outage into a 500 instead of a 503 that says why)."""

import logging
import os
import time

from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
# Seconds the broker may take to accept a connection before it counts as down.
BROKER_TIMEOUT = 2


def check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    # A write and a read back: a read alone succeeds on a cache that silently drops writes.
    token = str(time.monotonic_ns())
    cache.set("healthz", token, timeout=30)
    if cache.get("healthz") != token:
        raise RuntimeError("the cache did not return what was just written")


def check_broker() -> None:
    from celery import current_app

    with current_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT)


def check_search() -> None:
    from haystack import connections as search_connections

    backend = search_connections["default"].get_backend()
    client = getattr(backend, "conn", None)
    if client is not None and hasattr(client, "ping"):
        # Elasticsearch (and Solr) clients: one round trip, no query.
        if client.ping() is False:
            raise RuntimeError("the search server did not answer")
        return
    if getattr(backend, "use_file_storage", False):
        # Whoosh on disk: the index directory must exist (or be creatable, as Haystack
        # does on first use) and be writable by this process. Building the schema is
        # avoided on purpose: it fails while no search index is registered.
        path = backend.path
        os.makedirs(path, exist_ok=True)
        if not os.access(path, os.W_OK):
            raise RuntimeError(f"the index directory {path} is not writable")
        return
    # Any other engine (Whoosh in memory, the simple backend): one tiny search.
    backend.search("healthz", end_offset=1)


def database_unreachable() -> str:
    """One line saying why the database cannot be reached, or "" when it can.

    Used at start-up (manage.py, gunicorn's on_starting hook) so that a wrong
    DATABASE_URL or a stopped server is a clear message rather than a traceback."""
    from django.db.utils import OperationalError

    connection = connections["default"]
    connection.close()
    try:
        connection.ensure_connection()
    except OperationalError as error:
        reason = " ".join(str(error).split())
        return (
            f"Database error: cannot connect to the database in DATABASE_URL ({reason}). "
            "Check DATABASE_URL and that the database server is running."
        )
    finally:
        connection.close()
    return ""


# Apps add their own (messaging: "stream", the live updates' event log).
CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker, "search": check_search}


@require_safe
def healthz(request):
    """200 {"status": "ok", "checks": {...}} when everything answers, 503 otherwise."""
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as error:  # noqa: BLE001 - any failure means "not healthy", and says why
            # The log gets the message (hosts, paths); anonymous callers only the error's class.
            logger.warning("health check %s failed: %s", name, error)
            results[name] = {"ok": False, "error": type(error).__name__}
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    healthy = all(result["ok"] for result in results.values())
    response = JsonResponse({"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503)
    add_never_cache_headers(response)
    return response


class HealthCheckMiddleware:
    """Answers /healthz before any other middleware (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.rstrip("/") == HEALTH_PATH:
            return healthz(request)
        return self.get_response(request)


def main() -> int:
    """`python -m core.health`: exit 1 with one line when the settings or the database are wrong."""
    import sys

    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 1
    problem = database_unreachable()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microblog.settings")
    raise SystemExit(main())
