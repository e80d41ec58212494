"""Posts on timelines are rendered once and then served from the cache
(posts.templatetags.post_list); whatever a reader would see change is part of the key."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from posts.models import Post
from posts.tests.factories import PostFactory

EXPLORE = reverse("posts:explore")
POST_TEMPLATE = "posts/_post.html"


def _post_renders(response) -> int:
    return [template.name for template in response.templates].count(POST_TEMPLATE)


def _posts_section(response) -> str:
    return re.search(r'<section aria-label="Posts">.*?</section>', response.text, re.S)[0]


def test_a_second_visit_renders_no_post_again(alice, bob_client):
    PostFactory.create_batch(3, author=alice)

    first = bob_client.get(EXPLORE)
    second = bob_client.get(EXPLORE)

    assert _post_renders(first) == 3
    assert _post_renders(second) == 0
    assert _posts_section(second) == _posts_section(first)
    assert _posts_section(second).count("<article") == 3


def test_only_the_new_post_is_rendered_when_one_arrives(alice, bob_client):
    PostFactory.create_batch(2, author=alice, created=timezone.now() - timedelta(hours=1))
    bob_client.get(EXPLORE)

    PostFactory(author=alice, body="Fresh off the press.")
    response = bob_client.get(EXPLORE)

    assert _post_renders(response) == 1
    assert "Fresh off the press." in response.text


def test_an_edited_body_and_a_renamed_author_show_at_once(alice, bob_client):
    post = PostFactory(author=alice, body="Before the moderator.")
    bob_client.get(EXPLORE)

    Post.objects.filter(pk=post.pk).update(body="After the moderator.")
    alice.username = "alice_renamed"
    alice.save()
    response = bob_client.get(EXPLORE)

    assert "After the moderator." in response.text and "Before the moderator." not in response.text
    assert 'href="/user/alice_renamed/"' in response.text
    assert 'href="/user/alice/"' not in response.text


def test_each_reader_language_gets_its_own_copy(alice, bob, bob_client, client_for, charlie):
    PostFactory(author=alice, created=timezone.now() - timedelta(days=3))
    charlie.language = "es"
    charlie.save()

    english = bob_client.get(EXPLORE)
    spanish = client_for(charlie).get(EXPLORE)

    assert "3\xa0days ago" in english.text
    assert "hace 3\xa0días" in spanish.text
    assert _post_renders(spanish) == 1


def test_the_cache_can_be_turned_off(alice, bob_client, settings):
    settings.POST_HTML_CACHE_SECONDS = 0
    PostFactory(author=alice)

    bob_client.get(EXPLORE)

    assert _post_renders(bob_client.get(EXPLORE)) == 1
