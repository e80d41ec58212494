"""Mastodon's OAuth 2 server on django-oauth-toolkit: app registration, the consent
page (with the out-of-band code page that DOT 2 dropped), the token and revoke
endpoints, and the member's list of authorized apps."""

import json
import re
from urllib.parse import parse_qs, urlencode, urlsplit

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken, generate_client_secret
from oauth2_provider.oauth2_backends import get_oauthlib_core
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import RevokeTokenView, TokenView
from oauthlib.oauth2 import FatalClientError
from rest_framework import serializers

from api.mastodon.scopes import ALL, scopes_parse
from api.models import MastodonApp

OOB = "urn:ietf:wg:oauth:2.0:oob"
# Redirects to these would run code in the browser or read local files.
FORBIDDEN_SCHEMES = {"javascript", "data", "file", "vbscript", "blob"}
SCHEME = re.compile(r"[a-z][a-z0-9+.-]*")


class MastodonValidator(OAuth2Validator):
    """Every Mastodon app may use the authorization code, client credentials and
    refresh token grants (DOT allows one grant type per application)."""

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        return grant_type in ("authorization_code", "client_credentials", "refresh_token")


def redirect_uri_check(uri: str) -> str:
    uri = uri.strip()
    if uri == OOB:
        return uri
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    # isprintable: no NUL or other control character (PostgreSQL refuses a NUL in text).
    if not SCHEME.fullmatch(scheme) or scheme in FORBIDDEN_SCHEMES or "#" in uri or " " in uri or not uri.isprintable():
        raise serializers.ValidationError(_("%(uri)s is not a valid redirect URI.") % {"uri": uri[:200]})
    if scheme in ("http", "https") and not parts.netloc:
        raise serializers.ValidationError(_("%(uri)s is not a valid redirect URI.") % {"uri": uri[:200]})
    return uri


class RedirectUrisField(serializers.Field):
    """A string (several URIs one per line) or a list, as form fields or JSON."""

    def get_value(self, dictionary):
        if hasattr(dictionary, "getlist"):
            values = dictionary.getlist(self.field_name) or dictionary.getlist(f"{self.field_name}[]")
            return values if len(values) != 1 else values[0]
        return dictionary.get(self.field_name, serializers.empty)

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


class AppCreateSerializer(serializers.Serializer):
    client_name = serializers.CharField(max_length=200)
    redirect_uris = RedirectUrisField()
    scopes = serializers.CharField(max_length=1000, required=False, default="read")
    website = serializers.URLField(max_length=500, required=False, allow_blank=True, allow_null=True, default="")

    def validate_redirect_uris(self, value):
        items = value if isinstance(value, list) else str(value).split()
        if not items or len(items) > 20 or not all(isinstance(item, str) for item in items):
            raise serializers.ValidationError(_("Give one to twenty redirect URIs."))
        return [redirect_uri_check(item) for item in items]

    def validate_scopes(self, value):
        scopes = scopes_parse(value) or ["read"]
        unknown = [scope for scope in scopes if scope not in ALL]
        if unknown:
            raise serializers.ValidationError(_("Unknown scope: %(scope)s") % {"scope": unknown[0][:50]})
        return " ".join(scopes)


def app_create(*, name: str, redirect_uris: list[str], scopes: str, website: str) -> tuple[MastodonApp, str]:
    """Register an app; returns it with its client secret, which only its hash keeps after."""
    secret = generate_client_secret()
    with transaction.atomic():
        application = Application.objects.create(
            name=name,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(redirect_uris),
            client_secret=secret,
        )
        app = MastodonApp.objects.create(application=application, scopes=scopes, website=website or "")
    return app, secret


def application_entity(app: MastodonApp, *, secret: str | None = None) -> dict:
    uris = app.application.redirect_uris.split()
    entity = {
        "id": str(app.pk),
        "name": app.application.name,
        "website": app.website or None,
        "scopes": scopes_parse(app.scopes),
        "redirect_uri": "\n".join(uris),
        "redirect_uris": uris,
        "vapid_key": "",
    }
    if secret is not None:
        entity |= {"client_id": app.application.client_id, "client_secret": secret, "client_secret_expires_at": 0}
    return entity


class SchemeRedirect(HttpResponseRedirect):
    """A redirect to the app's own scheme (tusky://…), checked at registration."""

    def __init__(self, url):
        self.allowed_schemes = [urlsplit(url).scheme]
        super().__init__(url)


# A host and port as CSP writes them: nothing that could end the source or the directive.
CSP_HOST = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]{1,5})?")


def _csp_source(uri: str) -> str | None:
    """The CSP source that matches `uri`: its origin (https://app.example) or, for an
    app's own scheme (tusky://oauth), the scheme alone; None for a host CSP can't name."""
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return f"{scheme}:" if SCHEME.fullmatch(scheme) else None
    return f"{scheme}://{parts.netloc}" if CSP_HOST.fullmatch(parts.netloc) else None


@login_required
@require_http_methods(["GET", "POST"])
def authorize(request):
    """GET /oauth/authorize: "Allow <app> to … as you?"; the form posts back to the same
    address (its query string is the request), so both steps validate it alike. Login
    first (allauth's, second factor included); errors are shown, never redirected."""
    core = get_oauthlib_core()
    try:
        scopes, credentials = core.validate_authorization_request(request)
    except (OAuthToolkitError, FatalClientError) as error:
        oauth_error = getattr(error, "oauthlib_error", error)
        return render(
            request,
            "api/oauth_error.html",
            {"error": getattr(oauth_error, "description", "") or str(oauth_error)},
            status=400,
        )
    application = Application.objects.select_related("mastodon_app").get(client_id=credentials["client_id"])
    redirect_uri = credentials["redirect_uri"]
    if request.method == "GET":
        page = render(request, "api/oauth_authorize.html", {"application": application, "scopes": scopes})
        source = None if redirect_uri == OOB else _csp_source(redirect_uri)
        if source is not None:
            # The page's CSP says form-action 'self', and browsers apply it to the redirect
            # that answers the form too: without the app's own address, Allow and Deny
            # would stop at a blocked navigation instead of reaching the app.
            page._csp_update = {"form-action": [source]}
        return page
    if "allow" not in request.POST:
        if redirect_uri == OOB:
            return redirect("posts:home")
        query = {"error": "access_denied"} | ({"state": credentials["state"]} if credentials.get("state") else {})
        separator = "&" if urlsplit(redirect_uri).query else "?"
        return SchemeRedirect(f"{redirect_uri}{separator}{urlencode(query)}")
    uri, _headers, _body, _status = core.create_authorization_response(request, scopes, credentials, True)
    if redirect_uri == OOB:
        code = parse_qs(urlsplit(uri).query).get("code", [""])[0]
        return render(request, "api/oauth_oob.html", {"application": application, "code": code})
    return SchemeRedirect(uri)


class MastodonTokenView(TokenView):
    """POST /oauth/token, answering with Mastodon's created_at beside the token."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:
            payload = json.loads(response.content)
            payload["created_at"] = int(timezone.now().timestamp())
            response.content = json.dumps(payload)
        return response


class MastodonRevokeView(RevokeTokenView):
    """POST /oauth/revoke: {} on success, as Mastodon answers."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:
            response.content = b"{}"
            response["Content-Type"] = "application/json"
        return response


@login_required
def authorized_apps(request):
    """The apps holding a live token of the member's, each with a Revoke button."""
    ids = (
        AccessToken.objects.filter(user=request.user, expires__gt=timezone.now())
        .values_list("application_id", flat=True)
        .distinct()
    )
    applications = Application.objects.filter(pk__in=ids).select_related("mastodon_app").order_by("name", "pk")
    return render(request, "api/authorized_apps.html", {"applications": applications})


@login_required
@require_POST
def authorized_app_revoke(request, pk: int):
    """Take back every token and code `pk` holds for the member."""
    application = get_object_or_404(Application, pk=pk)
    with transaction.atomic():
        RefreshToken.objects.filter(user=request.user, application=application).delete()
        AccessToken.objects.filter(user=request.user, application=application).delete()
        Grant.objects.filter(user=request.user, application=application).delete()
    return redirect("oauth:authorized-apps")
