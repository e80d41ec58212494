import pytest
from django.urls import reverse

from messaging.models import Message, Notification


def _url(username):
    return reverse("messaging:message-create", args=[username])


def test_it_sends_a_message_and_returns_to_the_recipients_profile(alice, bob, bob_client):
    response = bob_client.post(_url("alice"), {"body": "Tea later?"}, follow=True)

    assert response.redirect_chain == [("/user/alice/", 302)]
    assert "Your message to alice has been sent." in response.content.decode()
    message = Message.objects.get()
    assert (message.sender, message.recipient, message.body) == (bob, alice, "Tea later?")


def test_the_recipient_gets_an_unread_count(alice, bob_client, charlie_client):
    bob_client.post(_url("alice"), {"body": "one"})
    charlie_client.post(_url("alice"), {"body": "two"})

    notification = Notification.objects.get(user=alice, name=Notification.UNREAD_MESSAGE_COUNT)
    assert notification.payload == {"count": 2}


def test_the_form_shows_the_recipient_and_a_counter(alice, bob_client):
    html = bob_client.get(_url("ALICE")).content.decode()

    assert "Message to alice" in html
    assert 'data-max-length="280"' in html and 'id="message-counter"' in html


@pytest.mark.parametrize(
    ("body", "error"),
    [("", "Your message is empty."), ("   \n ", "Your message is empty."), ("x" * 281, "at most 280 characters")],
    ids=["empty", "blank", "too-long"],
)
def test_a_bad_body_is_a_form_error_and_sends_nothing(alice, bob_client, body, error):
    response = bob_client.post(_url("alice"), {"body": body})

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Message.objects.exists()


def test_a_post_without_the_field_is_a_form_error(alice, bob_client):
    response = bob_client.post(_url("alice"), {})

    assert "Your message is empty." in response.content.decode()
    assert not Message.objects.exists()


def test_a_line_break_counts_as_one_character(alice, bob_client):
    bob_client.post(_url("alice"), {"body": "a\r\n" + "b" * 278})

    assert Message.objects.get().body == "a\n" + "b" * 278


def test_messaging_oneself_is_refused_clearly(alice, alice_client):
    response = alice_client.post(_url("alice"), {"body": "note to self"})

    assert response.status_code == 400
    assert "send a message to yourself" in response.content.decode()
    assert not Message.objects.exists()


def test_a_deactivated_member_cannot_be_messaged(alice, bob_client):
    alice.is_active = False
    alice.save()

    page = bob_client.get(_url("alice"))
    response = bob_client.post(_url("alice"), {"body": "hello?"})

    assert "account is closed" in page.content.decode() and "<textarea" not in page.content.decode()
    assert response.status_code == 400 and "account is closed" in response.content.decode()
    assert not Message.objects.exists()


def test_a_missing_member_is_404(bob_client):
    assert bob_client.post(_url("nobody"), {"body": "hi"}).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(alice, client):
    response = client.post(_url("alice"), {"body": "hi"})

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert not Message.objects.exists()


def test_other_methods_are_refused(alice, bob_client):
    assert bob_client.put(_url("alice")).status_code == 405


def test_the_body_is_escaped_in_the_form_after_an_error(alice, bob_client):
    response = bob_client.post(_url("alice"), {"body": "<script>alert(1)</script>" + "x" * 280})

    assert "<script>alert(1)</script>" not in response.content.decode()
