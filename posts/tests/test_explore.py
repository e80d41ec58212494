from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.pagination import cursor_encode
from posts.tests.factories import PostFactory

EXPLORE = reverse("posts:explore")


def _shown(response):
    return [post.pk for post in response.context["page"]]


def test_it_lists_everyones_posts_newest_first(alice, charlie, bob_client):
    now = timezone.now()
    older = PostFactory(author=charlie, created=now - timedelta(hours=2), body="Coffee forever.")
    newer = PostFactory(author=alice, created=now - timedelta(hours=1), body="Sencha is underrated.")

    response = bob_client.get(EXPLORE)

    assert response.status_code == 200
    assert _shown(response) == [newer.pk, older.pk]
    assert response.text.index("Sencha is underrated.") < response.text.index("Coffee forever.")


def test_it_hides_posts_of_deactivated_members(alice, charlie, bob_client):
    kept = PostFactory(author=alice)
    PostFactory(author=charlie, body="Gone with my account.")
    charlie.is_active = False
    charlie.save()

    response = bob_client.get(EXPLORE)

    assert _shown(response) == [kept.pk]
    assert "Gone with my account." not in response.text


def test_it_has_no_post_form(alice_client):
    response = alice_client.get(EXPLORE)

    assert 'name="body"' not in response.text
    assert "No posts yet." in response.text


def test_post_body_is_escaped(alice, bob_client):
    PostFactory(author=alice, body="<img src=x onerror=alert(1)>")

    response = bob_client.get(EXPLORE)

    assert "&lt;img src=x onerror=alert(1)&gt;" in response.text
    assert "<img src=x" not in response.text


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(EXPLORE)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={EXPLORE}"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get_is_allowed(alice_client, method):
    response = getattr(alice_client, method)(EXPLORE)

    assert response.status_code == 405


def test_the_page_size_comes_from_the_setting(settings, alice, charlie, bob_client):
    settings.PAGE_SIZE = 2
    now = timezone.now()
    oldest = PostFactory(author=alice, created=now - timedelta(hours=3))
    middle = PostFactory(author=charlie, created=now - timedelta(hours=2))
    newest = PostFactory(author=alice, created=now - timedelta(hours=1))

    first_page = bob_client.get(EXPLORE)
    second_page = bob_client.get(EXPLORE, {"before": cursor_encode(middle.created, middle.pk)})

    assert _shown(first_page) == [newest.pk, middle.pk]
    assert _shown(second_page) == [oldest.pk]


@pytest.mark.parametrize("page_number", ["abc", "99999", "-1", "0", "2"])
def test_an_old_page_number_link_shows_the_newest_page(settings, alice, bob_client, page_number):
    settings.PAGE_SIZE = 1
    _older, newest = PostFactory.create_batch(2, author=alice)

    response = bob_client.get(EXPLORE, {"page": page_number})

    assert response.status_code == 200
    assert _shown(response) == [newest.pk]
