"""Odd input from a hostile or careless visitor gets a 4xx or a form error,
never a 500 — also on PostgreSQL, which rejects NUL bytes outright."""

import pytest
from django.test import Client

from posts.models import Post

NUL = "a\x00b"


@pytest.mark.parametrize(
    "url",
    ["/user/a%00b/", "/user/a%00b/identicon.svg", "/user/" + "x" * 5000 + "/", "/user/a%2Fb/", "/user/%F0%9F%92%A9/"],
)
def test_odd_usernames_in_urls_are_not_found(alice_client, url):
    assert alice_client.get(url).status_code == 404


@pytest.mark.parametrize("action", ["follow", "unfollow"])
def test_following_an_odd_username_is_not_found(alice_client, action):
    assert alice_client.post(f"/user/a%00b/{action}/").status_code == 404


@pytest.mark.parametrize("page_number", ["%00", "1e400", "nan", "-inf", "9" * 40, "2.5"])
def test_odd_page_numbers_still_show_a_page(alice_client, page_number):
    assert alice_client.get(f"/explore/?page={page_number}").status_code == 200


def test_a_post_with_a_nul_byte_is_refused_and_nothing_is_saved(alice_client, alice):
    response = alice_client.post("/", {"body": NUL})
    assert response.status_code == 200
    assert response.context["form"].errors["body"]
    assert not Post.objects.exists()


def test_a_profile_with_a_nul_byte_is_refused(alice_client, alice):
    response = alice_client.post("/profile/edit/", {"username": NUL, "about_me": NUL})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"username", "about_me"}
    alice.refresh_from_db()
    assert alice.username == "alice"


@pytest.mark.parametrize(
    "url,data",
    [
        ("/accounts/login/", {"login": NUL, "password": NUL}),
        ("/accounts/signup/", {"username": NUL, "email": f"{NUL}@example.com", "password1": NUL, "password2": NUL}),
        ("/accounts/password/reset/", {"email": f"{NUL}@example.com"}),
        ("/accounts/login/", {"login": "x" * 100_000, "password": "y"}),
    ],
)
def test_account_forms_answer_odd_input_with_a_form_error(db, url, data):
    response = Client().post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors
