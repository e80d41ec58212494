import pytest
from django.urls import reverse

from accounts.models import User

URL = reverse("accounts:profile-edit")


def test_it_shows_the_form_filled_with_the_members_profile(alice_client):
    response = alice_client.get(URL)

    assert response.status_code == 200
    assert response.context["form"].initial["username"] == "alice"
    assert "I write about tea." in response.content.decode()


def test_it_saves_the_changes_and_returns_to_the_profile(alice, alice_client):
    response = alice_client.post(URL, {"username": "alicia", "about_me": "Now about coffee."}, follow=True)

    assert response.redirect_chain == [("/user/alicia/", 302)]
    assert "Your changes have been saved." in response.content.decode()
    alice.refresh_from_db()
    assert (alice.username, alice.about_me) == ("alicia", "Now about coffee.")


def test_it_lets_a_member_change_the_case_of_their_own_username(alice, alice_client):
    alice_client.post(URL, {"username": "Alice", "about_me": ""})

    alice.refresh_from_db()
    assert alice.username == "Alice"


def test_it_refuses_a_username_taken_in_another_case(alice, bob, alice_client):
    response = alice_client.post(URL, {"username": "BOB", "about_me": ""})

    assert response.status_code == 200
    assert response.context["form"].errors == {"username": ["This username is taken."]}
    assert User.objects.filter(username__iexact="bob").count() == 1


def test_it_refuses_an_about_me_over_500_characters(alice, alice_client):
    response = alice_client.post(URL, {"username": "alice", "about_me": "x" * 501})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["about_me"]
    alice.refresh_from_db()
    assert alice.about_me == "I write about tea."


def test_it_accepts_an_about_me_of_exactly_500_characters(alice, alice_client):
    alice_client.post(URL, {"username": "alice", "about_me": "x" * 500})

    alice.refresh_from_db()
    assert alice.about_me == "x" * 500


@pytest.mark.parametrize("username", ["", "   ", "al ice", "alice!", "al/ice", "x" * 151])
def test_it_refuses_an_invalid_username(username, alice, alice_client):
    response = alice_client.post(URL, {"username": username, "about_me": ""})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["username"]
    alice.refresh_from_db()
    assert alice.username == "alice"


def test_it_refuses_a_username_shorter_than_signup_allows(alice, alice_client):
    # Signup requires ACCOUNT_USERNAME_MIN_LENGTH (3) characters; a rename may not go below it.
    response = alice_client.post(URL, {"username": "al", "about_me": ""})

    assert list(response.context["form"].errors) == ["username"]
    alice.refresh_from_db()
    assert alice.username == "alice"


def test_it_refuses_a_username_that_signup_refuses(alice, alice_client, settings):
    settings.ACCOUNT_USERNAME_BLACKLIST = ["admin"]

    response = alice_client.post(URL, {"username": "Admin", "about_me": ""})

    assert list(response.context["form"].errors) == ["username"]


@pytest.mark.parametrize(
    "data",
    [
        {"username": "bob", "about_me": ""},
        # A valid new name with an invalid about-me: the form is rejected as a whole.
        {"username": "alicia", "about_me": "x" * 501},
    ],
)
def test_the_navbar_keeps_the_saved_username_after_a_rejected_edit(data, alice, bob, alice_client):
    response = alice_client.post(URL, data)

    assert response.status_code == 200
    assert response.context["user"].username == "alice"
    # The navigation's Profile link (the sidebar may suggest bob: it is not alice's link).
    navigation = response.content.decode().split('<nav class="navbar app-nav', 1)[1].split("</nav>", 1)[0]
    assert 'href="/user/alice/"' in navigation
    assert f'href="/user/{data["username"]}/"' not in navigation


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_it_refuses_other_methods(method, alice_client):
    assert getattr(alice_client, method)(URL).status_code == 405


def test_an_empty_post_is_answered_with_form_errors(alice_client, alice):
    response = alice_client.post("/profile/edit/", {})
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    alice.refresh_from_db()
    assert alice.username == "alice"


def test_the_saved_notice_speaks_the_language_just_chosen(alice, alice_client):
    response = alice_client.post(URL, {"username": "alice", "about_me": "", "language": "de"}, follow=True)

    html = response.content.decode()
    assert 'lang="de"' in html
    assert "Your changes have been saved." not in html
    assert "Deine Änderungen wurden gespeichert." in html
