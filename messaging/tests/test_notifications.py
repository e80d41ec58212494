import pytest
from django.urls import reverse

from messaging.models import Notification
from messaging.services import message_send, notification_set

URL = reverse("messaging:notifications")


def test_it_returns_the_callers_current_notifications(alice, bob, alice_client):
    message_send(sender=bob, recipient=alice, body="hi")

    data = alice_client.get(URL, {"since": "0"}).json()

    assert [(item["name"], item["data"]) for item in data] == [("unread_message_count", {"count": 1})]
    assert isinstance(data[0]["timestamp"], float)


def test_it_returns_only_what_changed_since_the_given_time(alice, bob, alice_client):
    message_send(sender=bob, recipient=alice, body="hi")
    seen = alice_client.get(URL).json()[0]["timestamp"]

    assert alice_client.get(URL, {"since": seen}).json() == []

    message_send(sender=bob, recipient=alice, body="again")
    assert alice_client.get(URL, {"since": seen}).json()[0]["data"] == {"count": 2}


def test_it_never_returns_someone_elses_notifications(alice, bob, charlie, charlie_client):
    message_send(sender=bob, recipient=alice, body="private")
    notification_set(user=alice, name=Notification.JOB_PROGRESS, payload={"progress": 50})

    assert charlie_client.get(URL).json() == []


def test_anonymous_visitors_get_401_json(client):
    response = client.get(URL)

    assert response.status_code == 401
    assert "error" in response.json()


@pytest.mark.parametrize("since", ["abc", "nan", "inf", "-inf", "1e400", "1e20", "0x10", "\x00"])
def test_a_bad_since_is_a_400_with_a_reason(alice_client, since):
    response = alice_client.get(URL, {"since": since})

    assert response.status_code == 400
    assert "since" in response.json()["error"]


def test_a_negative_since_means_everything(alice, bob, alice_client):
    message_send(sender=bob, recipient=alice, body="hi")

    assert len(alice_client.get(URL, {"since": "-5"}).json()) == 1


def test_it_is_never_cached(alice_client):
    assert "no-cache" in alice_client.get(URL)["Cache-Control"]


def test_it_only_answers_get(alice_client):
    assert alice_client.post(URL).status_code == 405


def test_it_costs_one_query_beyond_the_session_and_user(alice, bob, alice_client, django_assert_num_queries):
    message_send(sender=bob, recipient=alice, body="hi")
    notification_set(user=alice, name=Notification.JOB_PROGRESS, payload={"progress": 10})
    alice_client.get(URL)  # last-seen is written at most once a minute; keep it out of the count

    with django_assert_num_queries(3):  # session, user, notifications
        assert len(alice_client.get(URL).json()) == 2
