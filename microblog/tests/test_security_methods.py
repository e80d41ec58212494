"""Issue 8, item 8: every state change is a POST (PUT/DELETE in the API) with
CSRF. The test walks the whole URL conf, so a URL added later without a row in
ROUTES fails here until someone decides what it is."""

import uuid

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from messaging.models import Job
from posts.tests.factories import PostFactory

# What each route is:
#   read  GET only; it must change nothing in the database.
#   form  GET shows a form, POST changes something; the POST needs a CSRF token.
#   post  POST only; GET is 405 and changes nothing; the POST needs a CSRF token.
#   api   DRF view: GET reads; POST/PUT/DELETE with a session need a CSRF token (bearer tokens don't).
ROUTES = {
    # Microblog's own pages.
    "posts:home": "form",
    "posts:explore": "read",
    "posts:user": "read",
    "posts:export": "post",
    "posts:translate": "post",
    "posts:search": "read",
    "accounts:profile-edit": "form",
    "accounts:follow": "post",
    "accounts:unfollow": "post",
    "accounts:identicon": "read",
    "accounts:popover": "read",
    # Opening the inbox marks its messages read: a read receipt, like any mail reader.
    "messaging:inbox": "read",
    "messaging:message-create": "form",
    "messaging:notifications": "read",
    "messaging:job-download": "read",
    # allauth.
    "account_login": "form",
    "account_logout": "form",  # GET asks "are you sure?" (ACCOUNT_LOGOUT_ON_GET is off)
    "account_inactive": "read",
    "account_signup": "form",
    "account_reauthenticate": "form",
    "account_email": "form",
    "account_email_verification_sent": "read",
    "account_change_password": "form",
    "account_set_password": "form",
    "account_reset_password": "form",
    "account_confirm_login_code": "form",
    "account_confirm_email": "form",  # GET shows a button (ACCOUNT_CONFIRM_EMAIL_ON_GET is off)
    "account_reset_password_from_key_done": "read",
    "account_reset_password_from_key": "form",
    "account_reset_password_done": "read",
    # allauth.mfa (two-factor login); the activation page keeps its new secret in the session only.
    "mfa_index": "read",
    "mfa_authenticate": "form",
    "mfa_reauthenticate": "form",
    "mfa_activate_totp": "form",
    "mfa_deactivate_totp": "form",
    "mfa_view_recovery_codes": "read",
    "mfa_generate_recovery_codes": "form",
    "mfa_download_recovery_codes": "read",
    # Django and Rosetta.
    # Django's own view: a GET only redirects back, without setting the language (tested below).
    "set_language": "post",
    "rosetta-old-home-redirect": "read",
    "rosetta-file-list-redirect": "read",
    "rosetta-file-list": "read",
    "rosetta-form": "form",
    "rosetta-download-file": "read",
    "rosetta.translate_text": "read",  # asks a translation service, stores nothing
    # The API.
    "api:tokens": "api",
    "api:user-list": "api",
    "api:user-detail": "api",
    "api:user-followers": "api",
    "api:user-following": "api",
    "api:user-follow": "api",
    "api:user-posts": "api",
    "api:post-list": "api",
    "api:post-detail": "api",
    "api:timeline": "api",
    "api:message-list": "api",
    "api:notification-list": "api",
    "api:schema": "read",
    "healthz": "read",
    "api:docs": "read",
}
# Unnamed routes: the API's trailing-slash twins (same views as above) and its JSON 404s,
# the Swagger UI served ahead of api:docs, and the favicon redirect; all read-only.
UNNAMED_VIEWS = {"api.views.", "api.errors.not_found", "drf_spectacular.views.", "microblog.urls.favicon"}

JOB_ID = uuid.UUID("3f1c8a2e-1111-4c2d-9a7b-0123456789ab")


def _routes(resolver=None, prefix="", namespace=""):
    """(route, name, view path) for every URL pattern, admin included."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield (
                prefix + str(pattern.pattern),
                f"{namespace}{pattern.name}" if pattern.name else "",
                pattern.lookup_str,
            )


def _url(name, alice, post):
    """A URL for `name` that reaches the view with alice's own objects."""
    kwargs = {
        "posts:user": {"username": "alice"},
        "posts:translate": {"pk": post.pk},
        "accounts:follow": {"username": "charlie"},
        "accounts:unfollow": {"username": "charlie"},
        "accounts:identicon": {"username": "alice"},
        "accounts:popover": {"username": "charlie"},
        "messaging:message-create": {"username": "charlie"},
        "messaging:job-download": {"job_id": JOB_ID},
        "account_confirm_email": {"key": "abc"},
        "account_reset_password_from_key": {"uidb36": "1", "key": "abc"},
        "rosetta-file-list": {"po_filter": "project"},
        "rosetta-form": {"po_filter": "project", "lang_id": "es", "idx": 0},
        "rosetta-download-file": {"po_filter": "project", "lang_id": "es", "idx": 0},
        "api:user-detail": {"pk": alice.pk},
        "api:user-followers": {"pk": alice.pk},
        "api:user-following": {"pk": alice.pk},
        "api:user-follow": {"pk": alice.pk},
        "api:user-posts": {"pk": alice.pk},
        "api:post-detail": {"pk": post.pk},
    }.get(name, {})
    url = reverse(name, kwargs=kwargs)
    return url + "?q=tea" if name == "posts:search" else url


@pytest.fixture
def world(alice, bob, charlie, settings, tmp_path, django_capture_on_commit_callbacks):
    """alice is a superuser (so Rosetta and the admin answer) with a post and a finished export."""
    alice.is_superuser = alice.is_staff = True
    alice.save()
    settings.JOB_RESULTS_DIR = tmp_path
    (tmp_path / "a.json").write_text("{}")
    Job.objects.create(id=str(JOB_ID), user=alice, name="export_posts", complete=True, progress=100, result="a.json")
    with django_capture_on_commit_callbacks(execute=True):  # indexed, so search answers
        return PostFactory(author=alice, body="Tea is good.")


# Bookkeeping a GET may do: allauth records the account's email address on
# first sight; the inbox resets the unread badge.
GET_BOOKKEEPING = {"account_email": {"account.EmailAddress"}, "messaging:inbox": {"messaging.Notification"}}


def _database_fingerprint():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_every_route_is_classified():
    unknown = [
        (route, name)
        for route, name, view in _routes()
        if not route.startswith("admin/")
        and name not in ROUTES
        and not (not name and any(view.startswith(prefix) for prefix in UNNAMED_VIEWS))
    ]
    assert unknown == [], "add these routes to ROUTES (read, form, post or api)"


@pytest.mark.parametrize("name", [name for name, kind in ROUTES.items() if kind == "post" and name != "set_language"])
def test_post_only_routes_refuse_get_and_change_nothing(world, alice, name):
    client = Client()
    client.force_login(alice)
    before = _database_fingerprint()

    response = client.get(_url(name, alice, world), HTTP_REFERER="http://testserver/")

    assert response.status_code == 405
    assert _database_fingerprint() == before


def test_set_language_by_get_changes_nothing(world, alice):
    client = Client()
    client.force_login(alice)

    response = client.get(reverse("set_language"), {"language": "es", "next": "/explore/"})

    assert response.status_code == 302
    assert "django_language" not in response.cookies
    alice.refresh_from_db()
    assert alice.language == ""
    assert client.get("/explore/").headers["Content-Language"] == "en"


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_get_changes_nothing(world, alice, name):
    client = APIClient() if name.startswith("api:") else Client()
    client.force_login(alice)
    # Load the session and last-seen writes first, so the fingerprint sees only the view.
    client.get("/explore/")
    before = _database_fingerprint()

    response = client.get(_url(name, alice, world))

    assert response.status_code < 500
    after = _database_fingerprint()
    changed = {label for label in after if after[label] != before[label]}
    assert changed <= GET_BOOKKEEPING.get(name, set())


def _csrf_checked_client(alice, api=False):
    client = APIClient(enforce_csrf_checks=True) if api else Client(enforce_csrf_checks=True)
    client.force_login(alice)
    return client


@pytest.mark.parametrize("name", [name for name, kind in ROUTES.items() if kind in {"form", "post"}])
def test_a_post_without_a_csrf_token_is_refused(world, alice, name):
    client = _csrf_checked_client(alice)
    before = _database_fingerprint()

    response = client.post(_url(name, alice, world), {"body": "forged", "login": "alice"})

    assert response.status_code == 403
    assert _database_fingerprint() == before


@pytest.mark.parametrize("method", ["post", "put", "delete"])
@pytest.mark.parametrize("name", [name for name, kind in ROUTES.items() if kind == "api" and name != "api:tokens"])
def test_an_api_write_with_a_session_and_no_csrf_token_is_refused(world, alice, name, method):
    """A page on another site can make the browser send alice's session cookie, never her token."""
    client = _csrf_checked_client(alice, api=True)
    before = _database_fingerprint()

    response = getattr(client, method)(_url(name, alice, world), {"body": "forged"}, format="json")

    # 403 (CSRF) where the method exists, 405 where it doesn't; never a change.
    assert response.status_code in {403, 405}
    assert _database_fingerprint() == before


def test_the_token_endpoint_ignores_the_session(world, alice):
    """POST /api/tokens takes HTTP Basic only: a forged cross-site POST riding on a session gets no token."""
    response = _csrf_checked_client(alice, api=True).post("/api/tokens")

    assert response.status_code == 401


@pytest.mark.parametrize("model", sorted(admin.site._registry, key=lambda model: model._meta.label))
def test_admin_changes_need_a_csrf_token(world, alice, model):
    client = _csrf_checked_client(alice)
    before = _database_fingerprint()
    opts = model._meta
    add = client.post(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"), {"username": "mallory"})
    bulk = client.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        {"action": "delete_selected", "_selected_action": ["1"], "post": "yes"},
    )
    assert (add.status_code, bulk.status_code) == (403, 403)
    assert _database_fingerprint() == before


def test_admin_logout_refuses_get(world, alice):
    client = Client()
    client.force_login(alice)
    assert client.get(reverse("admin:logout")).status_code == 405
    assert client.get("/explore/").status_code == 200  # still logged in
