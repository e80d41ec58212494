"""SecurityHeadersMiddleware: the security headers on every response, errors included.

Django's SecurityMiddleware, XFrameOptionsMiddleware and django-csp set them on the way
out of the requests they see, but a request can fail before or inside them (the 400 of a
bad Host header is raised in SecurityMiddleware itself), and its error page then went out
bare: framable, sniffable, without a CSP. This middleware sits first in MIDDLEWARE and
fills in whatever a response lacks, from the same settings; what the others set stays."""

from csp.utils import build_policy
from django.conf import settings


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(response, "xframe_options_exempt", False):
            response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if settings.SECURE_REFERRER_POLICY:
            response.headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            response.headers.setdefault("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY)
        if not getattr(response, "_csp_exempt", False) and "Content-Security-Policy-Report-Only" not in response:
            response.headers.setdefault("Content-Security-Policy", build_policy())
        # is_secure() reads the scheme (or SECURE_PROXY_SSL_HEADER), never the Host header.
        if settings.SECURE_HSTS_SECONDS and request.is_secure():
            hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
            if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
                hsts += "; includeSubDomains"
            if settings.SECURE_HSTS_PRELOAD:
                hsts += "; preload"
            response.headers.setdefault("Strict-Transport-Security", hsts)
        return response
