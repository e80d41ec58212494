"""Issue 8, item 7: every URL that returns or changes something a member owns
refuses the others. bob walks the table against alice's objects (and never
sees her secret anywhere); an anonymous visitor is sent to log in (401 in the
API and the JSON endpoints)."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from api.services import token_issue
from messaging.models import Job, Message, Notification
from messaging.services import message_send, notification_set
from posts.models import Post
from posts.tests.factories import PostFactory

SECRET = "alice-secret-7f3a"
JOB_ID = "3f1c8a2e-1111-4c2d-9a7b-0123456789ab"


@pytest.fixture
def owned(alice, bob, charlie, settings, tmp_path):
    """alice's private things, each carrying SECRET: a message from charlie, a
    notification, a finished export file; and a public post of hers."""
    settings.JOB_RESULTS_DIR = tmp_path
    (tmp_path / "a.json").write_text(json.dumps({"posts": [SECRET]}))
    message_send(sender=charlie, recipient=alice, body=f"Dear alice, {SECRET}")
    job = Job.objects.create(
        id=JOB_ID, user=alice, name="export_posts", description=SECRET, complete=True, progress=100, result="a.json"
    )
    notification_set(user=alice, name=Notification.JOB_PROGRESS, payload={"description": SECRET})
    return {"job": job, "post": PostFactory(author=alice, body="Tea at five.", language="fr")}


def _web(member=None):
    client = Client()
    if member:
        client.force_login(member)
    return client


def _api(member=None):
    client = APIClient()
    if member:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=member)}")
    return client


def _body(response):
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


# (id, method, url, data, bob's status). Each is checked for SECRET in bob's answer
# and for alice's objects left as they were.
WEB = [
    ("inbox", "get", "/messages/", None, 200),
    ("notifications poll", "get", "/notifications/?since=0", None, 200),
    ("alice's export download", "get", f"/jobs/{JOB_ID}/download/", None, 404),
    ("alice's profile page (no export, no email)", "get", "/user/alice/", None, 200),
    ("start an export (always the caller's)", "post", "/export/", None, 302),
    ("profile edit with alice's id slipped in", "post", "/profile/edit/", {"id": "ALICE", "username": "bob"}, 302),
    ("message to oneself", "post", "/messages/new/bob/", {"body": "hi me"}, 400),
    ("popover of alice", "get", "/user/alice/popover/", None, 200),
    ("translate alice's public post", "post", "/post/POST/translate/", None, 503),
    ("rosetta", "get", "/rosetta/files/project/", None, 302),
    ("rosetta: download a catalog", "get", "/rosetta/files/project/es/0/download/", None, 302),
    ("rosetta: save a translation", "post", "/rosetta/files/project/es/0/", {"m_0": "pwned"}, 302),
    ("rosetta: machine translation", "get", "/rosetta/translate/?from=en&to=es&text=hi", None, 302),
    ("admin: alice's messages", "get", "/admin/messaging/message/", None, 302),
    ("admin: alice's jobs", "get", "/admin/messaging/job/", None, 302),
]

API = [
    ("API inbox", "get", "/api/messages", None, 200),
    ("API notifications", "get", "/api/notifications?since=0", None, 200),
    ("API alice's record (no email)", "get", "/api/users/ALICE", None, 200),
    ("API update alice", "put", "/api/users/ALICE", {"about_me": "pwned", "email": "bob@evil.example"}, 403),
    ("API delete alice's post", "delete", "/api/posts/POST", None, 403),
    ("API message to oneself", "post", "/api/messages", {"recipient": "BOB", "body": "hi me"}, 400),
    ("API alice's token revoked by bob", "delete", "/api/tokens", None, 204),
]


def _fill(url, data, alice, bob, owned):
    def fill(text):
        return text.replace("ALICE", str(alice.pk)).replace("BOB", str(bob.pk)).replace("POST", str(owned["post"].pk))

    filled = {key: (int(fill(value)) if value in {"ALICE", "BOB"} else value) for key, value in (data or {}).items()}
    return fill(url), filled


def _alice_untouched(alice, owned):
    alice.refresh_from_db()
    assert (alice.username, alice.email, alice.about_me) == ("alice", "alice@example.com", "I write about tea.")
    assert Post.objects.filter(pk=owned["post"].pk).exists()
    assert Job.objects.filter(user=alice).count() == 1
    assert Message.objects.filter(recipient=alice).count() == 1
    assert Notification.objects.filter(user=alice, name=Notification.JOB_PROGRESS).count() == 1


@pytest.mark.parametrize("what,method,url,data,status", WEB, ids=[row[0] for row in WEB])
def test_bob_gets_nothing_of_alices_on_the_web(owned, alice, bob, what, method, url, data, status):
    url, data = _fill(url, data, alice, bob, owned)

    response = getattr(_web(bob), method)(url, data or {})

    assert response.status_code == status
    body = _body(response)
    assert SECRET not in body and "alice@example.com" not in body
    assert JOB_ID not in body
    _alice_untouched(alice, owned)


@pytest.mark.parametrize("what,method,url,data,status", API, ids=[row[0] for row in API])
def test_bob_gets_nothing_of_alices_in_the_api(owned, alice, bob, what, method, url, data, status):
    url, data = _fill(url, data, alice, bob, owned)
    alice_token = token_issue(user=alice)

    response = getattr(_api(bob), method)(url, data, format="json")

    assert response.status_code == status
    body = _body(response)
    assert SECRET not in body and "alice@example.com" not in body
    _alice_untouched(alice, owned)
    # Whatever bob did, alice's token still works.
    alice_api = APIClient()
    alice_api.credentials(HTTP_AUTHORIZATION=f"Bearer {alice_token}")
    assert alice_api.get("/api/messages").status_code == 200


@pytest.mark.parametrize("what,method,url,data,status", WEB, ids=[row[0] for row in WEB])
def test_anonymous_visitors_are_sent_to_log_in(owned, alice, bob, what, method, url, data, status, members_only):
    # Members-only: a public site shows profiles to visitors (posts/tests/test_user_detail.py
    # checks that nothing private is on them).
    url, data = _fill(url, data, alice, bob, owned)

    response = getattr(_web(), method)(url, data or {})

    if url.startswith("/notifications/"):
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(("/accounts/login/", "/admin/login/"))
    assert SECRET not in _body(response)
    _alice_untouched(alice, owned)


@pytest.mark.parametrize("what,method,url,data,status", API, ids=[row[0] for row in API])
def test_anonymous_api_callers_get_401(owned, alice, bob, what, method, url, data, status):
    url, data = _fill(url, data, alice, bob, owned)

    response = getattr(_api(), method)(url, data, format="json")

    assert response.status_code == 401
    assert SECRET not in _body(response)
    _alice_untouched(alice, owned)


def test_alice_sees_her_own_things(owned, alice):
    """The other side of the table: the same URLs do show alice her secret."""
    client = _web(alice)
    assert SECRET in _body(client.get("/notifications/?since=0"))
    assert SECRET in _body(client.get(f"/jobs/{JOB_ID}/download/"))
    assert SECRET in _body(client.get("/messages/"))
    assert SECRET in _body(_api(alice).get("/api/messages"))


def test_bobs_export_is_bobs(owned, alice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _web(bob).post(reverse("posts:export"))

    assert Job.objects.filter(user=bob).count() == 1
    assert Job.objects.filter(user=alice).count() == 1
