from datetime import timedelta

import pytest
from django.utils import timezone

from messaging.models import Notification
from messaging.services import notification_set


def test_notifications_changed_since_a_time(alice_api, alice, bob):
    old = notification_set(user=alice, name="job_progress", payload={"progress": 50})
    Notification.objects.filter(pk=old.pk).update(timestamp=timezone.now() - timedelta(hours=1))
    new = notification_set(user=alice, name=Notification.UNREAD_MESSAGE_COUNT, payload={"count": 2})
    notification_set(user=bob, name=Notification.UNREAD_MESSAGE_COUNT, payload={"count": 9})

    data = alice_api.get("/api/notifications").json()
    assert [n["name"] for n in data["items"]] == ["job_progress", Notification.UNREAD_MESSAGE_COUNT]

    since = (timezone.now() - timedelta(minutes=1)).timestamp()
    data = alice_api.get("/api/notifications/", {"since": since}).json()
    assert data["items"] == [new.as_dict()]
    assert data["items"][0]["data"] == {"count": 2}


@pytest.mark.parametrize("since", ["abc", "-1", "nan", "inf", "1e400", "99999999999999"])
def test_a_bad_since_is_a_400(alice_api, alice, since):
    response = alice_api.get("/api/notifications", {"since": since})
    assert response.status_code == 400
    assert response.json()["message"].startswith("since: ")


def test_notifications_need_a_token(anon_api, db):
    assert anon_api.get("/api/notifications").status_code == 401
