import datetime
import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from messaging.forms import MessageForm
from messaging.models import Job, Message, Notification
from messaging.services import MessageError, message_check, message_send, messages_mark_read
from microblog.pagination import cursor_page_of


@login_required
@require_GET
def inbox(request):
    # Remember the old read time so this visit can still mark what was new.
    read_before = request.user.last_message_read_time
    # Keyset pages (?before=/?after=): no COUNT(*) and no OFFSET, each page one
    # walk of messaging_inbox_idx.
    page = cursor_page_of(request, Message.objects.inbox_for(request.user))
    # On the newest page its first row tells whether anything is unread: no query for that.
    messages_mark_read(user=request.user, newest_page=page.object_list if page.is_newest else None)
    return render(request, "messaging/inbox.html", {"page": page, "read_before": read_before, "tab": "messages"})


@login_required
@require_http_methods(["GET", "POST"])
def message_create(request, username):
    recipient = get_object_or_404(User, username__iexact=username)
    form = MessageForm(request.POST if request.method == "POST" else None)
    try:
        message_check(sender=request.user, recipient=recipient)
    except MessageError as error:
        refusal = str(error)
    else:
        refusal = ""
        if request.method == "POST" and form.is_valid():
            message_send(sender=request.user, recipient=recipient, body=form.cleaned_data["body"])
            messages.success(request, _("Your message to %(username)s has been sent.") % {"username": recipient})
            return redirect(recipient.get_absolute_url())
    status = 400 if refusal and request.method == "POST" else 200
    context = {"recipient": recipient, "form": form, "refusal": refusal, "tab": "messages"}
    return render(request, "messaging/message_create.html", context, status=status)


def _parse_since(raw: str | None) -> datetime.datetime | None:
    try:
        seconds = float(raw or 0)
        if not math.isfinite(seconds):
            return None
        return datetime.datetime.fromtimestamp(max(seconds, 0), tz=datetime.UTC)
    except (ValueError, OverflowError, OSError):
        return None


@require_GET
@never_cache
def notification_list(request):
    """What the navbar polls: the caller's notifications changed after ?since= (Unix seconds)."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Log in to see your notifications.")}, status=401)
    since = _parse_since(request.GET.get("since"))
    if since is None:
        return JsonResponse({"error": _("since must be a Unix time in seconds.")}, status=400)
    rows = Notification.objects.filter(user=request.user, timestamp__gt=since).order_by("timestamp")
    return JsonResponse([row.as_dict() for row in rows], safe=False)


@login_required
@require_GET
def job_download(request, job_id):
    # Someone else's job, or one without a file, looks exactly like a missing one.
    job = get_object_or_404(Job, pk=job_id, user=request.user, complete=True, error="")
    path = job.result_path()
    if path is None or not path.is_file():
        raise Http404
    filename = f"microblog-{job.name}-{request.user.username}-{job.created:%Y%m%d}{path.suffix}"
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename)
