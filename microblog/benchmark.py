"""The benchmark's ceiling (bench/run.py): a view that does no work of its own.

Its throughput through the full middleware stack (session, member, language,
CSRF, CSP, last seen…) is the most any page can reach on a machine, so every
other page is reported as a fraction of it. Mounted only when BENCHMARK is on."""

from django.http import HttpResponse
from django.views.decorators.http import require_safe

CEILING_PATH = "bench/ceiling"
CEILING_BODY = b"ceiling\n"


@require_safe
def ceiling(request):
    # Touch request.user as every member page does, so the session and member lookups count.
    request.user.is_authenticated  # noqa: B018
    return HttpResponse(CEILING_BODY, content_type="text/plain")
