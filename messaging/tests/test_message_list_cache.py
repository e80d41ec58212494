"""Messages in the inbox are rendered once and then served from the process's
cache (messaging.templatetags.message_list, microblog.fragments); whatever the
reader would see change is part of the key."""

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from messaging.models import Message
from messaging.services import message_send
from messaging.tests.factories import MessageFactory

INBOX = reverse("messaging:inbox")
MESSAGE_TEMPLATE = "messaging/_message.html"


def _message_renders(response) -> int:
    return [template.name for template in response.templates].count(MESSAGE_TEMPLATE)


def _messages_section(response) -> str:
    return re.search(r'<section aria-label="Received messages">.*?</section>', response.text, re.S)[0]


def _badges(response) -> dict[int, bool]:
    """Each message shown (by id) and whether it wears the "new" badge."""
    articles = re.findall(r'<article class="message [^"]*" id="message-(\d+)">(.*?)</article>', response.text, re.S)
    return {int(pk): ">new<" in html for pk, html in articles}


def test_a_second_visit_renders_no_message_again(alice, bob, alice_client):
    MessageFactory.create_batch(3, sender=bob, recipient=alice, created=timezone.now() - timedelta(hours=1))
    alice_client.get(INBOX)  # marks them read: the "new" badges go

    first = alice_client.get(INBOX)
    second = alice_client.get(INBOX)

    assert _message_renders(first) == 3
    assert _message_renders(second) == 0
    assert _messages_section(second) == _messages_section(first)
    assert _messages_section(second).count("<article") == 3


def _read_and_cached(client) -> None:
    client.get(INBOX)  # marks what is there read
    client.get(INBOX)  # caches it without the "new" badge


def test_an_edited_body_shows_at_once(alice, bob, alice_client):
    message = MessageFactory(sender=bob, recipient=alice, body="Before the moderator.")
    _read_and_cached(alice_client)

    Message.objects.filter(pk=message.pk).update(body="After the moderator.")
    response = alice_client.get(INBOX)

    assert "After the moderator." in response.text and "Before the moderator." not in response.text


def test_a_renamed_sender_shows_at_once(alice, bob, alice_client):
    MessageFactory(sender=bob, recipient=alice)
    _read_and_cached(alice_client)

    bob.username = "bob_renamed"
    bob.save()
    response = alice_client.get(INBOX)

    assert 'href="/user/bob_renamed/"' in response.text and 'href="/user/bob/"' not in response.text
    assert reverse("messaging:message-create", args=["bob_renamed"]) in response.text


def test_a_new_gravatar_address_shows_at_once(alice, bob, alice_client, settings):
    settings.GRAVATAR_ENABLED = True
    MessageFactory(sender=bob, recipient=alice)
    _read_and_cached(alice_client)
    before = alice_client.get(INBOX).text

    bob.email = "bob.new@example.com"
    bob.save()
    after = alice_client.get(INBOX).text

    assert _message_renders(alice_client.get(INBOX)) == 0
    assert re.findall(r"gravatar\.com/avatar/(\w+)", before) != re.findall(r"gravatar\.com/avatar/(\w+)", after)


def test_each_reader_language_gets_its_own_copy(alice, bob, alice_client):
    MessageFactory(sender=bob, recipient=alice, created=timezone.now() - timedelta(days=3))
    _read_and_cached(alice_client)
    english = alice_client.get(INBOX)

    alice.language = "es"
    alice.save()
    spanish = alice_client.get(INBOX)

    assert "3\xa0days ago" in english.text and ">Reply<" in english.text
    assert "hace 3\xa0días" in spanish.text and ">Responder<" in spanish.text
    assert _message_renders(spanish) == 1


def test_the_new_badge_is_right_on_a_cached_page(alice, bob, alice_client):
    old = message_send(sender=bob, recipient=alice, body="first")

    unread = alice_client.get(INBOX)  # shows it as new and marks it read
    read = alice_client.get(INBOX)
    fresh = message_send(sender=bob, recipient=alice, body="second")
    one_new = alice_client.get(INBOX)

    assert _badges(unread) == {old.pk: True}
    assert _badges(read) == {old.pk: False}
    assert _badges(one_new) == {fresh.pk: True, old.pk: False}
    assert _message_renders(one_new) == 1  # the old message came from the cache, without its badge


def test_a_cached_page_runs_the_same_queries(alice, bob, alice_client):
    MessageFactory.create_batch(3, sender=bob, recipient=alice)
    alice_client.get(INBOX)  # the first visit marks read and writes last-seen
    with CaptureQueriesContext(connection) as cold:
        response = alice_client.get(INBOX)
    assert _message_renders(response) == 3  # no longer new: rendered again without the badge
    with CaptureQueriesContext(connection) as warm:
        response = alice_client.get(INBOX)

    assert _message_renders(response) == 0
    assert len(warm) == len(cold)  # rendering never queried: the sender came with the page


def test_the_cache_can_be_turned_off(alice, bob, alice_client, settings):
    settings.POST_HTML_CACHE_SECONDS = 0
    MessageFactory(sender=bob, recipient=alice)
    alice_client.get(INBOX)
    alice_client.get(INBOX)

    assert _message_renders(alice_client.get(INBOX)) == 1
