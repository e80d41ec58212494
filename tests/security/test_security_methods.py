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
#   bearer  takes a bearer token or client credentials only, never the session.
ROUTES = {
    # Microblog's own pages.
    "posts:home": "form",
    "manifest": "read",
    "service-worker": "read",
    "offline": "read",
    "posts:explore": "read",
    "posts:user": "read",
    "posts:user-rss": "read",
    "posts:user-atom": "read",
    "posts:export": "post",
    "posts:data": "read",
    "posts:archive": "post",
    "posts:import": "post",
    "posts:translate": "post",
    "posts:tag": "read",
    "posts:tag-follow": "post",
    "posts:tag-unfollow": "post",
    "posts:notifications": "read",
    "posts:user-at": "read",
    "posts:post": "read",
    "posts:history": "read",
    "posts:reply": "post",
    "posts:like": "post",
    "posts:unlike": "post",
    "posts:boost": "post",
    "posts:unboost": "post",
    "posts:bookmark": "post",
    "posts:unbookmark": "post",
    "posts:bookmarks": "read",
    "posts:quote": "form",
    "posts:edit": "form",
    "posts:delete": "form",  # GET asks "are you sure?"
    "search:search": "read",
    "accounts:profile-edit": "form",
    "accounts:delete": "form",
    "accounts:invite": "read",
    "accounts:invites": "form",
    "accounts:invite-revoke": "post",
    "robots": "read",
    "core:about": "read",
    "core:rules": "read",
    "core:privacy": "read",
    "accounts:follow": "post",
    "accounts:unfollow": "post",
    "accounts:identicon": "read",
    "accounts:popover": "read",
    "accounts:followers": "read",
    "accounts:following": "read",
    # Uploaded files from MEDIA_ROOT (MEDIA_SERVE, development only).
    "media": "read",
    "accounts:block": "post",
    "accounts:unblock": "post",
    "accounts:mute": "form",  # GET asks for how long
    "accounts:unmute": "post",
    "accounts:safety": "form",
    "accounts:muted-word-delete": "post",
    "posts:report": "form",
    "posts:member-report": "form",
    # Opening the inbox marks its messages read: a read receipt, like any mail reader.
    "messaging:inbox": "read",
    "messaging:message-create": "form",
    "messaging:notifications": "read",
    "messaging:stream": "read",
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
    "api:user-block": "api",
    "api:user-mute": "api",
    "api:block-list": "api",
    "api:mute-list": "api",
    "api:report-create": "api",
    "api:import-list": "api",
    "api:import-detail": "api",
    "api:user-posts": "api",
    "api:post-list": "api",
    "api:post-detail": "api",
    "api:post-context": "api",
    "api:post-replies": "api",
    "api:post-history": "api",
    "api:post-like": "api",
    "api:post-boost": "api",
    "api:user-avatar": "api",
    "api:user-header": "api",
    "api:media-create": "api",
    "api:media-detail": "api",
    "api:timeline": "api",
    "api:message-list": "api",
    "api:notification-list": "api",
    "api:tag-posts": "api",
    "api:tag-follow": "api",
    "api:followed-tag-list": "api",
    "api:notice-list": "api",
    "api:notice-read": "api",
    "api:schema": "read",
    "healthz": "read",
    "api:docs": "read",
    # The Mastodon client API and its OAuth server (api/mastodon/): bearer tokens and
    # client credentials only, the session is never read, so a page on another site
    # riding on it gets a 401 (or 400/405) and changes nothing.
    "mastodon:apps": "bearer",
    "mastodon:apps-verify": "bearer",
    "mastodon:instance": "bearer",
    "mastodon:instance-v2": "bearer",
    "mastodon:instance-peers": "bearer",
    "mastodon:custom-emojis": "bearer",
    "mastodon:verify-credentials": "bearer",
    "mastodon:account-lookup": "bearer",
    "mastodon:relationships": "bearer",
    "mastodon:account": "bearer",
    "mastodon:account-statuses": "bearer",
    "mastodon:account-followers": "bearer",
    "mastodon:account-following": "bearer",
    "mastodon:account-follow": "bearer",
    "mastodon:account-unfollow": "bearer",
    "mastodon:account-block": "bearer",
    "mastodon:account-unblock": "bearer",
    "mastodon:account-mute": "bearer",
    "mastodon:account-unmute": "bearer",
    "mastodon:blocks": "bearer",
    "mastodon:mutes": "bearer",
    "mastodon:reports": "bearer",
    "mastodon:statuses": "bearer",
    "mastodon:status": "bearer",
    "mastodon:status-context": "bearer",
    "mastodon:status-favourite": "bearer",
    "mastodon:status-unfavourite": "bearer",
    "mastodon:status-reblog": "bearer",
    "mastodon:status-unreblog": "bearer",
    "mastodon:status-favourited-by": "bearer",
    "mastodon:status-reblogged-by": "bearer",
    "mastodon:timeline-home": "bearer",
    "mastodon:timeline-public": "bearer",
    "mastodon:timeline-tag": "bearer",
    "mastodon:notifications": "bearer",
    "mastodon:notifications-clear": "bearer",
    "mastodon:notification": "bearer",
    "mastodon:notification-dismiss": "bearer",
    "mastodon:search": "bearer",
    "oauth:authorize": "form",
    "oauth:token": "bearer",
    "oauth:revoke": "bearer",
    "oauth:authorized-apps": "read",
    "oauth:authorized-app-revoke": "post",
    "mastodon:instance-activity": "bearer",
    "mastodon:update-credentials": "bearer",
    "mastodon:account-search": "bearer",
    "mastodon:status-history": "bearer",
    "mastodon:status-source": "bearer",
    "mastodon:status-bookmark": "bearer",
    "mastodon:status-unbookmark": "bearer",
    "mastodon:bookmarks": "bearer",
    "mastodon:favourites": "bearer",
    "mastodon:markers": "bearer",
    "mastodon:notifications-unread": "bearer",
    "mastodon:media-v2": "bearer",
    "mastodon:media": "bearer",
    "mastodon:media-detail": "bearer",
    # Served by the stream service (ASGI); here it only answers GET (its own token check).
    "mastodon:streaming": "read",
    "mastodon:streaming-stream": "read",
    "messaging:push-settings": "form",
    "messaging:push-subscribe": "post",
    "messaging:push-unsubscribe": "post",
    "messaging:push-remove": "post",
    "posts:tag-rss": "read",
    "posts:tag-atom": "read",
    "nodeinfo-index": "read",
    "nodeinfo": "read",
}
# Unnamed routes: the API's trailing-slash twins (same views as above) and its JSON 404s,
# the Swagger UI served ahead of api:docs, and the favicon redirect; all read-only.
UNNAMED_VIEWS = {
    "api.views.",
    "api.safety_views.",
    "api.media_views.",
    "api.mastodon.",
    "api.errors.not_found",
    "drf_spectacular.views.",
    "microblog.urls.favicon",
}

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
        "posts:user-at": {"username": "alice"},
        "posts:post": {"username": "alice", "pk": post.pk},
        "posts:history": {"username": "alice", "pk": post.pk},
        **{
            f"posts:{name}": {"pk": post.pk}
            for name in ("reply", "like", "unlike", "boost", "unboost", "bookmark", "unbookmark")
        },
        **{f"posts:{name}": {"pk": post.pk} for name in ("quote", "edit", "delete")},
        "accounts:follow": {"username": "charlie"},
        "accounts:invite": {"code": "no-such-invite"},
        "accounts:invite-revoke": {"pk": 1},
        "accounts:unfollow": {"username": "charlie"},
        **{f"accounts:{name}": {"username": "charlie"} for name in ("block", "unblock", "mute", "unmute")},
        "accounts:muted-word-delete": {"pk": 1},
        "posts:report": {"pk": post.pk},
        "posts:member-report": {"username": "charlie"},
        "api:user-block": {"pk": alice.pk},
        "api:user-mute": {"pk": alice.pk},
        "api:user-avatar": {"pk": alice.pk},
        "api:user-header": {"pk": alice.pk},
        "api:media-detail": {"pk": 1},
        "mastodon:media-detail": {"pk": 1},
        "accounts:identicon": {"username": "alice"},
        "accounts:popover": {"username": "charlie"},
        "accounts:followers": {"username": "alice"},
        "accounts:following": {"username": "alice"},
        "media": {"path": "attachments/ab/none.webp"},
        "posts:user-rss": {"username": "alice"},
        "posts:user-atom": {"username": "alice"},
        "messaging:message-create": {"username": "charlie"},
        "messaging:job-download": {"job_id": JOB_ID},
        "api:import-detail": {"pk": JOB_ID},
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
        "posts:tag": {"tag": "tea"},
        "posts:tag-rss": {"tag": "tea"},
        "posts:tag-atom": {"tag": "tea"},
        "messaging:push-remove": {"subscription_id": 1},
        "mastodon:streaming-stream": {"stream": "user"},
        "posts:tag-follow": {"tag": "tea"},
        "posts:tag-unfollow": {"tag": "tea"},
        "api:tag-posts": {"tag": "tea"},
        "api:tag-follow": {"tag": "tea"},
        **{f"api:post-{name}": {"pk": post.pk} for name in ("context", "replies", "history", "like", "boost")},
        "mastodon:timeline-tag": {"hashtag": "tea"},
        "mastodon:notification": {"pk": 1},
        "mastodon:notification-dismiss": {"pk": 1},
        "oauth:authorized-app-revoke": {"pk": 1},
    }.get(name, {})
    if (
        name in ("mastodon:account", "mastodon:account-statuses", "mastodon:account-follow")
        or name.startswith(
            (
                "mastodon:account-follow",
                "mastodon:account-unfollow",
                "mastodon:account-block",
                "mastodon:account-unblock",
            )
        )
        or name in ("mastodon:account-mute", "mastodon:account-unmute")
    ):
        kwargs = {"pk": alice.pk}
    elif name.startswith("mastodon:status-") or name == "mastodon:status":  # statuses (the create route has none)
        kwargs = {"pk": post.pk}
    url = reverse(name, kwargs=kwargs)
    return url + "?q=tea" if name == "search:search" else url


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


@pytest.mark.parametrize("method", ["post", "put", "delete"])
@pytest.mark.parametrize(
    "name", [name for name, kind in ROUTES.items() if kind == "bearer" and name != "mastodon:apps"]
)
def test_a_bearer_endpoint_ignores_the_session(world, alice, name, method):
    """Mastodon's endpoints read no session: a forged cross-site write riding on one changes nothing.
    (POST /api/v1/apps is open registration, as on Mastodon: it needs no member at all.)"""
    client = _csrf_checked_client(alice, api=True)
    before = _database_fingerprint()

    response = getattr(client, method)(_url(name, alice, world), {"status": "forged"}, format="json")

    assert response.status_code in {400, 401, 405}
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
