"""Issue 8, items 1 and 2: password guessing is limited per account and per
client address (also behind a proxy, also on the admin's login and the API's
token endpoint), and the account forms never tell whether an account exists."""

import base64
import time
import types

import pytest
from allauth.core.internal import ratelimit
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

LOCKED = "Too many failed login attempts"


def _login(client, login, password, **headers):
    return client.post(reverse("account_login"), {"login": login, "password": password}, **headers)


def _logged_in(client):
    return "_auth_user_id" in client.session


@pytest.fixture
def clock(monkeypatch):
    """allauth's rate limits read time.time(); this moves it forward on demand."""
    offset = {"seconds": 0.0}
    fake = types.SimpleNamespace(
        time=lambda: time.time() + offset["seconds"], monotonic=time.monotonic, sleep=time.sleep
    )
    monkeypatch.setattr(ratelimit, "time", fake)
    return lambda seconds: offset.__setitem__("seconds", offset["seconds"] + seconds)


def test_twenty_wrong_passwords_lock_the_account_and_the_right_one_is_refused(alice, settings, clock):
    assert settings.LOGIN_FAILURES_LIMIT == 20
    for _ in range(20):
        response = _login(Client(), "alice", "wrong-guess")
        assert response.status_code == 200
        assert LOCKED not in response.content.decode()

    client = Client()
    response = _login(client, "Alice", DEFAULT_PASSWORD)  # any spelling of the name counts

    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert not _logged_in(client)

    # Once the lockout is over, the member gets in.
    clock(settings.LOGIN_LOCKOUT_MINUTES * 60 + 1)
    client = Client()
    assert _login(client, "alice", DEFAULT_PASSWORD).status_code == 302
    assert _logged_in(client)


def test_the_count_is_per_account_whether_tried_by_username_or_email(alice):
    for number in range(20):
        _login(Client(), "alice" if number % 2 else "ALICE@example.com", "wrong-guess")

    assert LOCKED in _login(Client(), "alice@example.com", DEFAULT_PASSWORD).content.decode()
    assert LOCKED in _login(Client(), "alice", DEFAULT_PASSWORD).content.decode()


def test_a_locked_account_does_not_lock_others_on_the_same_address(alice, bob):
    for _ in range(21):
        _login(Client(), "alice", "wrong-guess")

    client = Client()
    assert _login(client, "bob", DEFAULT_PASSWORD).status_code == 302


def test_one_address_guessing_many_accounts_is_stopped(db, settings, clock):
    """Spraying one password over many names: the per-address limit (three times the per-account one)."""
    for number in range(3 * settings.LOGIN_FAILURES_LIMIT):
        clock(3)  # slower than allauth's 30 logins a minute per address
        assert LOCKED not in _login(Client(), f"member{number}", "Summer2026!").content.decode()
    UserFactory(username="victim")

    response = _login(Client(), "victim", DEFAULT_PASSWORD)
    assert LOCKED in response.content.decode()
    # Another address is not affected.
    client = Client(REMOTE_ADDR="198.51.100.9")
    assert _login(client, "victim", DEFAULT_PASSWORD).status_code == 302


def test_behind_one_proxy_a_forged_forwarded_for_does_not_reset_the_count(db, settings, clock):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # The proxy (REMOTE_ADDR 10.0.0.2) appends the real client, 203.0.113.7, after whatever the client sent.
    for number in range(3 * settings.LOGIN_FAILURES_LIMIT):
        clock(3)
        forged = f"192.0.2.{number % 250}, 198.51.100.{number % 250}"
        _login(
            Client(REMOTE_ADDR="10.0.0.2"),
            f"member{number}",
            "Summer2026!",
            HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.7",
        )
    UserFactory(username="victim")

    locked = _login(
        Client(REMOTE_ADDR="10.0.0.2"), "victim", DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7"
    )
    assert LOCKED in locked.content.decode()
    # Another client behind the same proxy logs in.
    client = Client(REMOTE_ADDR="10.0.0.2")
    assert _login(client, "victim", DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 302


def test_with_no_proxy_configured_the_forwarded_for_header_is_ignored(db, settings, clock):
    assert settings.TRUSTED_PROXY_COUNT == 0
    for number in range(3 * settings.LOGIN_FAILURES_LIMIT):
        clock(3)
        _login(Client(), f"member{number}", "Summer2026!", HTTP_X_FORWARDED_FOR=f"192.0.2.{number % 250}")
    UserFactory(username="victim")

    assert LOCKED in _login(Client(), "victim", DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="8.8.8.8").content.decode()


def test_the_admin_login_goes_through_the_rate_limited_login(alice):
    alice.is_staff = alice.is_superuser = True
    alice.save()
    client = Client()

    # The admin's own form no longer takes a password.
    response = client.post(
        reverse("admin:login"), {"username": "alice", "password": DEFAULT_PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    assert not _logged_in(client)

    for _ in range(20):
        _login(Client(), "alice", "wrong-guess")
    assert LOCKED in _login(client, "alice", DEFAULT_PASSWORD).content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_staff_member_reaches_the_admin_after_logging_in(alice):
    alice.is_staff = alice.is_superuser = True
    alice.save()
    client = Client()

    response = client.post(reverse("account_login") + "?next=/admin/", {"login": "alice", "password": DEFAULT_PASSWORD})

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_member_who_is_not_staff_is_refused_at_the_admin_login(alice_client):
    assert alice_client.get(reverse("admin:login")).status_code == 403


def _basic(username, password):
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def test_api_token_guesses_are_counted_per_address_whatever_x_forwarded_for_says(db):
    """DRF used to key its address throttle on the whole X-Forwarded-For header
    when NUM_PROXIES was unset, so changing it gave a fresh allowance each time."""
    statuses = []
    for number in range(8):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=_basic(f"member{number}", "guess"))
        statuses.append(client.post("/api/tokens", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}").status_code)

    assert statuses[:5] == [401] * 5
    assert set(statuses[5:]) == {429}


def test_too_many_logins_from_one_address_get_a_clear_page(db):
    """allauth's 30 logins a minute per address: a 429 page in the site's look, never a 500."""
    responses = [_login(Client(), f"member{number}", "guess") for number in range(31)]

    assert [response.status_code for response in responses[:30]] == [200] * 30
    assert responses[30].status_code == 429
    assert "Too many requests" in responses[30].content.decode()
    assert 'class="navbar' in responses[30].content.decode()


def test_api_token_guesses_for_one_member_share_one_allowance_by_username_or_email(alice):
    statuses = []
    for number in range(6):
        client = APIClient(REMOTE_ADDR=f"198.51.100.{number}")  # a new address each time
        login = "alice" if number % 2 else "Alice@Example.com"
        client.credentials(HTTP_AUTHORIZATION=_basic(login, "guess"))
        statuses.append(client.post("/api/tokens").status_code)

    assert statuses == [401] * 5 + [429]


# No enumeration: the same answer for an account that exists and one that doesn't.


def _answer(response):
    form = response.context["form"] if response.context and "form" in response.context else None
    return response.status_code, response.get("Location"), form.errors if form is not None else None


def test_login_answers_the_same_for_unknown_names_and_wrong_passwords(alice):
    known = _answer(_login(Client(), "alice", "wrong-guess"))
    unknown = _answer(_login(Client(), "nobody-here", "wrong-guess"))
    known_email = _answer(_login(Client(), "alice@example.com", "wrong-guess"))
    unknown_email = _answer(_login(Client(), "nobody@example.com", "wrong-guess"))

    # (The wording names what was typed, a username or an email address, not whether it exists.)
    assert known == unknown and known_email == unknown_email
    assert known[0] == 200


def test_password_reset_answers_the_same_for_unknown_addresses(alice, mailoutbox, django_capture_on_commit_callbacks):
    url = reverse("account_reset_password")
    with django_capture_on_commit_callbacks(execute=True):
        known = Client().post(url, {"email": "alice@example.com"})
        unknown = Client().post(url, {"email": "nobody@example.com"})

    assert (
        (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"]) == (302, known["Location"])
    )
    # Each address gets a mail (the unknown one is told there is no account), so timing and mail tell nothing either.
    assert sorted(message.to[0] for message in mailoutbox) == ["alice@example.com", "nobody@example.com"]


def test_signup_with_a_taken_email_answers_like_a_fresh_one_when_verification_is_mandatory(
    alice, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"

    def signup(username, email):
        data = {
            "username": username,
            "email": email,
            "password1": "Tr0ub4dor&3x-long",
            "password2": "Tr0ub4dor&3x-long",
            "accept_rules": "on",
        }
        with django_capture_on_commit_callbacks(execute=True):
            return Client().post(reverse("account_signup"), data)

    taken = signup("newbie1", "alice@example.com")
    fresh = signup("newbie2", "fresh@example.com")

    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    # alice is told someone tried to sign up with her address; no second account has it.
    assert {message.to[0] for message in mailoutbox} == {"alice@example.com", "fresh@example.com"}


def test_the_api_token_endpoint_answers_the_same_for_unknown_names_and_wrong_passwords(alice):
    def ask(login):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=_basic(login, "wrong-guess"))
        response = client.post("/api/tokens")
        return response.status_code, response.json()

    assert ask("alice") == ask("nobody-here") == ask("alice@example.com") == ask("nobody@example.com")
    assert ask("alice")[0] == 401
