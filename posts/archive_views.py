"""Settings → Your data (issue 18): the archive (zip) and the CSV import, their jobs'
state, and the member's recent imports with what each did."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from messaging.models import Job
from messaging.services import JobAlreadyRunning, JobDeferred
from posts.archive import ARCHIVE_JOB, archive_start
from posts.csv_kinds import KINDS
from posts.forms import ImportForm
from posts.imports import IMPORT_JOB, import_start

# How many past imports the page lists (newest first).
IMPORTS_SHOWN = 10


def _page(request, form, status=200):
    archive = Job.objects.filter(user=request.user, name=ARCHIVE_JOB).order_by("-created").first()
    imports = list(Job.objects.filter(user=request.user, name=IMPORT_JOB).order_by("-created", "-pk")[:IMPORTS_SHOWN])
    for job in imports:
        job.kind_label = KINDS[job.summary["kind"]].label if job.summary.get("kind") in KINDS else ""
    context = {
        "form": form,
        "archive": archive,
        "archive_running": bool(archive and not archive.complete and not archive.is_stale),
        "imports": imports,
        "import_running": any(not job.complete and not job.is_stale for job in imports[:1]),
        "kinds": KINDS.values(),
        "max_rows": settings.IMPORT_MAX_ROWS,
        "max_kb": settings.IMPORT_MAX_BYTES // 1024,
        "tab": "profile",
    }
    return render(request, "posts/data_settings.html", context, status=status)


@login_required
@require_GET
def data_settings(request):
    return _page(request, ImportForm())


@login_required
@require_POST
def archive_start_view(request):
    try:
        archive_start(user=request.user, site_url=settings.SITE_URL, language=request.LANGUAGE_CODE)
    except JobAlreadyRunning:
        messages.warning(request, _("Your archive is being prepared already."))
    except JobDeferred as error:
        messages.warning(request, str(error))
    else:
        messages.info(request, _("Your archive is being prepared. We'll email you when it's ready."))
    return redirect("posts:data")


@login_required
@require_POST
def import_start_view(request):
    form = ImportForm(request.POST, request.FILES, too_large=getattr(request, "media_too_large", ()))
    if not form.is_valid():
        return _page(request, form, status=400)
    data = form.cleaned_data
    try:
        import_start(
            user=request.user, kind=data["kind"], mode=data["mode"], rows=data["rows"], duplicates=data["duplicates"]
        )
    except JobAlreadyRunning:
        form.add_error(None, _("An import is running already. You can start another when it ends."))
        return _page(request, form, status=409)
    except JobDeferred as error:
        messages.warning(request, str(error))
    else:
        messages.info(
            request,
            _("Your import of %(count)d rows has started; its progress shows here.") % {"count": len(data["rows"])},
        )
    return redirect("posts:data")
