import re
from datetime import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import IntegrityError

from accounts.models import User
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from api import views
from api.tests.conftest import basic
from posts.tests.factories import PostFactory

USER_FIELDS = {
    "id",
    "username",
    "display_name",
    "last_seen",
    "about_me",
    "fields",
    "header",
    "post_count",
    "follower_count",
    "following_count",
    "_links",
}


# GET /api/users/<id>


def test_a_member_as_json(bob_api, alice, bob):
    PostFactory.create_batch(2, author=alice)
    alice.touch_last_seen()
    response = bob_api.get(f"/api/users/{alice.pk}")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == USER_FIELDS  # no email: bob asks about alice
    assert data["username"] == "alice"
    assert data["about_me"] == "I write about tea."
    assert (data["post_count"], data["follower_count"], data["following_count"]) == (2, 1, 0)
    assert datetime.fromisoformat(data["last_seen"]).tzinfo is not None
    assert data["_links"] == {
        "self": f"/api/users/{alice.pk}",
        "followers": f"/api/users/{alice.pk}/followers",
        "following": f"/api/users/{alice.pk}/following",
        "posts": f"/api/users/{alice.pk}/posts",
        "avatar": alice.avatar_url(128),
    }


def test_the_email_is_shown_only_to_its_owner(alice_api, alice):
    data = alice_api.get(f"/api/users/{alice.pk}/").json()
    assert data["email"] == "alice@example.com"


def test_an_unknown_or_deactivated_member_is_a_404(alice_api, charlie):
    charlie.is_active = False
    charlie.save()
    for url in ["/api/users/999999", f"/api/users/{charlie.pk}", "/api/users/99999999999999999999999"]:
        response = alice_api.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"] == "Not Found"


def test_anonymous_gets_401(anon_api, alice):
    response = anon_api.get(f"/api/users/{alice.pk}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="Authentication Required"'
    assert response.json() == {"error": "Unauthorized", "message": "Authentication credentials were not provided."}


# GET /api/users


def test_members_are_listed_a_page_at_a_time(alice_api, alice):
    UserFactory.create_batch(4)
    response = alice_api.get("/api/users", {"page": 2, "per_page": 2})
    assert response.status_code == 200
    data = response.json()
    assert len(data["items"]) == 2
    assert data["_meta"] == {"page": 2, "per_page": 2, "total_pages": 3, "total_items": 5}
    assert data["_links"] == {
        "self": "/api/users?page=2&per_page=2",
        "next": "/api/users?page=3&per_page=2",
        "prev": "/api/users?page=1&per_page=2",
    }
    assert set(data["items"][0]) == USER_FIELDS


def test_per_page_is_capped_at_100_and_odd_values_fall_back(alice_api, alice):
    assert alice_api.get("/api/users", {"per_page": 1000}).json()["_meta"]["per_page"] == 100
    meta = alice_api.get("/api/users", {"per_page": "x", "page": "-3"}).json()["_meta"]
    assert (meta["page"], meta["per_page"]) == (1, 10)
    assert alice_api.get("/api/users", {"per_page": "9" * 5000}).json()["_meta"]["per_page"] == 10


def test_a_page_past_the_end_is_empty_not_an_error(alice_api, alice):
    data = alice_api.get("/api/users/", {"page": 10**30}).json()
    assert data["items"] == [] and data["_links"]["next"] is None


def test_deactivated_members_are_not_listed(alice_api, alice, charlie):
    charlie.is_active = False
    charlie.save()
    assert [u["username"] for u in alice_api.get("/api/users").json()["items"]] == ["alice"]


def test_listing_needs_a_token(anon_api, alice):
    assert anon_api.get("/api/users").status_code == 401


# POST /api/users


def test_signing_up_creates_a_member(anon_api, db, django_capture_on_commit_callbacks):
    payload = {"username": "dave", "email": "dave@example.com", "password": DEFAULT_PASSWORD, "is_staff": True}
    with django_capture_on_commit_callbacks(execute=True):
        response = anon_api.post("/api/users", payload, format="json")
    assert response.status_code == 201
    dave = User.objects.get(username="dave")
    assert response["Location"] == f"/api/users/{dave.pk}"
    assert response.json()["email"] == "dave@example.com"
    assert "password" not in response.json()
    # Mass assignment does nothing; the password is hashed; allauth knows the address.
    assert not dave.is_staff and not dave.is_superuser
    assert dave.check_password(DEFAULT_PASSWORD)
    assert EmailAddress.objects.filter(user=dave, email="dave@example.com", primary=True).exists()
    assert anon_api.post("/api/tokens", HTTP_AUTHORIZATION=basic("dave")).status_code == 200
    # The same confirmation email as the sign-up page sends.
    assert [m.to for m in mail.outbox] == [["dave@example.com"]]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_no_confirmation_email_when_the_site_does_not_verify(anon_api, db, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    payload = {"username": "dave", "email": "dave@example.com", "password": DEFAULT_PASSWORD}
    assert anon_api.post("/api/users", payload, format="json").status_code == 201
    assert mail.outbox == []


@pytest.mark.parametrize("missing", ["username", "email", "password"])
def test_a_missing_field_is_a_400(anon_api, db, missing):
    payload = {"username": "dave", "email": "dave@example.com", "password": DEFAULT_PASSWORD}
    del payload[missing]
    response = anon_api.post("/api/users/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["error"] == "Bad Request"
    assert missing in response.json()["message"]
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("username", "email", "field"),
    [("ALICE", "new@example.com", "username"), ("dave", "Alice@Example.com", "email")],
)
def test_a_taken_username_or_email_is_a_400(anon_api, alice, username, email, field):
    payload = {"username": username, "email": email, "password": DEFAULT_PASSWORD}
    response = anon_api.post("/api/users", payload, format="json")
    assert response.status_code == 400
    assert response.json()["message"].startswith(f"{field}: ")
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    "payload",
    [
        {"username": "a b", "email": "d@example.com", "password": DEFAULT_PASSWORD},
        {"username": "dave", "email": "not-an-email", "password": DEFAULT_PASSWORD},
        {"username": "dave", "email": "d@example.com", "password": "123"},
        {"username": "x" * 200, "email": "d@example.com", "password": DEFAULT_PASSWORD},
        {"username": ["dave"], "email": {"a": 1}, "password": None},
        ["not", "an", "object"],
        "just a string",
    ],
)
def test_invalid_signups_are_400s(anon_api, db, payload):
    response = anon_api.post("/api/users", payload, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"error", "message"}
    assert not User.objects.exists()


def test_a_body_that_is_not_json_is_a_400(anon_api, db):
    response = anon_api.post("/api/users", "{oops", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "Bad Request"


def test_a_form_encoded_body_is_a_415(anon_api, db):
    response = anon_api.post("/api/users", {"username": "dave"}, format="multipart")
    assert response.status_code == 415
    assert response.json()["error"] == "Unsupported Media Type"


# PUT /api/users/<id>


def test_a_member_updates_their_profile(alice_api, alice):
    payload = {"username": "alicia", "email": "alice@example.com", "about_me": "Green tea."}
    response = alice_api.put(f"/api/users/{alice.pk}", payload, format="json")
    assert response.status_code == 200
    alice.refresh_from_db()
    assert (alice.username, alice.email, alice.about_me) == ("alicia", "alice@example.com", "Green tea.")
    assert response.json()["username"] == "alicia" and response.json()["email"] == "alice@example.com"


EMAIL_PENDING = {"message": "Check your email: we sent a link to the new address; it becomes yours when you follow it."}


@pytest.fixture
def mailed(django_capture_on_commit_callbacks):
    """Runs the on-commit work (the confirmation mail is queued after commit) of what is inside."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _confirm_link(message):
    return re.search(r"https?://localhost:8000(/accounts/confirm-email/\S+/)", message.body).group(1)


def test_a_new_email_waits_for_the_link_and_the_rest_is_saved_at_once(alice_api, alice, mailed):
    payload = {"username": "alicia", "email": "alicia@example.com", "about_me": "Green tea."}
    with mailed():
        response = alice_api.put(f"/api/users/{alice.pk}", payload, format="json")
    assert response.status_code == 202
    assert response.json() == EMAIL_PENDING
    alice.refresh_from_db()
    assert (alice.username, alice.email, alice.about_me) == ("alicia", "alice@example.com", "Green tea.")
    assert [m.to for m in mail.outbox] == [["alicia@example.com"]]


@pytest.mark.parametrize("taken", ["BOB@example.com", "bobby@example.com"])
def test_a_taken_address_gets_the_same_answer_as_a_free_one(alice_api, alice, bob, taken, mailed):
    # Issue 21, item 14: "already in use" told any member which addresses have accounts.
    EmailAddress.objects.create(user=bob, email="bobby@example.com")
    with mailed():
        free = alice_api.put(f"/api/users/{alice.pk}", {"email": "free@example.com"}, format="json")
    assert len(mail.outbox) == 1
    mail.outbox.clear()

    with mailed():
        response = alice_api.put(f"/api/users/{alice.pk}", {"email": taken}, format="json")

    assert (response.status_code, response.json()) == (free.status_code, free.json()) == (202, EMAIL_PENDING)
    assert not mail.outbox  # bob is not mailed, and alice cannot tell
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"
    assert not EmailAddress.objects.filter(user=alice, email__iexact=taken).exists()


def test_fields_left_out_keep_their_values(alice_api, alice):
    response = alice_api.put(f"/api/users/{alice.pk}/", {"about_me": ""}, format="json")
    assert response.status_code == 200
    alice.refresh_from_db()
    assert (alice.username, alice.email, alice.about_me) == ("alice", "alice@example.com", "")


def test_mass_assigning_privileges_does_nothing(alice_api, alice):
    payload = {
        "is_staff": True,
        "is_superuser": True,
        "id": 999,
        "password": "new-password-123",
        "last_seen": "2000-01-01T00:00:00Z",
        "is_active": False,
    }
    response = alice_api.put(f"/api/users/{alice.pk}", payload, format="json")
    assert response.status_code == 200
    alice.refresh_from_db()
    assert not alice.is_staff and not alice.is_superuser and alice.is_active
    assert alice.pk != 999 and alice.last_seen.year != 2000
    assert alice.check_password(DEFAULT_PASSWORD)


def test_another_members_account_cannot_be_changed(bob_api, alice):
    response = bob_api.put(f"/api/users/{alice.pk}", {"about_me": "hacked"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"] == "Forbidden"
    alice.refresh_from_db()
    assert alice.about_me == "I write about tea."


def test_an_unknown_id_is_403_not_a_hint_that_it_is_free(bob_api, bob):
    assert bob_api.put("/api/users/999999", {"about_me": "x"}, format="json").status_code == 403


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"username": "Bob"}, "username"),
        ({"email": "nope"}, "email"),
        ({"username": "a b"}, "username"),
        ({"username": ""}, "username"),
        ({"about_me": "x" * 501}, "about_me"),
    ],
)
def test_invalid_or_taken_values_are_400s(alice_api, alice, bob, payload, field):
    response = alice_api.put(f"/api/users/{alice.pk}", payload, format="json")
    assert response.status_code == 400
    assert response.json()["message"].startswith(f"{field}: ")
    alice.refresh_from_db()
    assert (alice.username, alice.email) == ("alice", "alice@example.com")


def test_changing_only_the_case_of_ones_own_email_is_fine(alice_api, alice):
    response = alice_api.put(f"/api/users/{alice.pk}", {"email": "Alice@example.com"}, format="json")
    assert response.status_code == 200


def test_update_needs_a_token(anon_api, alice):
    assert anon_api.put(f"/api/users/{alice.pk}", {"about_me": "x"}, format="json").status_code == 401


def test_delete_without_the_password_deletes_nothing(alice_api, alice):
    # DELETE now deletes one's own account (api/tests/test_account_delete.py), with the password only.
    assert alice_api.delete(f"/api/users/{alice.pk}").status_code == 400
    assert User.objects.get(pk=alice.pk).is_active


def test_a_new_email_replaces_the_old_one_for_logging_in_once_confirmed(alice_api, anon_api, alice, client, mailed):
    EmailAddress.objects.create(user=alice, email="alice@example.com", primary=True, verified=True)
    with mailed():
        response = alice_api.put(f"/api/users/{alice.pk}", {"email": "Alicia@example.com"}, format="json")
    assert response.status_code == 202
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"

    assert client.post(_confirm_link(mail.outbox[-1])).status_code == 302

    alice.refresh_from_db()
    assert alice.email == "alicia@example.com"
    assert list(EmailAddress.objects.filter(user=alice).values_list("email", "primary", "verified")) == [
        ("alicia@example.com", True, True)
    ]
    assert anon_api.post("/api/tokens", HTTP_AUTHORIZATION=basic("alicia@example.com")).status_code == 200
    assert anon_api.post("/api/tokens", HTTP_AUTHORIZATION=basic("alice@example.com")).status_code == 401


def test_an_address_taken_before_the_link_is_followed_stays_with_its_owner(alice_api, alice, client, mailed):
    EmailAddress.objects.create(user=alice, email="alice@example.com", primary=True, verified=True)
    with mailed():
        alice_api.put(f"/api/users/{alice.pk}", {"email": "alicia@example.com"}, format="json")
    other = UserFactory(username="alicia", email="alicia@example.com")
    EmailAddress.objects.create(user=other, email="alicia@example.com", primary=True, verified=True)

    client.post(_confirm_link(mail.outbox[-1]))

    alice.refresh_from_db()
    assert alice.email == "alice@example.com"


def test_a_signup_that_loses_a_race_is_a_400(anon_api, db, monkeypatch):
    def lose_race(**kwargs):
        raise IntegrityError("accounts_user_username_ci_unique")

    monkeypatch.setattr(views, "user_signup", lose_race)
    payload = {"username": "dave", "email": "dave@example.com", "password": DEFAULT_PASSWORD}
    response = anon_api.post("/api/users", payload, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "This username or email address was taken a moment ago."


def test_an_update_that_loses_a_race_is_a_400(alice_api, alice, monkeypatch):
    def lose_race(**kwargs):
        raise IntegrityError("accounts_user_email_ci_unique")

    monkeypatch.setattr(views, "user_update", lose_race)
    response = alice_api.put(f"/api/users/{alice.pk}", {"email": "new@example.com"}, format="json")
    assert response.status_code == 400


# With mandatory confirmation the answer must not tell a free address from a taken one.

MANDATORY_PENDING = "Check your email: we sent you a link to confirm your address and finish signing up."


def _sign_up(anon_api, capture, **payload):
    payload = {"username": "dave", "email": "dave@example.com", "password": DEFAULT_PASSWORD} | payload
    with capture(execute=True):
        return anon_api.post("/api/users", payload, format="json")


def test_with_mandatory_confirmation_a_new_member_must_confirm_first(
    anon_api, db, settings, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"

    response = _sign_up(anon_api, django_capture_on_commit_callbacks)

    assert response.status_code == 202
    assert response.json() == {"message": MANDATORY_PENDING}
    assert not EmailAddress.objects.get(email="dave@example.com").verified
    assert [m.to for m in mail.outbox] == [["dave@example.com"]]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


@pytest.mark.parametrize("email", ["alice@example.com", "Alice@Example.com"])
def test_with_mandatory_confirmation_a_taken_address_gets_the_same_answer(
    anon_api, alice, settings, django_capture_on_commit_callbacks, email
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"

    response = _sign_up(anon_api, django_capture_on_commit_callbacks, email=email)

    assert response.status_code == 202
    assert response.json() == {"message": MANDATORY_PENDING}
    assert User.objects.count() == 1
    # The owner learns someone tried; the caller learns nothing.
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    assert "/accounts/confirm-email/" not in mail.outbox[0].body


def test_with_mandatory_confirmation_a_taken_username_is_still_a_400(anon_api, alice, settings):
    # Usernames are public on every profile page: refusing one reveals nothing new.
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    response = anon_api.post(
        "/api/users", {"username": "Alice", "email": "new@example.com", "password": DEFAULT_PASSWORD}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith("username: ")
