import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from core.pagination import cursor_encode
from posts.tests.factories import PostFactory


def _url(username):
    return reverse("posts:user", args=[username])


def _text(response):
    """The page as a reader sees it: no tags, whitespace collapsed."""
    return re.sub(r"\s+", " ", strip_tags(response.text))


def _shown(response):
    return [post.pk for post in response.context["page"]]


def test_it_lists_the_members_posts_newest_first(alice, charlie, bob_client):
    now = timezone.now()
    older = PostFactory(author=alice, created=now - timedelta(hours=2))
    newer = PostFactory(author=alice, created=now - timedelta(hours=1))
    PostFactory(author=charlie)

    response = bob_client.get(_url("alice"))

    assert response.status_code == 200
    assert _shown(response) == [newer.pk, older.pk]


def test_it_shows_counts_of_posts_followers_and_following(alice, bob, charlie_client):
    PostFactory.create_batch(2, author=alice)

    alice_page = _text(charlie_client.get(_url("alice")))
    bob_page = _text(charlie_client.get(_url("bob")))

    assert "2 posts 1 follower 0 following" in alice_page
    assert "0 posts 0 followers 1 following" in bob_page


def test_it_shows_when_the_member_was_last_seen(alice, bob_client):
    alice.last_seen = timezone.now() - timedelta(hours=3)
    alice.save()

    response = bob_client.get(_url("alice"))

    assert "Last seen 3 hours ago" in _text(response)


def test_a_member_who_never_visited_was_last_seen_when_they_joined(alice, bob_client):
    # last_seen is set at creation (issue 21, item 15), so there is no "never seen" state.
    response = bob_client.get(_url("alice"))

    assert "Last seen" in _text(response)


def test_a_stranger_gets_a_follow_button(alice, charlie_client):
    response = charlie_client.get(_url("alice"))

    assert f'action="{reverse("accounts:follow", args=["alice"])}"' in response.text
    assert reverse("accounts:unfollow", args=["alice"]) not in response.text


def test_a_follower_gets_an_unfollow_button(alice, bob_client):
    response = bob_client.get(_url("alice"))

    assert f'action="{reverse("accounts:unfollow", args=["alice"])}"' in response.text
    assert reverse("accounts:follow", args=["alice"]) not in response.text


def test_members_get_an_edit_link_on_their_own_profile(alice_client):
    response = alice_client.get(_url("alice"))

    assert f'href="{reverse("accounts:profile-edit")}"' in response.text
    assert reverse("accounts:follow", args=["alice"]) not in response.text
    assert reverse("accounts:unfollow", args=["alice"]) not in response.text


def test_other_members_get_no_edit_link(alice, bob_client):
    response = bob_client.get(_url("alice"))

    # (The layout links bob's own preferences; alice's profile offers no edit.)
    assert "Edit your profile" not in response.text


def test_the_username_ignores_case(alice, bob_client):
    response = bob_client.get(_url("ALICE"))

    assert response.status_code == 200
    assert response.context["member"] == alice


def test_an_unknown_member_is_not_found(bob_client):
    response = bob_client.get(_url("nobody"))

    assert response.status_code == 404


def test_a_deactivated_member_is_not_found(alice, bob_client):
    alice.is_active = False
    alice.save()

    response = bob_client.get(_url("alice"))

    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_log_in_on_a_members_only_site(alice, client, members_only):
    response = client.get(_url("alice"))

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={_url('alice')}"


def test_anonymous_visitors_read_a_public_sites_profiles_without_member_buttons(alice, client):
    PostFactory(author=alice, body="Hello from the public side")

    response = client.get(_url("alice"))

    assert response.status_code == 200
    text = _text(response)
    assert "Hello from the public side" in text
    assert "Log in to follow" in text
    # Nothing that only a member may do or see: no follow form, no message link, no export.
    body = response.text
    assert reverse("accounts:follow", args=["alice"]) not in body
    assert reverse("messaging:message-create", args=["alice"]) not in body
    assert reverse("posts:export") not in body
    assert "Last seen" not in text
    assert 'property="og:title" content="alice"' in body


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get_is_allowed(alice, bob_client, method):
    response = getattr(bob_client, method)(_url("alice"))

    assert response.status_code == 405


def test_about_me_is_escaped(alice, bob_client):
    alice.about_me = "<script>alert(1)</script>"
    alice.save()

    response = bob_client.get(_url("alice"))

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<script>alert(1)" not in response.text


def test_post_body_is_escaped(alice, bob_client):
    PostFactory(author=alice, body="<b>bold</b>")

    response = bob_client.get(_url("alice"))

    assert "&lt;b&gt;bold&lt;/b&gt;" in response.text


def test_the_page_size_comes_from_the_setting(settings, alice, bob_client):
    settings.PAGE_SIZE = 2
    now = timezone.now()
    oldest, middle, newest = (PostFactory(author=alice, created=now - timedelta(hours=h)) for h in (3, 2, 1))

    first_page = bob_client.get(_url("alice"))
    second_page = bob_client.get(_url("alice"), {"before": cursor_encode(middle.created, middle.pk)})

    assert _shown(first_page) == [newest.pk, middle.pk]
    assert _shown(second_page) == [oldest.pk]
    # The counts cover every post, not just the page.
    assert "3 posts" in _text(second_page)


@pytest.mark.parametrize("page_number", ["abc", "99999", "-1", "0", "2"])
def test_an_old_page_number_link_shows_the_newest_page(settings, alice, bob_client, page_number):
    settings.PAGE_SIZE = 1
    _older, newest = PostFactory.create_batch(2, author=alice)

    response = bob_client.get(_url("alice"), {"page": page_number})

    assert response.status_code == 200
    assert _shown(response) == [newest.pk]
