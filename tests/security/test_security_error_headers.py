"""Issue 21, item 14: the 400 page of a bad Host header went out without X-Frame-Options
and the other security headers, since the host check fails inside SecurityMiddleware (in
production, where it redirects to HTTPS) or CommonMiddleware, before the middlewares that
add them. Every response carries them now (core.security.SecurityHeadersMiddleware)."""

import pytest
from django.test import Client

HEADERS = ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy")


def _assert_security_headers(response):
    for header in HEADERS:
        assert header in response, header
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("https_redirect", [False, True])
def test_the_bad_host_page_has_the_security_headers(db, settings, https_redirect):
    settings.SECURE_SSL_REDIRECT = https_redirect  # True: refused inside SecurityMiddleware, as in production

    response = Client(HTTP_HOST="evil.example").get("/accounts/login/")

    assert response.status_code == 400
    _assert_security_headers(response)


def test_a_bad_host_over_https_also_gets_hsts(db, settings):
    settings.SECURE_HSTS_SECONDS = 3600

    response = Client(HTTP_HOST="evil.example").get("/accounts/login/", secure=True)

    assert response.status_code == 400
    assert response["Strict-Transport-Security"].startswith("max-age=3600")


def test_a_page_keeps_the_headers_its_own_middlewares_set(client, db):
    response = client.get("/accounts/login/")

    _assert_security_headers(response)
    assert response["Content-Security-Policy"].count("frame-ancestors") == 1


def test_the_health_check_has_them_too(client, db):
    _assert_security_headers(client.get("/healthz"))
