"""What every Mastodon endpoint shares: OAuth bearer tokens, scopes, Mastodon's error
shape {"error": "..."}, rate-limit headers and Link-header keyset pagination."""

import hashlib
import time

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import Http404
from oauth2_provider.models import AccessToken
from rest_framework import authentication, exceptions, parsers, throttling
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView, exception_handler

from api.errors import api_exception_handler
from api.mastodon.schema import MastodonAutoSchema
from api.mastodon.scopes import HasScope
from core.pagination import rows_by_ids

INVALID_TOKEN = "The access token is invalid"
NOT_AN_OBJECT = "The request body must be a JSON object or a form"


class OAuthTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>` with a django-oauth-toolkit access token. A
    revoked or expired token, one of a deleted app or of a deactivated member is a 401."""

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        checksum = hashlib.sha256(parts[1]).hexdigest()
        token = AccessToken.objects.select_related("user", "application").filter(token_checksum=checksum).first()
        if token is None or token.application_id is None or token.is_expired():
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        if token.user_id is not None and not token.user.is_active:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        return (token.user or AnonymousUser(), token)

    def authenticate_header(self, request):
        return 'Bearer realm="Mastodon", error="invalid_token", error_description="The access token is invalid"'


class IsMember(BasePermission):
    """A member's token (an app's own token, from client_credentials, is not enough)."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated)


class MastodonThrottle(throttling.SimpleRateThrottle):
    """Per member (or address), at the project's API rate, recording what the
    X-RateLimit-* headers report."""

    scope = "user"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get("user")

    def get_cache_key(self, request, view):
        ident = request.user.pk if request.user and request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": "mastodon", "ident": ident}

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)
        if self.rate is not None:
            oldest = self.history[-1] if self.history else self.now
            request.rate_limit = (
                self.num_requests,
                max(self.num_requests - len(self.history), 0),
                oldest + self.duration,
            )
        return allowed


def mastodon_exception_handler(exc, context):
    request = context["request"]
    request.accepted_renderer = JSONRenderer()
    request.accepted_media_type = "application/json"
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Record not found")
    if isinstance(exc, exceptions.PermissionDenied) and request.auth is not None:
        exc = exceptions.PermissionDenied(HasScope.message)
    response = exception_handler(exc, context)
    if response is None:
        # A crash: logged (and mailed) as the project's API does, answered in JSON.
        response = api_exception_handler(exc, context)
        response.data = {"error": response.data["error"]}
        return response
    detail = _message(exc.detail) if isinstance(exc, exceptions.APIException) else ""
    if response.status_code == 401 and request.auth is None and not request.META.get("HTTP_AUTHORIZATION"):
        detail = "The access token is invalid"
    response.data = {"error": str(detail)}
    return response


def _message(detail) -> str:
    """A serializer's errors as one line; a list field's are keyed by index (status_ids: 0: …)."""
    if isinstance(detail, dict):
        return "; ".join(f"{key}: {_message(value)}" for key, value in detail.items())
    if isinstance(detail, list):
        return " ".join(_message(item) for item in detail)
    return str(detail)


class ValidationFailed(exceptions.APIException):
    """Mastodon answers bad input with 422."""

    status_code = 422
    default_detail = "Validation failed"


class MastodonView(APIView):
    """The base of every Mastodon endpoint: `scopes` maps a method to the scope it needs."""

    authentication_classes = [OAuthTokenAuthentication]
    permission_classes = [IsMember, HasScope]
    throttle_classes = [MastodonThrottle]
    parser_classes = [parsers.JSONParser, parsers.FormParser, parsers.MultiPartParser]
    renderer_classes = [JSONRenderer]
    scopes: dict = {}
    # The endpoints are in the project's OpenAPI schema (api.mastodon.schema: READS, WRITES).
    schema = MastodonAutoSchema()

    def get_exception_handler(self):
        return mastodon_exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # The views read a body's fields by name; a JSON list, string or number has none.
        if request.method in ("POST", "PUT", "PATCH") and not isinstance(request.data, dict):
            raise ValidationFailed(NOT_AN_OBJECT)

    def permission_denied(self, request, message=None, code=None):
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated(INVALID_TOKEN)
        raise exceptions.PermissionDenied(message)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        limit = getattr(request, "rate_limit", None)
        if limit is not None:
            total, remaining, reset = limit
            response["X-RateLimit-Limit"] = str(total)
            response["X-RateLimit-Remaining"] = str(remaining)
            response["X-RateLimit-Reset"] = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(reset))
        return response

    def validated(self, serializer_class, data):
        serializer = serializer_class(data=data)
        if not serializer.is_valid():
            raise ValidationFailed(serializer.errors)
        return serializer.validated_data


# Pagination: Mastodon's max_id / since_id / min_id / limit, on our (created, id) keys.
DEFAULT_LIMIT = 20
MAX_LIMIT = 40


def id_of(raw) -> int | None:
    """A row id from the request, or None for anything that is not one (a bigint)."""
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**63 else None


def limit_of(request, default=DEFAULT_LIMIT, maximum=MAX_LIMIT) -> int:
    value = id_of(request.query_params.get("limit"))
    return min(value or default, maximum)


def keyset_page(request, queryset, *, model=None, narrow=None, field="created"):
    """The rows of `queryset` (newest first by (field, id)) that max_id / since_id /
    min_id name, and the Link header's next (older) and prev (newer) URLs. A cursor id
    is looked up for its key (one query); one that names no row stays an id bound."""
    model = model or queryset.model
    limit = limit_of(request)
    params = request.query_params

    def key_of(raw):
        pk = id_of(raw)
        if pk is None:
            return None
        created = model.objects.filter(pk=pk).values_list(field, flat=True).first()
        return (created, pk)

    def older(qs, key):
        created, pk = key
        if created is None:
            return qs.filter(pk__lt=pk)
        return qs.filter(**{f"{field}__lte": created}).filter(Q(**{f"{field}__lt": created}) | Q(pk__lt=pk))

    def newer(qs, key):
        created, pk = key
        if created is None:
            return qs.filter(pk__gt=pk)
        return qs.filter(**{f"{field}__gte": created}).filter(Q(**{f"{field}__gt": created}) | Q(pk__gt=pk))

    max_key = key_of(params.get("max_id"))
    since_key = key_of(params.get("since_id"))
    min_key = key_of(params.get("min_id")) if since_key is None else None
    qs = queryset
    if max_key:
        qs = older(qs, max_key)
    if since_key:
        qs = newer(qs, since_key)
    if min_key:
        qs = newer(qs, min_key)
        if narrow is not None:
            qs = narrow(qs, key=min_key, older=False, limit=limit)
        rows = rows_by_ids(qs.order_by(field, "pk"), limit)[::-1]
    else:
        if narrow is not None:
            qs = narrow(qs, key=max_key, older=True, limit=limit)
        rows = rows_by_ids(qs.order_by(f"-{field}", "-pk"), limit)
    links = {}
    if rows:
        base = settings.SITE_URL + request.path
        keep = {k: v for k, v in params.lists() if k not in ("max_id", "since_id", "min_id")}

        def url(**cursor):
            from urllib.parse import urlencode

            return f"{base}?{urlencode({**keep, **cursor}, doseq=True)}"

        links["next"] = url(max_id=rows[-1].pk)
        links["prev"] = url(min_id=rows[0].pk)
    return rows, links


def paged(data, links) -> Response:
    response = Response(data)
    if links:
        response["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
    return response
