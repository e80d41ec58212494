import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory

USERS = reverse("admin:accounts_user_changelist")


@pytest.fixture
def moderator(db):
    member = UserFactory(username="mod", is_staff=True)
    member.groups.add(Group.objects.get(name="Moderators"))
    return member


@pytest.fixture
def moderator_client(moderator, client_for):
    return client_for(moderator)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def _listed(response):
    return sorted(member.username for member in response.context["cl"].result_list)


def _deactivate(client, *members):
    return client.post(USERS, {"action": "deactivate", "_selected_action": [member.pk for member in members]})


def _change_form_data(member, **changes):
    fields = {
        "username": member.username,
        "first_name": "",
        "last_name": "",
        "email": member.email,
        "is_active": "on",
        "about_me": member.about_me,
        "language": "",
    }
    return fields | changes


def test_the_moderators_group_has_exactly_the_moderation_permissions(db):
    group = Group.objects.get(name="Moderators")

    assert set(group.permissions.values_list("content_type__app_label", "codename")) == {
        ("posts", "view_post"),
        ("posts", "change_post"),
        ("posts", "delete_post"),
        ("accounts", "view_user"),
        ("accounts", "change_user"),
        ("messaging", "view_job"),
        # The moderation queue (posts.admin.ReportAdmin); the audit log stays the superusers'.
        ("posts", "view_report"),
        ("posts", "change_report"),
        # Sign-ups (accounts.signup): invites, the approval queue, blocked email domains.
        ("accounts", "view_invite"),
        ("accounts", "change_invite"),
        ("accounts", "view_signupapplication"),
        ("accounts", "change_signupapplication"),
        ("accounts", "view_emaildomainblock"),
        ("accounts", "add_emaildomainblock"),
        ("accounts", "change_emaildomainblock"),
        ("accounts", "delete_emaildomainblock"),
        ("accounts", "view_reservedusername"),
    }


@pytest.mark.parametrize(
    "url", [reverse("admin:index"), reverse("admin:posts_post_changelist"), USERS], ids=["index", "posts", "users"]
)
def test_a_moderator_opens_the_admin_pages(url, moderator_client):
    assert moderator_client.get(url).status_code == 200


def test_a_moderator_cannot_open_pages_beyond_moderation(moderator_client):
    assert moderator_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert moderator_client.get(reverse("admin:accounts_user_add")).status_code == 403


def test_a_member_who_is_not_staff_is_sent_to_the_admin_login(alice_client):
    response = alice_client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


def test_a_moderator_deactivates_members(alice, charlie, moderator_client):
    response = _deactivate(moderator_client, alice, charlie)

    assert response.status_code == 302
    assert list(User.objects.filter(is_active=False).order_by("username")) == [alice, charlie]
    assert "2 members deactivated." in moderator_client.get(USERS).content.decode()


def test_the_deactivate_action_never_deactivates_the_moderator_using_it(charlie, moderator, moderator_client):
    _deactivate(moderator_client, charlie, moderator)

    moderator.refresh_from_db()
    assert moderator.is_active
    assert moderator_client.get(USERS).status_code == 200


def test_a_moderator_cannot_deactivate_staff(moderator_client, superuser):
    other_moderator = UserFactory(is_staff=True)

    _deactivate(moderator_client, other_moderator, superuser)

    assert not User.objects.filter(is_active=False).exists()


def test_a_superuser_may_deactivate_staff(moderator, superuser, client_for):
    _deactivate(client_for(superuser), moderator)

    moderator.refresh_from_db()
    assert not moderator.is_active


def test_a_moderator_edits_a_members_profile(charlie, moderator_client):
    url = reverse("admin:accounts_user_change", args=[charlie.pk])

    response = moderator_client.post(url, _change_form_data(charlie, about_me="(removed by a moderator)"))

    assert response.status_code == 302
    charlie.refresh_from_db()
    assert charlie.about_me == "(removed by a moderator)"


def test_a_moderator_cannot_hand_out_staff_or_superuser_status(charlie, moderator_client):
    url = reverse("admin:accounts_user_change", args=[charlie.pk])

    moderator_client.post(url, _change_form_data(charlie, is_staff="on", is_superuser="on"))

    charlie.refresh_from_db()
    assert not charlie.is_staff
    assert not charlie.is_superuser


def test_a_moderator_cannot_change_a_staff_account(moderator, moderator_client, superuser):
    for member in (moderator, superuser):
        url = reverse("admin:accounts_user_change", args=[member.pk])

        response = moderator_client.post(url, _change_form_data(member, is_superuser="on", email="mine@example.com"))

        assert response.status_code == 403
        member.refresh_from_db()
        assert member.email != "mine@example.com"
    moderator.refresh_from_db()
    assert not moderator.is_superuser


def test_a_moderator_may_still_view_a_staff_account(moderator_client, superuser):
    response = moderator_client.get(reverse("admin:accounts_user_change", args=[superuser.pk]))

    assert response.status_code == 200
    assert not response.context["has_change_permission"]


def test_a_superuser_hands_out_staff_status(charlie, superuser, client_for):
    url = reverse("admin:accounts_user_change", args=[charlie.pk])

    client_for(superuser).post(url, _change_form_data(charlie, is_staff="on"))

    charlie.refresh_from_db()
    assert charlie.is_staff


def test_a_moderator_cannot_set_a_members_password(charlie, moderator_client):
    url = reverse("admin:auth_user_password_change", args=[charlie.pk])

    response = moderator_client.post(url, {"password1": "taken-over-123", "password2": "taken-over-123"})

    assert response.status_code == 403
    charlie.refresh_from_db()
    assert not charlie.check_password("taken-over-123")


def test_a_superuser_can_set_a_members_password(charlie, superuser, client_for):
    url = reverse("admin:auth_user_password_change", args=[charlie.pk])

    client_for(superuser).post(
        url, {"password1": "brand-new-pass-42", "password2": "brand-new-pass-42", "usable_password": "true"}
    )

    charlie.refresh_from_db()
    assert charlie.check_password("brand-new-pass-42")


@pytest.mark.parametrize("query", ["CHARL", "charlie@example"])
def test_the_user_list_searches_usernames_and_emails(query, alice, charlie, moderator_client):
    response = moderator_client.get(USERS, {"q": query})

    assert response.status_code == 200
    assert _listed(response) == ["charlie"]


def test_the_user_list_filters_by_activity(alice, charlie, moderator_client):
    User.objects.filter(pk=charlie.pk).update(is_active=False)

    response = moderator_client.get(USERS, {"is_active__exact": "0"})

    assert _listed(response) == ["charlie"]


def test_the_user_list_filters_by_staff_status_and_group(alice, moderator, moderator_client):
    group = Group.objects.get(name="Moderators")

    assert _listed(moderator_client.get(USERS, {"is_staff__exact": "1"})) == ["mod"]
    assert _listed(moderator_client.get(USERS, {"groups__id__exact": group.pk})) == ["mod"]


def test_the_user_list_filters_by_date_joined(alice, moderator_client):
    User.objects.filter(pk=alice.pk).update(date_joined=datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC))
    # The query string of the filter's own "Past 7 days" link, as a moderator would click it.
    changelist = moderator_client.get(USERS).context["cl"]
    date_filter = next(spec for spec in changelist.filter_specs if spec.title == "date joined")
    choices = date_filter.choices(changelist)
    past_7_days = next(choice["query_string"] for choice in choices if choice["display"] == "Past 7 days")

    response = moderator_client.get(USERS + past_7_days)

    assert response.status_code == 200
    assert _listed(response) == ["mod"]
