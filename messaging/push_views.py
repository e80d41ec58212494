"""The push notifications settings: turn push on or off for this device (static/js/push.js
talks to the JSON endpoints here), switch kinds on and off, remove devices."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from messaging import push
from messaging.forms import PushKindsForm
from messaging.models import PushSubscription
from messaging.services import push_muted_kinds, push_settings_save, push_subscribe, push_unsubscribe


@login_required
@require_http_methods(["GET", "POST"])
def push_settings(request):
    if request.method == "POST":
        form = PushKindsForm(request.POST)
        if form.is_valid():
            push_settings_save(user=request.user, enabled_kinds=form.cleaned_data["kinds"])
            messages.success(request, _("Your push notification settings have been saved."))
            return redirect("messaging:push-settings")
    else:
        muted = push_muted_kinds(request.user)
        form = PushKindsForm(initial={"kinds": [kind for kind, _label in push.push_kinds() if kind not in muted]})
    devices = PushSubscription.objects.filter(user=request.user).order_by("-created")
    context = {
        "form": form,
        "devices": devices,
        "vapid_public_key": push.vapid_public_key(),
        "max_devices": push.MAX_DEVICES,
    }
    return render(request, "messaging/push_settings.html", context)


def _json_body(request) -> dict | JsonResponse:
    if len(request.body) > push.MAX_REQUEST_BYTES:
        return JsonResponse({"error": _("This request is too large.")}, status=413)
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        return JsonResponse({"error": _("Send the subscription as a JSON object.")}, status=400)
    return data


def _not_logged_in():
    return JsonResponse({"error": _("Log in to manage your push notifications.")}, status=401)


@require_POST
def push_subscribe_view(request):
    """The browser's PushSubscription.toJSON(), and a name for the device."""
    if not request.user.is_authenticated:
        return _not_logged_in()
    if not push.push_enabled():
        return JsonResponse({"error": _("Push notifications are not set up on this site.")}, status=503)
    data = _json_body(request)
    if isinstance(data, JsonResponse):
        return data
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    try:
        subscription = push_subscribe(
            user=request.user,
            endpoint=data.get("endpoint"),
            p256dh=keys.get("p256dh"),
            auth=keys.get("auth"),
            name=data.get("name") if isinstance(data.get("name"), str) else "",
        )
    except push.PushRefused as refused:
        return JsonResponse({"error": str(refused)}, status=400)
    return JsonResponse({"id": subscription.pk, "name": subscription.name}, status=201)


@require_POST
def push_unsubscribe_view(request):
    """This device turned off: {"endpoint": …}."""
    if not request.user.is_authenticated:
        return _not_logged_in()
    data = _json_body(request)
    if isinstance(data, JsonResponse):
        return data
    endpoint = data.get("endpoint")
    removed = isinstance(endpoint, str) and push_unsubscribe(user=request.user, endpoint=endpoint)
    return JsonResponse({"removed": bool(removed)})


@login_required
@require_POST
def push_device_remove(request, subscription_id):
    if push_unsubscribe(user=request.user, subscription_id=subscription_id):
        messages.success(request, _("The device will get no more push notifications."))
    else:
        messages.error(request, _("This device was already removed."))
    return redirect("messaging:push-settings")
