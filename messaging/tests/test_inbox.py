import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from messaging.models import Message, Notification
from messaging.services import message_send
from messaging.tests.factories import MessageFactory

INBOX = reverse("messaging:inbox")


def test_it_lists_received_messages_newest_first_with_reply_links(alice, bob, charlie, alice_client):
    now = timezone.now()
    MessageFactory(sender=bob, recipient=alice, body="Tea at noon?", created=now - datetime.timedelta(hours=1))
    MessageFactory(sender=charlie, recipient=alice, body="Walk at six?", created=now)

    html = alice_client.get(INBOX).content.decode()

    assert html.index("Walk at six?") < html.index("Tea at noon?")
    assert reverse("messaging:message-create", args=["bob"]) in html
    assert reverse("accounts:identicon", args=["charlie"]) in html  # the sender's avatar


def test_it_never_shows_other_members_messages(alice, bob, charlie, alice_client):
    MessageFactory(sender=bob, recipient=charlie, body="for charlie only")
    MessageFactory(sender=alice, recipient=bob, body="alice wrote this")

    html = alice_client.get(INBOX).content.decode()

    assert "for charlie only" not in html and "alice wrote this" not in html


def test_opening_it_marks_everything_read_and_clears_the_badge(alice, bob, alice_client):
    message_send(sender=bob, recipient=alice, body="hi")

    first = alice_client.get(INBOX).content.decode()
    second = alice_client.get(INBOX).content.decode()

    alice.refresh_from_db()
    assert alice.last_message_read_time is not None
    assert Notification.objects.get(user=alice, name=Notification.UNREAD_MESSAGE_COUNT).payload == {"count": 0}
    assert ">new<" in first and ">new<" not in second


def _messages_shown(response) -> list[int]:
    return [message.pk for message in response.context["page"]]


def _older_link(response) -> str:
    found = re.search(r'<a class="page-link" href="([^"]*)" rel="next">', response.text)
    return found[1].replace("&amp;", "&") if found else ""


@pytest.fixture
def five_messages(alice, bob):
    """Five messages to alice, newest first; two share an instant, so only the id tells them apart."""
    now = timezone.now()
    created = [now - datetime.timedelta(minutes=m) for m in (1, 2, 3, 3, 4)]
    messages = [MessageFactory(sender=bob, recipient=alice, created=when) for when in created]
    return sorted(messages, key=lambda message: (message.created, message.pk), reverse=True)


def test_older_links_walk_every_message_once(alice_client, five_messages, settings):
    settings.PAGE_SIZE = 2
    pages, query = [], ""
    while query is not None:
        response = alice_client.get(INBOX + query)
        pages.append(_messages_shown(response))
        query = _older_link(response) or None

    assert pages == [[m.pk for m in five_messages[i : i + 2]] for i in (0, 2, 4)]
    assert "Page " not in response.text  # keyset pages have no numbers


def test_an_old_page_number_link_shows_the_newest_page(alice_client, five_messages, settings):
    settings.PAGE_SIZE = 2

    response = alice_client.get(INBOX, {"page": "2"})

    assert _messages_shown(response) == [five_messages[0].pk, five_messages[1].pk]


def test_no_page_counts_the_inbox(alice_client, five_messages, settings):
    settings.PAGE_SIZE = 2
    with CaptureQueriesContext(connection) as captured:
        older = alice_client.get(INBOX + _older_link(alice_client.get(INBOX)))

    assert _messages_shown(older) == [five_messages[2].pk, five_messages[3].pk]
    # Django's Paginator counted the whole inbox with SELECT COUNT(*) AS "__count" first.
    assert [q["sql"] for q in captured if '"__count"' in q["sql"]] == []
    assert [q["sql"] for q in captured if " OFFSET " in q["sql"]] == []


def test_messages_from_deactivated_members_are_hidden(alice, bob, alice_client):
    MessageFactory(sender=bob, recipient=alice, body="from bob")
    bob.is_active = False
    bob.save()

    assert "from bob" not in alice_client.get(INBOX).content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(INBOX)

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_it_only_answers_get(alice_client):
    assert alice_client.post(INBOX).status_code == 405


def test_queries_do_not_grow_with_messages(alice, alice_client, django_assert_num_queries):
    MessageFactory(recipient=alice)
    alice_client.get(INBOX)  # the first visit also writes last-seen
    MessageFactory(recipient=alice)  # both measured visits have something unread to mark read
    with CaptureQueriesContext(connection) as one:
        alice_client.get(INBOX)
    for sender in UserFactory.create_batch(10):
        MessageFactory(sender=sender, recipient=alice)

    with django_assert_num_queries(len(one.captured_queries)):
        alice_client.get(INBOX)


def test_an_older_page_marks_everything_read_too(alice, bob, alice_client, five_messages, settings):
    settings.PAGE_SIZE = 2
    older = _older_link(alice_client.get(INBOX))  # this visit read all five
    # Only the newest page shows it; made without message_send, so no badge gives it away.
    MessageFactory(sender=bob, recipient=alice, body="arrived meanwhile")

    response = alice_client.get(INBOX + older)

    assert "arrived meanwhile" not in response.text
    alice.refresh_from_db()
    assert not Message.objects.unread_for(alice).exists()
    assert ">new<" not in alice_client.get(INBOX).text


def test_the_newest_page_tells_unread_without_asking_the_database(alice, bob, alice_client):
    MessageFactory(sender=bob, recipient=alice)
    alice_client.get(INBOX)  # marks it read
    message_send(sender=bob, recipient=alice, body="unread")

    for _ in range(2):  # with something unread, then with nothing
        with CaptureQueriesContext(connection) as captured:
            alice_client.get(INBOX)
        exists_checks = [q["sql"] for q in captured if q["sql"].startswith("SELECT 1 AS")]
        assert [sql for sql in exists_checks if "messaging_message" in sql] == []
