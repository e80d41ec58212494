"""Issue 8, item 12: a unique violation from a race (two follows, two signups,
two renames at once) gives a friendly answer, never a 500. First the race
staged in one process (the rival row appears between validation and saving),
then for real: two threads posting at the same moment against the test database
(PostgreSQL in CI's second run)."""

import re
import threading

import pytest
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import SignupForm
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Follow, User
from accounts.tests.factories import UserFactory

SIGNUP = {
    "username": "dave",
    "email": "dave@example.com",
    "password1": "Tr0ub4dor&3x-long",
    "password2": "Tr0ub4dor&3x-long",
    "accept_rules": "on",
}


def _rival_signs_up_first(monkeypatch, **rival):
    """The rival's row appears once our form has been validated (after its
    uniqueness checks), before ours is saved; in its own "transaction", so
    rolling ours back leaves it."""
    original = SignupForm.clean
    done = []

    def clean(self):
        cleaned = original(self)
        if not done:
            done.append(UserFactory(**rival))
        return cleaned

    monkeypatch.setattr(SignupForm, "clean", clean)


@pytest.mark.parametrize(
    "rival,field",
    [
        ({"username": "Dave", "email": "other@example.com"}, "username"),
        ({"username": "other", "email": "DAVE@example.com"}, "email"),
    ],
)
def test_a_signup_that_loses_the_race_gets_a_form_error(db, monkeypatch, rival, field):
    _rival_signs_up_first(monkeypatch, **rival)

    response = Client().post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert User.objects.count() == 1  # the rival only
    assert "_auth_user_id" not in response.client.session


def test_a_signup_with_an_address_saved_in_another_case_is_a_form_error(db):
    """allauth compares addresses in lower case; one saved in mixed case (by the
    admin or createsuperuser) used to reach the database constraint: a 500."""
    UserFactory(username="other", email="DAVE@example.com")

    response = Client().post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["A user is already registered with this email address."]
    assert User.objects.count() == 1


def test_the_api_saves_a_new_email_in_lower_case_so_signup_sees_it(alice, django_capture_on_commit_callbacks):
    from api.services import token_issue

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=alice)}")
    with django_capture_on_commit_callbacks(execute=True):
        assert api.put(f"/api/users/{alice.pk}", {"email": "Alicia@Example.com"}, format="json").status_code == 202
    link = re.search(r"https?://localhost:8000(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    Client().post(link)
    alice.refresh_from_db()
    assert alice.email == "alicia@example.com"

    response = Client().post(reverse("account_signup"), {**SIGNUP, "email": "alicia@example.com"})

    assert response.status_code == 200
    assert "email" in response.context["form"].errors


def test_a_rename_that_loses_the_race_gets_a_form_error(alice_client, alice, monkeypatch):
    from accounts.forms import ProfileForm

    original = ProfileForm.save

    def save(self, commit=True):
        UserFactory(username="TeaLover")
        return original(self, commit)

    monkeypatch.setattr(ProfileForm, "save", save)

    response = alice_client.post(reverse("accounts:profile-edit"), {"username": "tealover", "about_me": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == ["This username or email address was taken a moment ago."]
    alice.refresh_from_db()
    assert alice.username == "alice"


def test_a_double_follow_is_a_message(alice_client, alice, charlie, monkeypatch):
    """The second follow's check passes (no row yet) and its insert hits the constraint."""
    Follow.objects.create(follower=alice, followed=charlie)

    response = alice_client.post(reverse("accounts:follow", args=["charlie"]), follow=True)

    assert response.status_code == 200
    assert "You are already following charlie." in response.content.decode()
    assert Follow.objects.filter(follower=alice, followed=charlie).count() == 1


class _Writers:
    """PostgreSQL runs the requests truly at once. SQLite's test database (in
    memory, shared cache) answers "table is locked" where a SQLite file would
    make the second writer wait its turn; so on SQLite the threads take turns
    from their first write, as a file database would make them."""

    def __init__(self):
        self._lock = threading.Lock()
        self._local = threading.local()

    def take_turn(self):
        if connection.vendor == "sqlite" and not getattr(self._local, "holding", False):
            self._lock.acquire()
            self._local.holding = True

    def done(self):
        if getattr(self._local, "holding", False):
            self._local.holding = False
            self._lock.release()


def _at_once(requests, writers, *, writes_at_once=True):
    """Run each callable in its own thread, released together; returns their results."""
    barrier = threading.Barrier(len(requests), timeout=10)
    results = [None] * len(requests)

    def run(index, request):
        try:
            barrier.wait()
            if writes_at_once:
                writers.take_turn()
            results[index] = request()
        finally:
            writers.done()
            connection.close()

    threads = [threading.Thread(target=run, args=(index, request)) for index, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.fixture
def writers():
    return _Writers()


@pytest.fixture
def meet_before_saving(monkeypatch, writers):
    """Both signups wait for each other once validated, so both pass the
    uniqueness checks before either inserts."""
    barrier = threading.Barrier(2, timeout=10)
    original = DefaultAccountAdapter.save_user

    def save_user(self, request, user, form, commit=True):
        barrier.wait()
        writers.take_turn()
        return original(self, request, user, form, commit)

    monkeypatch.setattr(DefaultAccountAdapter, "save_user", save_user)


# serialized_rollback: the flush afterwards must not recreate content types
# that the next serialized-rollback test (e.g. the real worker's) restores itself.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_signups_at_once_one_wins_one_gets_a_form_error(meet_before_saving, writers):
    def sign_up(username):
        return lambda: Client().post(reverse("account_signup"), {**SIGNUP, "username": username}).status_code

    statuses = _at_once([sign_up("dave"), sign_up("DAVE")], writers, writes_at_once=False)

    assert sorted(statuses) == [200, 302]
    assert User.objects.filter(username__iexact="dave").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_follows_at_once_make_one_follow_and_no_error(writers):
    alice = UserFactory(username="alice")
    UserFactory(username="charlie")
    clients = []
    for _ in range(3):
        clients.append(Client())
        clients[-1].force_login(alice)

    def follow(client):
        return lambda: client.post(reverse("accounts:follow", args=["charlie"])).status_code

    statuses = _at_once([follow(client) for client in clients], writers)

    assert statuses == [302, 302, 302]
    assert Follow.objects.filter(follower=alice).count() == 1
