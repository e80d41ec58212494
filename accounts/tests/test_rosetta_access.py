"""Rosetta at /rosetta/ is for superusers and the "Translators" group only."""

import pytest
from django.contrib.auth.models import Group

from accounts.tests.factories import UserFactory

ROSETTA = "/rosetta/files/project/"


@pytest.mark.django_db
def test_the_translators_group_exists_after_migrations():
    assert Group.objects.filter(name="Translators").exists()


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(ROSETTA)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_member_outside_the_group_cannot_use_rosetta(alice_client):
    response = alice_client.get(ROSETTA)

    # Rosetta sends anyone it refuses to the login page.
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_staff_member_outside_the_group_cannot_use_rosetta(db, client_for):
    assert client_for(UserFactory(is_staff=True)).get(ROSETTA).status_code == 302


def test_a_translator_can_list_the_catalogs(alice, alice_client):
    alice.groups.add(Group.objects.get(name="Translators"))

    response = alice_client.get(ROSETTA)

    assert response.status_code == 200
    assert "Spanish" in response.content.decode()


def test_a_deactivated_translator_cannot_use_rosetta(alice):
    from accounts.rosetta import can_translate

    alice.groups.add(Group.objects.get(name="Translators"))
    alice.is_active = False

    assert not can_translate(alice)


def test_a_superuser_can_use_rosetta(db, client_for):
    assert client_for(UserFactory(is_superuser=True, is_staff=True)).get(ROSETTA).status_code == 200
