"""Issue 21, items 6, 10 and 11: no request makes the site send mail without a
limit, and links in mail come from SITE_URL, never from the request's Host.

- 6: a bad Host header is logged, not mailed to ADMINS; other error reports go
  out at most once per ERROR_MAIL_INTERVAL for the same error.
- 10: POST /api/users with a member's address mailed them "account already
  exists" every time; now one mail per address per ACCOUNT_MAIL_INTERVAL, by
  the API and the sign-up page together.
- 11: a reset link followed `Host: localhost:6666`.
"""

import logging
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from core.log import reset_error_mail_limit

PASSWORD = "a-fresh-pot-of-oolong"


@pytest.fixture
def mandatory(settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"


def _api_signup(email="alice@example.com", username="mallory"):
    return APIClient().post("/api/users", {"username": username, "email": email, "password": PASSWORD}, format="json")


def _page_signup(email="alice@example.com", username="mallory"):
    data = {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD, "accept_rules": "on"}
    return Client().post(reverse("account_signup"), data)


def _to(address):
    return [m for m in mail.outbox if m.to == [address]]


# Item 10.


def test_api_signups_with_a_members_address_mail_them_once(mandatory, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answers = [_api_signup(username=f"mallory{n}").status_code for n in range(12)]

    assert answers == [202] * 12
    assert len(_to("alice@example.com")) == 1


def test_the_page_and_the_api_share_the_limit(mandatory, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _page_signup()
        _api_signup(username="mallory2")
        _page_signup(username="mallory3")

    assert len(_to("alice@example.com")) == 1


def test_the_limit_is_per_address(mandatory, alice, db, django_capture_on_commit_callbacks):
    UserFactory(username="zed", email="zed@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        _api_signup()
        _api_signup(email="zed@example.com", username="mallory2")

    assert len(_to("alice@example.com")) == len(_to("zed@example.com")) == 1


def test_password_resets_mail_an_address_once_per_interval(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            Client().post(reverse("account_reset_password"), {"email": "alice@example.com"})
            Client().post(reverse("account_reset_password"), {"email": "nobody@example.com"})

    assert len(_to("alice@example.com")) == 1
    assert len(_to("nobody@example.com")) == 1


def test_the_limit_can_be_turned_off(mandatory, alice, settings, django_capture_on_commit_callbacks):
    settings.ACCOUNT_MAIL_INTERVAL = 0
    with django_capture_on_commit_callbacks(execute=True):
        _api_signup()
        _api_signup(username="mallory2")

    assert len(_to("alice@example.com")) == 2


# Item 11.


def _links(message):
    return re.findall(r"https?://[^\s\"<>]+", message.body)


@pytest.mark.parametrize("host", ["localhost:6666", "evil.example.net"])
def test_a_reset_link_comes_from_site_url_not_the_host_header(
    alice, settings, host, django_capture_on_commit_callbacks
):
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = "https://microblog.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("account_reset_password"), {"email": alice.email}, HTTP_HOST=host)

    (message,) = _to(alice.email)
    assert _links(message)
    assert all(link.startswith("https://microblog.example.com/") for link in _links(message))
    assert host not in message.body and host not in message.subject


def test_confirmation_and_already_exists_links_come_from_site_url(
    mandatory, alice, settings, django_capture_on_commit_callbacks
):
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = "https://microblog.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        APIClient().post(
            "/api/users",
            {"username": "mallory", "email": alice.email, "password": PASSWORD},
            format="json",
            HTTP_HOST="localhost:6666",
        )
        _page_signup(email="dora@example.com", username="dora")

    for message in mail.outbox:
        assert _links(message), message.body
        assert all(link.startswith("https://microblog.example.com/") for link in _links(message))
        assert "localhost:6666" not in message.body and "testserver" not in message.body


def test_the_export_link_comes_from_site_url(alice, settings, django_capture_on_commit_callbacks):
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = "https://microblog.example.com"
    client = Client(HTTP_HOST="localhost:6666")
    client.force_login(alice)
    settings.EXPORT_ATTACHMENT_MAX_BYTES = 0  # linked, not attached
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("posts:export"))

    (message,) = _to(alice.email)
    assert "https://microblog.example.com/" in message.body
    assert "localhost:6666" not in message.body


# Item 6.


@pytest.fixture
def admins(settings):
    settings.ADMINS = [("ops", "ops@example.com")]
    settings.DEBUG = False
    reset_error_mail_limit()
    yield
    reset_error_mail_limit()


def test_a_bad_host_is_logged_not_mailed(admins, db, caplog):
    with caplog.at_level(logging.ERROR, logger="django.security.DisallowedHost"):
        answers = [Client().get("/", HTTP_HOST="evil.example.net").status_code for _ in range(4)]

    assert answers == [400] * 4
    assert mail.outbox == []
    assert any(r.name == "django.security.DisallowedHost" for r in caplog.records)


def test_the_same_error_is_mailed_once_per_interval(admins, db, settings):
    logger = logging.getLogger("django.request")
    for path in ("/a", "/b", "/c"):
        try:
            raise ValueError(path)
        except ValueError:
            logger.error("Internal Server Error: %s", path, exc_info=True)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@example.com"]


def test_a_different_error_is_mailed_too(admins, db):
    logger = logging.getLogger("django.request")
    for error in (ValueError, KeyError):
        try:
            raise error("x")
        except error:
            logger.error("Internal Server Error: %s", "/", exc_info=True)

    assert len(mail.outbox) == 2
