"""Issue 21, item 7: a moderator could set a member's email address in the admin and
then receive their password reset: an account takeover. The address is a privileged
field like the password (superusers only), and a change in the admin keeps allauth's
addresses consistent (no old row that still logs in or receives resets)."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from accounts.tests.test_admin import _change_form_data


@pytest.fixture
def moderator(db):
    member = UserFactory(username="mod", is_staff=True)
    member.groups.add(Group.objects.get(name="Moderators"))
    return member


def _change(client, member, **changes):
    return client.post(reverse("admin:accounts_user_change", args=[member.pk]), _change_form_data(member, **changes))


def test_a_moderator_cannot_change_a_members_email(moderator, charlie, client_for, django_capture_on_commit_callbacks):
    EmailAddress.objects.create(user=charlie, email=charlie.email, primary=True, verified=True)

    _change(client_for(moderator), charlie, email="mod-owned@example.com", about_me="(moderated)")

    charlie.refresh_from_db()
    assert charlie.email == "charlie@example.com"
    assert charlie.about_me == "(moderated)"  # the rest of the form still saved
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("account_reset_password"), {"email": "mod-owned@example.com"})
    assert all("/password/reset/key/" not in m.body for m in mail.outbox if m.to == ["mod-owned@example.com"])


def test_the_moderators_change_form_shows_the_email_read_only(moderator, charlie, client_for):
    page = client_for(moderator).get(reverse("admin:accounts_user_change", args=[charlie.pk]))
    assert 'name="email"' not in page.content.decode()


def test_a_superusers_email_change_moves_allauths_address_too(charlie, client_for, db):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    EmailAddress.objects.create(user=charlie, email=charlie.email, primary=True, verified=True)

    response = _change(client_for(root), charlie, email="Charlie.New@example.com")

    assert response.status_code == 302
    charlie.refresh_from_db()
    assert charlie.email == "charlie.new@example.com"
    assert list(EmailAddress.objects.filter(user=charlie).values_list("email", "primary")) == [
        ("charlie.new@example.com", True)
    ]
