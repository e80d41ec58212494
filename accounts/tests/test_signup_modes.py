"""Sign-up in each SIGNUP_MODE, invites, blocked email domains and forbidden usernames."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import EmailDomainBlock, Invite, SignupApplication, User
from accounts.signup import invite_create, signup_application_approve, signup_application_reject

PASSWORD = "a-fresh-pot-of-oolong"


def _signup(client, **fields):
    data = {
        "username": "dora",
        "email": "dora@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accept_rules": "on",
    }
    return client.post(reverse("account_signup"), data | fields)


def _api_signup(**fields):
    data = {"username": "dora", "email": "dora@example.com", "password": PASSWORD} | fields
    return APIClient().post("/api/users", data, format="json")


@pytest.fixture
def mode(settings):
    def set_mode(name):
        settings.SIGNUP_MODE = name

    return set_mode


def test_open_mode_says_anyone_may_join_and_lets_them(client, db):
    page = client.get(reverse("account_signup"))
    assert "Anyone may join." in page.text

    response = _signup(client)

    assert response.status_code == 302
    assert User.objects.get(username="dora").is_active


def test_signup_needs_the_rules_accepted(client, db):
    response = _signup(client, accept_rules="")

    assert response.status_code == 200
    assert "accept_rules" in response.context["form"].errors
    assert not User.objects.filter(username="dora").exists()


def test_closed_mode_refuses_everyone(client, db, mode):
    mode("closed")

    page = client.get(reverse("account_signup"))
    response = _signup(client)

    assert "closed" in page.text.lower()
    assert not User.objects.filter(username="dora").exists()
    assert response.status_code == 200
    assert _api_signup().status_code == 403


def test_approval_mode_queues_the_applicant_with_their_answer(client, db, mode, django_capture_on_commit_callbacks):
    mode("approval")
    page = client.get(reverse("account_signup"))
    assert "reason" in page.context["form"].fields

    response = _signup(client, reason="I run the tea shop on the corner.")

    assert response.status_code == 200
    assert "Your application is waiting" in response.text
    dora = User.objects.get(username="dora")
    assert not dora.is_active
    application = SignupApplication.objects.get(user=dora)
    assert application.reason == "I run the tea shop on the corner."
    # Waiting: logging in is refused with the same page.
    login = client.post(reverse("account_login"), {"login": "dora", "password": PASSWORD})
    assert "Your application is waiting" in login.text

    with django_capture_on_commit_callbacks(execute=True):
        signup_application_approve(application=application)

    dora.refresh_from_db()
    assert dora.is_active
    assert mail.outbox[-1].to == ["dora@example.com"]
    assert "approved" in mail.outbox[-1].body
    assert client.post(reverse("account_login"), {"login": "dora", "password": PASSWORD}).status_code == 302


def test_approval_mode_needs_an_answer(client, db, mode):
    mode("approval")

    response = _signup(client)

    assert "reason" in response.context["form"].errors
    assert not User.objects.filter(username="dora").exists()


def test_a_rejected_applicant_is_emailed_and_the_account_is_gone(
    client, db, mode, django_capture_on_commit_callbacks, search_index
):
    # The deletion's after-commit work includes the search index's.
    call_command("rebuild_index", interactive=False, verbosity=0)
    mode("approval")
    _signup(client, reason="spam spam")
    application = SignupApplication.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        signup_application_reject(application=application)

    assert not User.objects.filter(username="dora").exists()
    assert mail.outbox[-1].to == ["dora@example.com"]
    assert "did not accept" in mail.outbox[-1].body


def test_moderators_approve_from_the_admin_queue(admin_client, client, mode, django_capture_on_commit_callbacks):
    mode("approval")
    _signup(client, reason="I like tea")
    application = SignupApplication.objects.get()
    queue = admin_client.get(reverse("admin:accounts_signupapplication_changelist"))
    assert "I like tea" in queue.text

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:accounts_signupapplication_changelist"),
            {"action": "approve", "_selected_action": [application.pk]},
        )

    assert User.objects.get(username="dora").is_active


def test_approval_mode_through_the_api(db, mode):
    mode("approval")

    assert _api_signup().status_code == 400
    response = _api_signup(reason="I like tea")

    assert response.status_code == 202
    assert SignupApplication.objects.get().reason == "I like tea"


def test_invite_mode_lets_in_only_visitors_with_a_usable_invite(client, alice, mode):
    mode("invite")
    assert not _signup(client).status_code == 302
    assert not User.objects.filter(username="dora").exists()
    invite = invite_create(user=alice, max_uses=1, expires_in=datetime.timedelta(days=1))

    landing = client.get(invite.get_absolute_url())
    assert landing.url == reverse("account_signup")
    page = client.get(reverse("account_signup"))
    assert "You were invited by alice" in page.text
    response = _signup(client)

    assert response.status_code == 302
    assert User.objects.get(username="dora").is_active
    invite.refresh_from_db()
    assert invite.uses == 1


def test_an_used_up_invite_is_refused(client, alice, mode):
    mode("invite")
    invite = invite_create(user=alice, max_uses=1, expires_in=None)
    client.get(invite.get_absolute_url())
    _signup(client)
    other = type(client)()

    response = other.get(invite.get_absolute_url())

    assert response.status_code == 410
    assert "used as many times" in response.text


def test_an_invite_used_up_while_the_form_was_open_is_refused(client, alice, mode):
    mode("invite")
    invite = invite_create(user=alice, max_uses=1, expires_in=None)
    client.get(invite.get_absolute_url())
    Invite.objects.filter(pk=invite.pk).update(uses=1)

    _signup(client)

    assert not User.objects.filter(username="dora").exists()


def test_an_expired_or_revoked_invite_is_refused(client, alice, mode):
    mode("invite")
    expired = invite_create(user=alice, max_uses=None, expires_in=datetime.timedelta(hours=1))
    Invite.objects.filter(pk=expired.pk).update(expires=timezone.now() - datetime.timedelta(seconds=1))
    revoked = invite_create(user=alice, max_uses=None, expires_in=None)
    alice_client = type(client)()
    alice_client.force_login(alice)
    alice_client.post(reverse("accounts:invite-revoke", args=[revoked.pk]))

    assert "expired" in client.get(expired.get_absolute_url()).text
    assert client.get(revoked.get_absolute_url()).status_code == 410
    assert client.get("/invite/nonsense/").status_code == 410
    assert _api_signup(invite=expired.code).status_code == 400


def test_invites_through_the_api(alice, mode):
    mode("invite")
    invite = invite_create(user=alice, max_uses=2, expires_in=None)

    assert _api_signup().status_code == 403
    response = _api_signup(invite=invite.code)

    assert response.status_code == 201
    invite.refresh_from_db()
    assert invite.uses == 1


def test_members_make_and_revoke_their_invites(alice_client, alice, bob_client):
    response = alice_client.post(reverse("accounts:invites"), {"expires_in": "86400", "max_uses": "5"})

    assert response.status_code == 302
    invite = Invite.objects.get(created_by=alice)
    assert invite.max_uses == 5
    assert invite.expires > timezone.now() + datetime.timedelta(hours=23)
    page = alice_client.get(reverse("accounts:invites"))
    assert invite.get_absolute_url() in page.text
    # Someone else's invite: not found, and still usable.
    assert bob_client.post(reverse("accounts:invite-revoke", args=[invite.pk])).status_code == 404
    assert alice_client.get(reverse("accounts:invite-revoke", args=[invite.pk])).status_code == 405
    assert invite.is_usable


def test_a_bad_invite_form_is_refused(alice_client, alice):
    response = alice_client.post(reverse("accounts:invites"), {"expires_in": "forever-and-ever", "max_uses": "-3"})

    assert response.status_code == 200
    assert not Invite.objects.exists()


def test_moderators_see_and_revoke_invites_in_the_admin(admin_client, alice):
    invite = invite_create(user=alice, max_uses=None, expires_in=None)

    admin_client.post(
        reverse("admin:accounts_invite_changelist"), {"action": "revoke", "_selected_action": [invite.pk]}
    )

    invite.refresh_from_db()
    assert invite.revoked is not None


def test_moderators_may_keep_the_queue_and_the_blocks(db):
    from django.contrib.auth.models import Group

    codenames = set(Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True))

    assert {"change_invite", "change_signupapplication", "add_emaildomainblock"} <= codenames


@pytest.mark.parametrize("email", ["spam@spam.example", "x@mail.spam.example", "y@SPAM.example"])
def test_blocked_email_domains_are_refused(client, db, email):
    EmailDomainBlock.objects.create(domain="spam.example")

    response = _signup(client, email=email)

    assert "email" in response.context["form"].errors
    assert not User.objects.filter(username="dora").exists()
    assert _api_signup(email=email).status_code == 400


def test_a_similar_domain_is_not_blocked(client, db):
    EmailDomainBlock.objects.create(domain="spam.example")

    assert _signup(client, email="dora@notspam.example").status_code == 302


@pytest.mark.parametrize("username", ["admin", "Root", "support", "moderator"])
def test_forbidden_usernames_are_refused(client, db, username):
    response = _signup(client, username=username)

    assert "username" in response.context["form"].errors
    assert _api_signup(username=username).status_code == 400


def test_the_setting_adds_forbidden_usernames(client, db, settings):
    settings.FORBIDDEN_USERNAMES = ["teashop"]

    assert "username" in _signup(client, username="TeaShop").context["form"].errors


def test_a_member_cannot_rename_themselves_to_a_forbidden_name(alice_client):
    response = alice_client.post(reverse("accounts:profile-edit"), {"username": "admin", "about_me": ""})

    assert "username" in response.context["form"].errors


def test_a_superuser_named_admin_can_still_edit_their_profile(admin_client, admin_user):
    response = admin_client.post(
        reverse("accounts:profile-edit"), {"username": admin_user.username, "about_me": "I run this"}
    )

    assert response.status_code == 302
