"""GET /user/<username>/popover/: the HTML card static/js/popover.js shows on hover."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Follow
from accounts.tests.factories import UserFactory


def url_for(username, **params):
    url = reverse("accounts:popover", args=[username])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_it_shows_the_members_card_with_a_follow_button(alice, charlie_client):
    response = charlie_client.get(url_for("alice"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content  # a fragment, not a page
    assert "alice" in content and "I write about tea." in content
    assert response.context["member"].follower_count == 0
    assert f'action="{reverse("accounts:follow", args=["alice"])}"' in content
    assert "Last seen" in content  # set when the account was created


def test_it_counts_followers_and_offers_to_unfollow(alice, bob, bob_client):
    response = bob_client.get(url_for("alice"))

    member = response.context["member"]
    assert (member.follower_count, member.following_count, member.is_followed) == (1, 0, True)
    assert f'action="{reverse("accounts:unfollow", args=["alice"])}"' in response.content.decode()


def test_a_member_sees_no_follow_button_on_their_own_card(alice, alice_client):
    content = alice_client.get(url_for("alice")).content.decode()

    assert "/follow/" not in content and "/unfollow/" not in content


def test_the_follow_button_returns_to_the_page_it_was_pressed_on(alice, charlie_client):
    content = charlie_client.get(url_for("alice", next="/explore/?page=2")).content.decode()

    assert 'name="next" value="/explore/?page=2"' in content


def test_an_outside_next_address_is_dropped(alice, charlie_client):
    content = charlie_client.get(url_for("alice", next="https://evil.example/")).content.decode()

    assert "evil.example" not in content


def test_the_about_me_text_is_escaped(alice, charlie_client):
    alice.about_me = "<script>alert(1)</script>"
    alice.save()

    content = charlie_client.get(url_for("alice")).content.decode()

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;" in content


def test_a_deactivated_or_unknown_member_is_not_found(alice, charlie_client):
    alice.is_active = False
    alice.save()

    assert charlie_client.get(url_for("alice")).status_code == 404
    assert charlie_client.get(url_for("nobody")).status_code == 404


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_log_in(alice, client):
    assert client.get(url_for("alice")).status_code == 302


def test_post_is_not_allowed(alice, charlie_client):
    assert charlie_client.post(url_for("alice")).status_code == 405


@pytest.mark.parametrize("followers", [1, 20])
def test_it_runs_the_same_queries_whatever_the_follower_count(alice, charlie, followers, django_assert_num_queries):
    for follower in UserFactory.create_batch(followers):
        Follow.objects.create(follower=follower, followed=alice)
    client = Client()
    client.force_login(charlie)
    client.get(url_for("alice"))  # records charlie's "last seen" once

    # session, user, the member with its counts.
    with django_assert_num_queries(3):
        response = client.get(url_for("alice"))
    assert response.context["member"].follower_count == followers


def test_it_offers_a_private_message_to_others_but_not_to_oneself(alice, bob_client, alice_client):
    message_url = reverse("messaging:message-create", args=["alice"])

    assert message_url in bob_client.get(reverse("accounts:popover", args=["alice"])).content.decode()
    assert message_url not in alice_client.get(reverse("accounts:popover", args=["alice"])).content.decode()
