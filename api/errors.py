"""Every error under /api/ is JSON: {"error": <HTTP reason phrase>, "message": <detail>},
the shape of the original Microblog API, never an HTML page."""

from http import HTTPStatus

from django.http import JsonResponse
from django.utils.log import log_response
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback


def error_payload(status: int, message=None) -> dict:
    payload = {"error": HTTPStatus(status).phrase}
    if message:
        payload["message"] = str(message)
    return payload


def _message(detail) -> str:
    """One readable line from DRF's detail (a string, a list or a dict of field errors)."""
    if isinstance(detail, dict):
        parts = []
        for field, errors in detail.items():
            text = _message(errors)
            parts.append(text if field in ("non_field_errors", "detail") else f"{field}: {text}")
        return " ".join(parts)
    if isinstance(detail, list):
        return " ".join(_message(item) for item in detail)
    return str(detail)


def api_exception_handler(exc, context):
    request = context["request"]
    # Errors are JSON even for a browser that asked for the browsable API's HTML.
    request.accepted_renderer = JSONRenderer()
    request.accepted_media_type = "application/json"
    response = exception_handler(exc, context)
    if response is None:
        # An unexpected crash: logged (and mailed to ADMINS) as Django would, answered in JSON.
        set_rollback()
        response = Response(error_payload(500, _("An unexpected error occurred.")), status=500)
        # As Django logs an uncaught exception (traceback mailed to ADMINS), and only once.
        log_response(
            "Internal Server Error: %s", request.path, response=response, request=request._request, exception=exc
        )
        return response
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data.get("detail")
    response.data = error_payload(response.status_code, _message(detail))
    return response


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any /api/ path that matches no endpoint, whatever the method (never a redirect)."""
    return JsonResponse(error_payload(404, _("No API endpoint at this address.")), status=404)
