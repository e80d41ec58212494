"""Deleting an account: the member's own (password, second factor) and a moderator's,
and a walk over every model with a foreign key to the user: no row is left."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.deletion import user_relations
from accounts.models import Follow, ReservedUsername, User
from accounts.signup import invite_create
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from api.services import token_issue
from messaging.models import Job, Message
from messaging.services import message_send
from posts.models import Post
from posts.services import post_boost, post_create, post_like
from posts.tags import tag_follow
from tests.security.test_security_two_factor import totp


@pytest.fixture(autouse=True)
def _search_index(db, search_index):
    # A member's deletion updates the search index after commit: it must exist.
    call_command("rebuild_index", interactive=False, verbosity=0)


@pytest.fixture
def alice_made_everything(alice, bob, charlie, tmp_path, settings):
    """alice posted, replied, liked, boosted, followed, wrote and was written to, was
    mentioned, followed a tag, exported, took an API token and made an invite."""
    settings.JOB_RESULTS_DIR = tmp_path
    first = post_create(author=alice, body="Tea time #tea with @bob")
    for n in range(4):
        post_create(author=alice, body=f"post {n}")
    bobs = post_create(author=bob, body="Hello @alice")
    post_create(author=alice, body="my reply", in_reply_to=bobs)
    bobs_reply = post_create(author=bob, body="bob answers alice", in_reply_to=first)
    post_like(member=alice, post=bobs)
    post_boost(member=alice, post=bobs)
    post_like(member=bob, post=first)
    post_boost(member=charlie, post=first)
    Follow.objects.create(follower=alice, followed=charlie)
    message_send(sender=alice, recipient=bob, body="a private hello")
    message_send(sender=bob, recipient=alice, body="a private answer")
    from posts.models import Tag

    tag_follow(user=alice, tag=Tag.objects.get(name="tea"))
    (tmp_path / "alice-export.json").write_text("[]")
    Job.objects.create(
        id="00000000-0000-0000-0000-00000000000a", user=alice, name="export_posts", result="alice-export.json"
    )
    token_issue(user=alice)
    invite_create(user=alice, max_uses=None, expires_in=None)
    return {"bobs_reply": bobs_reply, "export": tmp_path / "alice-export.json"}


def _remaining(user_pk) -> dict:
    """Every row, in every model with a foreign key to the user, that still points at them."""
    left = {}
    for model, field in user_relations():
        count = model._base_manager.filter(**{field.name: user_pk}).count()
        if count:
            left[f"{model._meta.label}.{field.name}"] = count
    return left


def _delete(client, **data):
    return client.post(reverse("accounts:delete"), {"password": DEFAULT_PASSWORD, **data})


def test_a_member_deletes_their_account_and_no_row_of_theirs_is_left(
    alice, alice_made_everything, django_capture_on_commit_callbacks, settings
):
    settings.ACCOUNT_DELETION_BATCH = 2  # several batches per kind of row
    client = Client()
    client.post(reverse("account_login"), {"login": "alice", "password": DEFAULT_PASSWORD})
    relations = {f"{model._meta.label}.{field.name}" for model, field in user_relations()}
    # The walk finds the models of every app, without naming them.
    assert {"posts.Post.author", "posts.Like.member", "messaging.Message.sender", "api.Token.user"} <= relations
    assert len(_remaining(alice.pk)) >= 10

    with django_capture_on_commit_callbacks(execute=True):
        response = _delete(client)

    assert response.status_code == 302
    assert _remaining(alice.pk) == {}
    assert not User.objects.filter(pk=alice.pk).exists()
    assert not Message.objects.exists()  # sent and received: the rows were shared
    assert not alice_made_everything["export"].exists()
    # Bob's reply to alice stays, answering nobody.
    reply = Post.objects.get(pk=alice_made_everything["bobs_reply"].pk)
    assert reply.in_reply_to_id is None
    assert ReservedUsername.objects.get(username="alice").completed is not None
    # Logged out, and the name cannot be taken.
    assert client.get(reverse("accounts:profile-edit")).status_code == 302
    signup = Client().post(
        reverse("account_signup"),
        {
            "username": "Alice",
            "email": "new@example.com",
            "password1": "Tr0ub4dor&3x-long",
            "password2": "Tr0ub4dor&3x-long",
            "accept_rules": "on",
        },
    )
    assert "username" in signup.context["form"].errors


def test_the_account_cannot_log_in_before_the_task_has_run(alice, alice_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        _delete(alice_client)

    alice.refresh_from_db()
    assert not alice.is_active
    assert Client().post(reverse("account_login"), {"login": "alice", "password": DEFAULT_PASSWORD}).status_code == 200


def test_a_wrong_password_deletes_nothing(alice, alice_client, alice_made_everything):
    before = _remaining(alice.pk)

    response = _delete(alice_client, password="not-my-password")

    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert _remaining(alice.pk) == before
    alice.refresh_from_db()
    assert alice.is_active
    assert not ReservedUsername.objects.exists()


def test_a_get_deletes_nothing(alice, alice_client):
    page = alice_client.get(reverse("accounts:delete"))

    assert page.status_code == 200
    assert User.objects.get(pk=alice.pk).is_active


def test_with_two_factor_on_the_code_is_needed_too(alice, alice_client, django_capture_on_commit_callbacks):
    secret = generate_totp_secret()
    TOTP.activate(alice, secret)

    assert "code" in _delete(alice_client).context["form"].errors
    assert "code" in _delete(alice_client, code="000000").context["form"].errors or totp(secret) == "000000"
    assert User.objects.get(pk=alice.pk).is_active

    with django_capture_on_commit_callbacks(execute=True):
        response = _delete(alice_client, code=totp(secret))

    assert response.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()


def _moderator():
    member = UserFactory(username="mod", is_staff=True)
    member.groups.add(Group.objects.get(name="Moderators"))
    client = Client()
    client.force_login(member)
    return client


def _admin_delete(client, member):
    return client.post(
        reverse("admin:accounts_user_changelist"), {"action": "delete_accounts", "_selected_action": [member.pk]}
    )


def test_a_moderator_deletes_a_members_account_from_the_admin(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _admin_delete(_moderator(), alice)

    assert not User.objects.filter(pk=alice.pk).exists()
    assert ReservedUsername.objects.filter(username="alice").exists()


def test_a_moderator_cannot_delete_a_staff_account_but_a_superuser_can(db, django_capture_on_commit_callbacks):
    staff = UserFactory(username="helper", is_staff=True)
    root = UserFactory(username="boss", is_staff=True, is_superuser=True)
    superuser = Client()
    superuser.force_login(root)

    with django_capture_on_commit_callbacks(execute=True):
        _admin_delete(_moderator(), staff)
    assert User.objects.get(pk=staff.pk).is_active

    with django_capture_on_commit_callbacks(execute=True):
        _admin_delete(superuser, staff)
    assert not User.objects.filter(pk=staff.pk).exists()


def test_running_the_task_twice_is_safe(alice, alice_made_everything, django_capture_on_commit_callbacks):
    from accounts.deletion import account_delete_run, account_delete_start

    with django_capture_on_commit_callbacks(execute=True):
        account_delete_start(user=alice)
        account_delete_run(user_id=alice.pk)

    assert _remaining(alice.pk) == {}


def _badges(client):
    answer = client.get(reverse("messaging:notifications"), {"since": "0"}).json()
    return {item["name"]: item["data"]["count"] for item in answer if "count" in item["data"]}


def test_a_deleted_members_messages_and_notices_leave_the_badges_of_those_they_wrote_to(
    alice, bob, charlie, alice_client, django_capture_on_commit_callbacks
):
    from accounts.deletion import account_delete_start

    message_send(sender=bob, recipient=alice, body="hi")
    message_send(sender=charlie, recipient=alice, body="hello")
    post_like(member=bob, post=post_create(author=alice, body="Tea."))
    assert _badges(alice_client) == {"unread_message_count": 2, "unread_notice_count": 1}

    with django_capture_on_commit_callbacks(execute=True):
        account_delete_start(user=bob)

    # Her inbox shows charlie's message only, and no notice: so do her badges.
    assert _badges(alice_client) == {"unread_message_count": 1, "unread_notice_count": 0}
