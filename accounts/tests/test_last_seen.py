import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User

# A cheap page that needs no login, so the same URL serves members and visitors.
PAGE = reverse("accounts:identicon", args=["alice"])
LONG_AGO = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def _last_seen(user):
    return User.objects.values_list("last_seen", flat=True).get(pk=user.pk)


def _writes_to_users(queries):
    return [query["sql"] for query in queries if query["sql"].startswith('UPDATE "accounts_user"')]


def test_the_first_request_records_the_visit(alice, alice_client):
    User.objects.filter(pk=alice.pk).update(last_seen=LONG_AGO)

    with CaptureQueriesContext(connection) as queries:
        alice_client.get(PAGE)

    assert len(_writes_to_users(queries)) == 1
    assert _last_seen(alice) > LONG_AGO


def test_a_second_request_within_the_interval_writes_nothing(alice, alice_client):
    alice_client.get(PAGE)
    User.objects.filter(pk=alice.pk).update(last_seen=LONG_AGO)

    with CaptureQueriesContext(connection) as queries:
        alice_client.get(PAGE)

    assert _writes_to_users(queries) == []
    assert _last_seen(alice) == LONG_AGO


def test_it_records_the_visit_again_once_the_interval_is_over(alice, alice_client):
    alice_client.get(PAGE)
    User.objects.filter(pk=alice.pk).update(last_seen=LONG_AGO)
    cache.clear()  # what the key's LAST_SEEN_INTERVAL timeout does in real life

    alice_client.get(PAGE)

    assert _last_seen(alice) > LONG_AGO


def test_it_counts_the_interval_per_member(alice, bob, alice_client, bob_client):
    User.objects.filter(pk=bob.pk).update(last_seen=LONG_AGO)
    alice_client.get(PAGE)

    bob_client.get(PAGE)

    assert _last_seen(bob) > LONG_AGO


@pytest.mark.parametrize("interval", [0, 60])
def test_it_uses_the_interval_from_the_settings(interval, alice, alice_client, settings):
    settings.LAST_SEEN_INTERVAL = interval
    alice_client.get(PAGE)
    User.objects.filter(pk=alice.pk).update(last_seen=LONG_AGO)

    alice_client.get(PAGE)

    # A zero timeout means "expire at once" to Django's cache: every request writes.
    assert (_last_seen(alice) > LONG_AGO) is (interval == 0)


def test_anonymous_requests_write_nothing(alice, client):
    User.objects.filter(pk=alice.pk).update(last_seen=LONG_AGO)
    with CaptureQueriesContext(connection) as queries:
        client.get(PAGE)

    assert _writes_to_users(queries) == []
    assert _last_seen(alice) == LONG_AGO
