from messaging.models import Message, Notification
from messaging.tests.factories import MessageFactory

# GET /api/messages


def test_the_inbox_lists_messages_received_newest_first(alice_api, alice, bob, charlie):
    first = MessageFactory(sender=bob, recipient=alice, body="hi alice")
    second = MessageFactory(sender=charlie, recipient=alice)
    MessageFactory(sender=alice, recipient=bob)  # sent, not received
    MessageFactory(sender=bob, recipient=charlie)  # someone else's
    data = alice_api.get("/api/messages").json()
    assert [m["id"] for m in data["items"]] == [second.pk, first.pk]
    item = data["items"][1]
    assert item["body"] == "hi alice"
    assert item["sender"]["username"] == "bob" and item["recipient"]["username"] == "alice"
    assert data["_meta"]["total_items"] == 2


def test_reading_through_the_api_marks_nothing_read(alice_api, alice, bob):
    MessageFactory(sender=bob, recipient=alice)
    alice_api.get("/api/messages/")
    alice.refresh_from_db()
    assert alice.last_message_read_time is None


def test_messages_from_deactivated_members_are_hidden(alice_api, alice, charlie):
    MessageFactory(sender=charlie, recipient=alice)
    charlie.is_active = False
    charlie.save()
    assert alice_api.get("/api/messages").json()["items"] == []


def test_messages_need_a_token(anon_api, alice):
    assert anon_api.get("/api/messages").status_code == 401
    assert anon_api.post("/api/messages", {"recipient": alice.pk, "body": "hi"}, format="json").status_code == 401


# POST /api/messages


def test_sending_a_message(bob_api, alice, bob):
    response = bob_api.post(
        "/api/messages", {"recipient": alice.pk, "body": " Tea? ", "sender": alice.pk}, format="json"
    )
    assert response.status_code == 201
    message = Message.objects.get()
    assert (message.sender, message.recipient, message.body) == (bob, alice, "Tea?")
    assert response.json()["sender"]["id"] == bob.pk
    # The recipient's unread badge moves, as from the web form.
    assert Notification.objects.get(user=alice, name=Notification.UNREAD_MESSAGE_COUNT).payload == {"count": 1}


def test_messages_to_oneself_closed_or_unknown_accounts_are_400s(bob_api, bob, charlie):
    charlie.is_active = False
    charlie.save()
    for recipient in (bob.pk, charlie.pk, 999999):
        response = bob_api.post("/api/messages/", {"recipient": recipient, "body": "hi"}, format="json")
        assert response.status_code == 400, recipient
        assert response.json()["message"].startswith("recipient: ")
    assert not Message.objects.exists()


def test_empty_long_or_odd_messages_are_400s(bob_api, alice, settings):
    settings.POST_MAX_LENGTH = 5
    for payload in [
        {"recipient": alice.pk},
        {"recipient": alice.pk, "body": "  "},
        {"recipient": alice.pk, "body": "x" * 6},
        {"recipient": "alice", "body": "hi"},
        {"body": "hi"},
        [],
    ]:
        assert bob_api.post("/api/messages", payload, format="json").status_code == 400, payload
    assert not Message.objects.exists()
