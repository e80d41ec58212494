"""Messages in the inbox are rendered once and then served from the process's
cache (messaging.templatetags.message_list, messaging.fragments, core.cache): whatever
the reader would see change is part of the key, and the "new" badge, the reader's own
part, is never cached with the message."""

import re
from datetime import timedelta

from django.core.cache import caches
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core.cache import FRAGMENTS, READER_SLOT, fragment_key
from core.tests.fragments import assert_every_shown_value_shows, assert_reads_only_shown, renders_of
from messaging import fragments
from messaging.models import Message
from messaging.services import message_send
from messaging.tests.factories import MessageFactory

INBOX = reverse("messaging:inbox")
MESSAGE_TEMPLATE = "messaging/_message.html"
MESSAGE_LIST = Template("{% load message_list %}{% message_list messages read_before %}")


def _message_renders(response) -> int:
    return [template.name for template in response.templates].count(MESSAGE_TEMPLATE)


def _messages_section(response) -> str:
    return re.search(r'<section[^>]*aria-label="Received messages">.*?</section>', response.text, re.S)[0]


def _badges(response) -> dict[int, bool]:
    """Each message shown (by id) and whether it wears the "new" badge."""
    articles = re.findall(r'<article class="message [^"]*" id="message-(\d+)">(.*?)</article>', response.text, re.S)
    return {int(pk): ">new<" in html for pk, html in articles}


def _gravatars(html) -> list[str]:
    return re.findall(r"gravatar\.com/avatar/(\w+)", html)


def _message(bob, alice, **fields) -> Message:
    message = MessageFactory(sender=bob, recipient=alice, **fields)
    return Message.objects.select_related("sender").get(pk=message.pk)


def test_every_shown_value_shows_through_the_cache(alice, bob, settings, monkeypatch):
    settings.GRAVATAR_ENABLED = True
    message = _message(bob, alice, created=timezone.now() - timedelta(days=3))

    def render():
        return MESSAGE_LIST.render(Context({"messages": [message], "read_before": None}))

    assert_every_shown_value_shows(render, fragments, message, monkeypatch)


def test_the_template_reads_only_what_shown_holds(alice, bob, settings):
    settings.GRAVATAR_ENABLED = True

    html = assert_reads_only_shown(MESSAGE_TEMPLATE, fragments.shown(_message(bob, alice)), settings)

    assert 'href="/user/bob/"' in html and "gravatar.com" in html and READER_SLOT in html


def test_readers_of_one_cached_message_get_their_own_badge(alice, bob):
    """Two visits that differ only in the reader's read time share one rendered message."""
    message = _message(bob, alice, created=timezone.now() - timedelta(hours=1))

    def page(read_before):
        return MESSAGE_LIST.render(Context({"messages": [message], "read_before": read_before}))

    with renders_of(MESSAGE_TEMPLATE) as renders:
        unread, read = page(None), page(timezone.now())

    assert len(renders) == 1
    assert ">new<" in unread and ">new<" not in read
    shared = caches[FRAGMENTS].get(fragment_key(MESSAGE_TEMPLATE, fragments.shown(message), translation.get_language()))
    assert READER_SLOT in shared and ">new<" not in shared and "badge" not in shared
    assert READER_SLOT not in unread and READER_SLOT not in read


def test_a_second_visit_renders_no_message_again(alice, bob, alice_client):
    MessageFactory.create_batch(3, sender=bob, recipient=alice, created=timezone.now() - timedelta(hours=1))
    unread = alice_client.get(INBOX)  # marks them read: the "new" badges go

    first = alice_client.get(INBOX)
    second = alice_client.get(INBOX)

    assert _message_renders(unread) == 3
    assert _message_renders(first) == 0  # the badges went, the shared HTML stayed
    assert _message_renders(second) == 0
    assert _messages_section(second) == _messages_section(first)
    assert _messages_section(second).count("<article") == 3
    assert list(_badges(unread).values()) == [True] * 3 and list(_badges(first).values()) == [False] * 3


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

    inbox = _messages_section(response)
    assert 'href="/user/bob_renamed/"' in inbox and 'href="/user/bob/"' not in inbox
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
    assert _gravatars(before) and _gravatars(after) and _gravatars(before) != _gravatars(after)


def test_turning_gravatar_on_or_off_shows_at_once(alice, bob, alice_client, settings):
    settings.GRAVATAR_ENABLED = False
    MessageFactory(sender=bob, recipient=alice)
    _read_and_cached(alice_client)
    off = alice_client.get(INBOX).text

    settings.GRAVATAR_ENABLED = True
    on = alice_client.get(INBOX).text
    settings.GRAVATAR_ENABLED = False
    off_again = alice_client.get(INBOX).text

    assert not _gravatars(off) and _gravatars(on) and not _gravatars(off_again)


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
    assert _message_renders(unread) == 1
    assert _message_renders(read) == 0  # the same shared HTML, now without the badge
    assert _message_renders(one_new) == 1  # only the fresh message; both badges are the reader's own part


def test_a_cached_page_runs_the_same_queries(alice, bob, alice_client):
    MessageFactory.create_batch(3, sender=bob, recipient=alice)
    alice_client.get(INBOX)  # the first visit marks read and writes last-seen
    caches[FRAGMENTS].clear()
    with CaptureQueriesContext(connection) as cold:
        response = alice_client.get(INBOX)
    assert _message_renders(response) == 3
    with CaptureQueriesContext(connection) as warm:
        response = alice_client.get(INBOX)

    assert _message_renders(response) == 0
    assert len(warm) == len(cold)  # rendering never queried: the sender came with the page


def test_the_cache_can_be_turned_off(alice, bob, alice_client, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    MessageFactory(sender=bob, recipient=alice)
    alice_client.get(INBOX)
    alice_client.get(INBOX)

    assert _message_renders(alice_client.get(INBOX)) == 1
