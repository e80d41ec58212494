"""DELETE /api/users/<id>: members delete their own account with their password."""

import pytest
from django.core.management import call_command

from accounts.models import ReservedUsername, User
from accounts.tests.factories import DEFAULT_PASSWORD
from posts.tests.factories import PostFactory


@pytest.fixture(autouse=True)
def _search_index(db, search_index):
    call_command("rebuild_index", interactive=False, verbosity=0)


def test_a_member_deletes_their_account_with_their_password(alice, alice_api, django_capture_on_commit_callbacks):
    PostFactory(author=alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_api.delete(f"/api/users/{alice.pk}", {"password": DEFAULT_PASSWORD}, format="json")

    assert response.status_code == 202
    assert not User.objects.filter(pk=alice.pk).exists()
    assert ReservedUsername.objects.filter(username="alice").exists()
    # The token went with the account.
    assert alice_api.get("/api/timeline").status_code == 401


def test_a_wrong_or_missing_password_deletes_nothing(alice, alice_api):
    wrong = alice_api.delete(f"/api/users/{alice.pk}", {"password": "guess"}, format="json")
    missing = alice_api.delete(f"/api/users/{alice.pk}", {}, format="json")

    assert wrong.status_code == 400
    assert "password" in wrong.json()["errors"] if "errors" in wrong.json() else "password" in str(wrong.json())
    assert missing.status_code == 400
    assert User.objects.get(pk=alice.pk).is_active


def test_nobody_deletes_another_members_account(alice, bob, alice_api):
    response = alice_api.delete(f"/api/users/{bob.pk}", {"password": DEFAULT_PASSWORD}, format="json")

    assert response.status_code == 403
    assert User.objects.get(pk=bob.pk).is_active


def test_anonymous_callers_get_401(alice, client):
    from rest_framework.test import APIClient

    response = APIClient().delete(f"/api/users/{alice.pk}", {"password": DEFAULT_PASSWORD}, format="json")

    assert response.status_code == 401
    assert User.objects.get(pk=alice.pk).is_active
