"""Signup, login, logout and passwords, as django-allauth serves them at /accounts/."""

import re

import pytest
from django.contrib.auth import get_user
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import DEFAULT_PASSWORD
from microblog import settings as project_settings

NEW_PASSWORD = "a-fresh-pot-of-oolong"


def _signup(client, **fields):
    data = {"username": "dora", "email": "dora@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    data["accept_rules"] = "on"
    return client.post(reverse("account_signup"), data | fields)


def _login(client, login, password=DEFAULT_PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def _reset_link(email):
    return re.search(r"https?://localhost:8000(/accounts/password/reset/key/\S+/)", email.body).group(1)


def _logged_in_user(client):
    return get_user(client)


def test_signing_up_creates_the_member_and_logs_them_in(db, client):
    response = _signup(client)

    assert response.status_code == 302
    dora = User.objects.get(username="dora")
    assert dora.email == "dora@example.com"
    assert dora.check_password(NEW_PASSWORD)
    assert _logged_in_user(client) == dora


def test_the_project_hashes_new_passwords_with_argon2():
    # The suite swaps in a fast hasher (conftest.py); the real settings must put Argon2 first.
    # accounts.hashers.Argon2PasswordHasher: Django's, with OWASP's parameters.
    assert project_settings.PASSWORD_HASHERS[0] == "accounts.hashers.Argon2PasswordHasher"


def test_signing_up_stores_the_password_with_the_projects_hasher(db, client, settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS

    _signup(client)

    assert User.objects.get(username="dora").password.startswith("argon2$")


@pytest.mark.parametrize(
    "fields",
    [
        {"username": "ALICE"},
        {"email": "ALICE@Example.com"},
    ],
)
def test_signup_refuses_a_username_or_email_taken_in_another_case(fields, alice, client):
    response = _signup(client, **fields)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == list(fields)
    assert User.objects.count() == 1


@pytest.mark.parametrize("password", ["password", "87239150", "short7"])
def test_signup_refuses_a_weak_password(password, db, client):
    response = _signup(client, password1=password, password2=password)

    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert not User.objects.exists()


def test_signup_refuses_a_username_shorter_than_three_characters(db, client):
    response = _signup(client, username="do")

    assert list(response.context["form"].errors) == ["username"]


@pytest.mark.parametrize("login", ["alice", "ALICE", "alice@example.com", "Alice@Example.COM"])
def test_a_member_logs_in_with_username_or_email_in_any_case(login, alice, client):
    response = _login(client, login)

    assert response.status_code == 302
    assert response["Location"] == reverse("posts:home")
    assert _logged_in_user(client) == alice


def test_login_refuses_a_wrong_password(alice, client):
    response = _login(client, "alice", "not-the-password")

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not _logged_in_user(client).is_authenticated


def test_login_refuses_a_deactivated_member(alice, client):
    alice.is_active = False
    alice.save()

    _login(client, "alice")

    assert not _logged_in_user(client).is_authenticated


def test_logging_out_takes_a_post(alice, alice_client):
    url = reverse("account_logout")

    assert alice_client.get(url).status_code == 200
    assert _logged_in_user(alice_client) == alice

    response = alice_client.post(url)

    assert response["Location"] == reverse("account_login")
    assert not _logged_in_user(alice_client).is_authenticated


def test_a_member_changes_their_password_and_stays_logged_in(alice, alice_client):
    response = alice_client.post(
        reverse("account_change_password"),
        {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert _logged_in_user(alice_client) == alice


def test_changing_password_requires_the_current_one(alice, alice_client):
    response = alice_client.post(
        reverse("account_change_password"),
        {"oldpassword": "a-guess", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert list(response.context["form"].errors) == ["oldpassword"]
    alice.refresh_from_db()
    assert alice.check_password(DEFAULT_PASSWORD)


def test_a_member_resets_a_forgotten_password_by_email(alice, client, django_capture_on_commit_callbacks):
    # The email is queued after the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "ALICE@example.com"})
    assert response["Location"] == reverse("account_reset_password_done")

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.com"]
    link = _reset_link(mail.outbox[0])

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response["Location"] == reverse("account_reset_password_from_key_done")

    assert _login(client, "alice", NEW_PASSWORD).status_code == 302
    assert _logged_in_user(client) == alice


def test_a_reset_link_works_only_once(alice, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "alice@example.com"})
    link = _reset_link(mail.outbox[0])
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    response = client.get(link, follow=True)

    assert response.context["token_fail"]


def test_a_reset_for_an_unknown_email_gives_the_same_answer(alice, client):
    known = client.post(reverse("account_reset_password"), {"email": "alice@example.com"}, follow=True)
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"}, follow=True)

    assert unknown.redirect_chain == known.redirect_chain
    # The footer's language form carries a CSRF token masked afresh on every page.
    assert without_csrf_tokens(unknown.content) == without_csrf_tokens(known.content)


def without_csrf_tokens(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


def test_the_login_form_says_username_or_email(client):
    response = client.get(reverse("account_login"))
    assert response.context["form"].fields["login"].label == "Username or email"


def test_the_password_reset_done_page_leads_back_to_log_in(client, db):
    html = client.get(reverse("account_reset_password_done")).content.decode()

    assert f'href="{reverse("account_login")}">Back to log in</a>' in html


def test_email_subjects_carry_the_sites_name_not_its_host(client, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": alice.email})

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("[Microblog] ") and "testserver" not in mail.outbox[0].subject
