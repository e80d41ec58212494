"""Issue 21, item 15: the original API's clients read `last_seen` as an ISO 8601
time with a timezone; a member signed up through the API who had not visited a
page yet got null. It is set at creation, as the original did."""

import datetime

from django.contrib.auth import get_user_model

from accounts.tests.factories import UserFactory


def _is_iso_with_timezone(value):
    return isinstance(value, str) and datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None


def test_a_member_signed_up_through_the_api_has_a_last_seen_time(db, anon_api, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    body = {"username": "dora", "email": "dora@example.com", "password": "a-fresh-pot-of-oolong"}

    response = anon_api.post("/api/users", body, format="json")

    assert response.status_code == 201
    assert _is_iso_with_timezone(response.json()["last_seen"])


def test_every_member_in_a_list_has_a_last_seen_time(alice_api, db):
    get_user_model().objects.create_user("edna", "edna@example.com", "x")
    UserFactory(username="fred")

    items = alice_api.get("/api/users").json()["items"]

    assert len(items) == 3
    assert all(_is_iso_with_timezone(item["last_seen"]) for item in items)
