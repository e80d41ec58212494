"""update_credentials, accounts search and relationships."""

import pytest

from accounts.models import User
from accounts.services import follow_create
from accounts.tests.factories import UserFactory
from api.tests.mastodon_helpers import client_with, token_for

pytestmark = pytest.mark.django_db

# One character past the model's limit on about_me (the note), whatever it is.
TOO_LONG_NOTE = "x" * (User._meta.get_field("about_me").max_length + 1)


def test_update_credentials_changes_the_note_and_language(alice, alice_masto):
    response = alice_masto.patch(
        "/api/v1/accounts/update_credentials", {"note": "Hi <b>there</b>", "source[language]": "de"}
    )
    assert response.status_code == 200, response.content
    me = response.json()
    assert me["note"] == "<p>Hi &lt;b&gt;there&lt;/b&gt;</p>" and me["source"]["note"] == "Hi <b>there</b>"
    assert me["source"]["language"] == "de"
    alice.refresh_from_db()
    assert (alice.about_me, alice.language, alice.username) == ("Hi <b>there</b>", "de", "alice")
    # A JSON body and the same values Tusky sends back with its whole form work too.
    again = alice_masto.patch(
        "/api/v1/accounts/update_credentials/",
        {"note": "", "locked": False, "bot": "false", "discoverable": True, "source": {"privacy": "public"}},
        format="json",
    )
    assert again.status_code == 200, again.content
    alice.refresh_from_db()
    assert (alice.about_me, alice.language) == ("", "de")  # language untouched when absent


@pytest.mark.parametrize(
    "data, message",
    [
        ({"note": TOO_LONG_NOTE}, "note"),
        ({"source[language]": "xx"}, "language"),
        ({"locked": "true"}, "locked"),
        ({"bot": "1"}, "bot"),
        ({"discoverable": "false"}, "search"),
        ({"locked": "maybe"}, "true or false"),
        ({"source[privacy]": "private"}, "public"),
    ],
)
def test_update_credentials_refuses_what_it_cannot_do(alice, alice_masto, data, message):
    before = (alice.about_me, alice.language)
    response = alice_masto.patch("/api/v1/accounts/update_credentials", {**data, "note": data.get("note", "new")})
    assert response.status_code == 422
    assert message in response.json()["error"]
    alice.refresh_from_db()
    assert (alice.about_me, alice.language) == before  # nothing half-written


def test_update_credentials_needs_write_accounts_and_patch(alice):
    read_only = client_with(token_for(alice, scope="read"))
    assert read_only.patch("/api/v1/accounts/update_credentials", {"note": "x"}).status_code == 403
    writer = client_with(token_for(alice, scope="write:accounts"))
    assert writer.get("/api/v1/accounts/update_credentials").status_code == 405
    assert writer.patch("/api/v1/accounts/update_credentials", {"note": "ok"}).status_code == 200


def test_accounts_search_by_prefix_and_following(alice, bob, alice_masto):
    follow_create(follower=alice, followed=bob)
    UserFactory(username="bobby")
    UserFactory(username="bobcat", is_active=False)
    found = alice_masto.get("/api/v1/accounts/search", {"q": "@BOB@example.org"}).json()
    assert [a["username"] for a in found] == ["bob", "bobby"]
    assert found[0]["followers_count"] == 1
    following = alice_masto.get("/api/v1/accounts/search/", {"q": "bo", "following": "true"}).json()
    assert [a["username"] for a in following] == ["bob"]
    assert alice_masto.get("/api/v1/accounts/search", {"q": "bo", "limit": 1}).json()[0]["username"] == "bob"
    assert alice_masto.get("/api/v1/accounts/search", {"q": "bo", "offset": 40}).json() == []
    assert alice_masto.get("/api/v1/accounts/search", {"q": "   "}).json() == []
    assert alice_masto.get("/api/v1/accounts/search", {"q": "\x00" * 500}).status_code == 200
    assert alice_masto.get("/api/v2/search", {"q": "a\x00b"}).status_code == 200


def test_relationships_say_both_directions(alice, alice_masto):
    followed, follower, both = UserFactory.create_batch(3)
    follow_create(follower=alice, followed=followed)
    follow_create(follower=follower, followed=alice)
    follow_create(follower=alice, followed=both)
    follow_create(follower=both, followed=alice)
    ids = [followed.pk, follower.pk, both.pk, 999999, "x"]
    found = alice_masto.get("/api/v1/accounts/relationships", {"id[]": ids}).json()
    assert [(r["id"], r["following"], r["followed_by"], r["requested"]) for r in found] == [
        (str(followed.pk), True, False, False),
        (str(follower.pk), False, True, False),
        (str(both.pk), True, True, False),
    ]


def test_a_new_password_ends_every_apps_access(alice, bob, client):
    from accounts.tests.factories import DEFAULT_PASSWORD

    app_token, bobs = token_for(alice), token_for(bob)
    assert client_with(app_token).get("/api/v1/accounts/verify_credentials").status_code == 200
    client.force_login(alice)
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": DEFAULT_PASSWORD,
            "password1": "A-new-long-passphrase-9",
            "password2": "A-new-long-passphrase-9",
        },
    )
    assert response.status_code == 302, response.content
    answer = client_with(app_token).get("/api/v1/accounts/verify_credentials")
    assert answer.status_code == 401 and "WWW-Authenticate" in answer
    assert client_with(bobs).get("/api/v1/accounts/verify_credentials").status_code == 200
    alice.refresh_from_db()
    alice.about_me = "an edit that is no password change"
    alice.save()
    fresh = token_for(alice)
    alice.save()
    assert client_with(fresh).get("/api/v1/accounts/verify_credentials").status_code == 200
