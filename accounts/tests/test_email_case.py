"""Addresses are stored lower-case: allauth lower-cases what a member types before
looking it up, so an address saved with capitals (admin, createsuperuser) could
not reset its password."""

import importlib

from django.apps import apps
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory


def _reset(client, email, capture):
    with capture(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": email})
    assert response.status_code == 302
    return [message.to for message in mail.outbox]


def test_an_address_typed_with_capitals_in_the_admin_can_reset_its_password(
    db, client, client_for, django_capture_on_commit_callbacks
):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    member = UserFactory(username="zed", email="zed@example.com")
    response = client_for(root).post(
        reverse("admin:accounts_user_change", args=[member.pk]),
        {
            "username": "zed",
            "first_name": "",
            "last_name": "",
            "email": "Zed.New@Example.COM",
            "is_active": "on",
            "about_me": "",
            "language": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors

    member.refresh_from_db()
    assert member.email == "zed.new@example.com"
    assert _reset(client, "zed.new@example.com", django_capture_on_commit_callbacks) == [["zed.new@example.com"]]


def test_create_user_stores_the_address_lower_case(db):
    assert User.objects.create_user("yan", "Yan.Li@Example.org", "a-long-password").email == "yan.li@example.org"


def test_the_migration_lowers_addresses_saved_before(db):
    member = UserFactory(username="old")
    User.objects.filter(pk=member.pk).update(email="Old.Member@Example.COM")  # bypasses save()
    migration = importlib.import_module("accounts.migrations.0003_lowercase_emails")

    migration.lowercase_emails(apps, None)

    member.refresh_from_db()
    assert member.email == "old.member@example.com"
