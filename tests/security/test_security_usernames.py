"""Issue 21, item 12: usernames that impersonate. A username may not be shaped like an
email address, is normalised (NFKC: fullwidth letters, the Kelvin sign), and may not
imitate another member's with lookalike letters (Unicode's confusables) - on the
sign-up page, the profile form and the API alike."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.factories import UserFactory
from api.services import token_issue

PASSWORD = "a-fresh-pot-of-oolong"
CYRILLIC_A = "\u0430"


def _page_signup(username, email="new@example.com"):
    data = {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD, "accept_rules": "on"}
    response = Client().post(reverse("account_signup"), data)
    return response.status_code, (
        response.context["form"].errors.get("username") if response.status_code == 200 else None
    )


def _api_signup(username, email="new@example.com"):
    response = APIClient().post(
        "/api/users", {"username": username, "email": email, "password": PASSWORD}, format="json"
    )
    return response.status_code, response.json()


REFUSED = [
    pytest.param("bob@example.com", id="another-members-address"),
    pytest.param("dora@example.com", id="any-address"),
    pytest.param("me@home", id="at-sign"),
    pytest.param(CYRILLIC_A + "lice", id="cyrillic-a"),
    pytest.param("\uff41\uff4c\uff49\uff43\uff45", id="fullwidth"),
    pytest.param("ALICE", id="other-case"),
]


@pytest.mark.parametrize("username", REFUSED)
def test_the_signup_page_refuses_names_that_impersonate(alice, bob, username):
    status, errors = _page_signup(username)

    assert status == 200 and errors
    assert User.objects.count() == 2


@pytest.mark.parametrize("username", REFUSED)
def test_the_api_refuses_names_that_impersonate(alice, bob, username, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    status, body = _api_signup(username)

    assert status == 400, body
    assert "username" in body["message"]
    assert User.objects.count() == 2


def test_an_all_cyrillic_lookalike_of_a_member_is_refused(alice):
    status, errors = _page_signup("\u0430l\u0456\u0441\u0435")  # а l і с е
    assert status == 200 and errors


def test_the_kelvin_sign_is_normalised_so_the_real_name_stays_free(db, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    assert _api_signup("\u212aate_x")[0] == 201
    assert User.objects.get().username == "Kate_x"

    status, body = _api_signup("kate_x", email="kate@example.com")

    assert status == 400
    assert "taken a moment ago" not in body["message"]  # the form's own check saw the clash


def test_fullwidth_letters_are_stored_normalised(db):
    status, errors = _page_signup("\uff44\uff4f\uff52\uff41")
    assert status == 302, errors
    assert User.objects.get().username == "dora"


def test_ordinary_non_latin_names_are_welcome(db, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    for n, name in enumerate(["\u0430\u043d\u043d\u0430", "jos\u00e9", "\u674e\u5c0f\u9f99", "M\u00fcller"]):
        assert _api_signup(name, email=f"m{n}@example.com")[0] == 201, name


@pytest.mark.parametrize("username", ["bob@example.com", CYRILLIC_A + "lice", "BOB"])
def test_renaming_to_an_impersonating_name_is_refused(alice, bob, charlie, username):
    client = Client()
    client.force_login(charlie)
    response = client.post(reverse("accounts:profile-edit"), {"username": username, "about_me": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["username"]

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=charlie)}")
    assert api.put(f"/api/users/{charlie.pk}", {"username": username}, format="json").status_code == 400
    charlie.refresh_from_db()
    assert charlie.username == "charlie"


def test_a_member_keeps_their_own_name_when_editing_the_profile(db):
    member = UserFactory(username="\u0430\u043d\u043d\u0430")  # анна, all Cyrillic
    client = Client()
    client.force_login(member)
    response = client.post(reverse("accounts:profile-edit"), {"username": member.username, "about_me": "hi"})
    assert response.status_code == 302
