"""A plain read writes nothing to the database: a member who browses (or a
client that polls) costs reads only. last_seen is written at most once per
LAST_SEEN_INTERVAL, remembered in the cache (accounts.middleware)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from api.services import token_issue
from messaging.models import Message, Notification
from messaging.services import message_send
from posts.tests.factories import PostFactory

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _writes(captured):
    return [query["sql"] for query in captured if query["sql"].lstrip().upper().startswith(WRITES)]


@pytest.fixture
def browsing(alice, bob, bob_client, django_capture_on_commit_callbacks):
    """bob, who follows alice, with a read inbox and a warm last-seen cache."""
    with django_capture_on_commit_callbacks(execute=True):  # indexed for search, as after a commit
        PostFactory(author=alice, body="Green tea at the harbour.")
        PostFactory(author=bob, body="Black tea at home.")
    message_send(sender=alice, recipient=bob, body="Tea on Friday?")
    bob_client.get(reverse("messaging:inbox"))  # reads the message: nothing unread from now on
    return bob_client


HTML_READS = [
    reverse("posts:home"),
    reverse("posts:home") + "?before=1900000000000000_1",
    reverse("posts:explore"),
    reverse("posts:user", args=["alice"]),
    reverse("messaging:inbox"),
    reverse("messaging:notifications") + "?since=0",
    reverse("search:search") + "?q=tea",
]


@pytest.mark.parametrize("url", HTML_READS)
def test_a_members_page_view_writes_nothing(browsing, url):
    with CaptureQueriesContext(connection) as captured:
        response = browsing.get(url)

    assert response.status_code == 200
    assert _writes(captured) == []
    assert len(captured) > 0  # the capture saw the page's reads


@pytest.mark.parametrize("path", ["/api/timeline", "/api/users", "/api/users/{alice}", "/api/posts", "/api/messages"])
def test_an_api_read_with_a_token_writes_nothing(browsing, alice, bob, path):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=bob)}")
    client.get(path.format(alice=alice.pk))  # first use: nothing may be left to write after it

    with CaptureQueriesContext(connection) as captured:
        response = client.get(path.format(alice=alice.pk))

    assert response.status_code == 200
    assert _writes(captured) == []


def test_last_seen_is_written_once_per_interval_not_per_page(bob, bob_client):
    cache.delete(f"last-seen:{bob.pk}")  # the interval has run out

    with CaptureQueriesContext(connection) as first:
        bob_client.get(reverse("posts:explore"))
    with CaptureQueriesContext(connection) as second:
        bob_client.get(reverse("posts:explore"))

    assert [sql for sql in _writes(first) if "last_seen" in sql] != []
    assert _writes(second) == []


def test_opening_the_inbox_with_something_unread_still_marks_it_read(alice, bob, bob_client):
    bob_client.get(reverse("messaging:inbox"))
    message_send(sender=alice, recipient=bob, body="Another one?")
    assert Notification.objects.get(user=bob, name=Notification.UNREAD_MESSAGE_COUNT).payload == {"count": 1}

    response = bob_client.get(reverse("messaging:inbox"))

    assert 'text-bg-primary">new</span>' in response.text
    bob.refresh_from_db()
    assert not Message.objects.unread_for(bob).exists()
    assert Notification.objects.get(user=bob, name=Notification.UNREAD_MESSAGE_COUNT).payload == {"count": 0}
