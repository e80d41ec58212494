"""Mastodon.py's stream_user / stream_public / stream_hashtag against the real stream
service: uvicorn serving microblog.asgi's application on a port of its own, beside the
live server that serves the REST API (as nginx would route them)."""

import time

import pytest
from mastodon import StreamListener
from mastodon.errors import MastodonInternalServerError

from api.tests.test_mastodon_client import app_for
from messaging.tests.stream_service import stream_service_running


@pytest.fixture
def stream_service(live_server, settings):
    settings.SITE_URL = live_server.url
    settings.REDIS_URL = ""
    settings.STREAM_POLL_SECONDS = 0.05
    settings.STREAM_HEARTBEAT_SECONDS = 1
    with stream_service_running() as port:
        settings.STREAM_URL = f"http://127.0.0.1:{port}/stream/"
        yield port


class Collector(StreamListener):
    def __init__(self):
        self.updates, self.notifications, self.deletes = [], [], []

    def on_update(self, status):
        self.updates.append(status)

    def on_notification(self, notification):
        self.notifications.append(notification)

    def on_delete(self, status_id):
        self.deletes.append(status_id)


def _wait(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_mastodon_py_streams_from_the_stream_service(stream_service, live_server, alice, bob, alice_client, bob_client):
    alice_api = app_for(live_server, alice_client)
    bob_api = app_for(live_server, bob_client)  # bob follows alice (the fixture)
    home, public, tagged = Collector(), Collector(), Collector()
    handles = [
        bob_api.stream_user(home, run_async=True),
        bob_api.stream_public(public, run_async=True),
        bob_api.stream_hashtag("tea", tagged, run_async=True),
    ]
    try:
        assert _wait(lambda: all(handle.is_receiving() for handle in handles)), "the streams did not open"
        time.sleep(0.3)  # the hub has the listeners

        first = alice_api.status_post("Brewing a #tea now")
        assert _wait(lambda: home.updates and public.updates and tagged.updates), "no update arrived"
        assert home.updates[0].id == first.id and home.updates[0].account.acct == "alice"
        assert public.updates[0].content == first.content
        assert tagged.updates[0].tags[0].name == "tea"

        mine = bob_api.status_post("Bob's own post")
        try:
            alice_api.status_favourite(mine.id)
        except MastodonInternalServerError:
            # SQLite's shared-cache test database can refuse the live server's write while another
            # of its threads still reads ("database table is locked"; no busy timeout applies).
            # A favourite twice is one favourite, as a client retrying would find.
            alice_api.status_favourite(mine.id)
        assert _wait(lambda: home.notifications), "no notification arrived"
        assert home.notifications[0].type == "favourite"
        assert home.notifications[0].account.acct == "alice"
        assert home.notifications[0].status.id == mine.id

        alice_api.status_delete(first.id)
        assert _wait(lambda: home.deletes), "no delete arrived"
        assert home.deletes == [first.id]
        assert public.notifications == [] and tagged.notifications == []
    finally:
        for handle in handles:
            handle.close()
