from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.pagination import cursor_encode
from posts.models import Post
from posts.tests.factories import PostFactory

HOME = "/"


def _shown(response):
    return [post.pk for post in response.context["page"]]


def test_home_url_is_the_site_root():
    assert reverse("posts:home") == HOME


def test_it_shows_followed_members_posts_and_not_strangers(alice, bob, charlie, bob_client):
    followed = PostFactory(author=alice, body="Sencha is underrated.")
    PostFactory(author=charlie, body="Coffee forever.")

    response = bob_client.get(HOME)

    assert response.status_code == 200
    assert _shown(response) == [followed.pk]
    assert b"Sencha is underrated." in response.content
    assert b"Coffee forever." not in response.content


def test_it_shows_the_post_form_with_a_character_counter(alice_client):
    response = alice_client.get(HOME)

    assert 'name="body"' in response.text
    assert 'data-max-length="280"' in response.text
    assert 'data-counter="post-counter"' in response.text
    assert '<span id="post-counter">280</span> characters left' in response.text


def test_form_limit_and_counter_follow_the_setting(settings, alice_client):
    settings.POST_MAX_LENGTH = 10

    response = alice_client.get(HOME)

    assert 'data-max-length="10"' in response.text
    assert '<span id="post-counter">10</span> characters left' in response.text


def test_the_post_form_follows_the_members_language_and_the_limit(settings, alice, alice_client):
    assert "Say something" in alice_client.get(HOME).text  # the empty form, now cached

    alice.language = "es"
    alice.save()
    settings.POST_MAX_LENGTH = 10
    spanish = alice_client.get(HOME).text

    assert "Di algo" in spanish and "Say something" not in spanish
    assert 'data-max-length="10"' in spanish


def test_posting_creates_a_post_by_the_logged_in_member(alice, charlie, alice_client):
    # An author field in the request is ignored: the author is whoever is logged in.
    response = alice_client.post(HOME, {"body": "  First flush Darjeeling.  ", "author": charlie.pk})

    post = Post.objects.get()
    assert (post.author, post.body) == (alice, "First flush Darjeeling.")
    assert response.status_code == 302
    assert response.url == HOME


def test_posting_flashes_a_message_after_the_redirect(alice_client):
    response = alice_client.post(HOME, {"body": "Hello"}, follow=True)

    assert response.redirect_chain == [(HOME, 302)]
    assert "Your post is now live!" in response.text
    assert b"Hello" in response.content


@pytest.mark.parametrize("body", ["", "   \n\t  "], ids=["empty", "whitespace-only"])
def test_an_empty_post_is_refused(alice_client, body):
    response = alice_client.post(HOME, {"body": body})

    assert response.status_code == 200
    assert response.context["form"].errors == {"body": ["Your post is empty."]}
    assert "Your post is empty." in response.text
    assert not Post.objects.exists()


def test_a_post_without_a_body_field_is_refused(alice_client):
    response = alice_client.post(HOME, {})

    assert response.status_code == 200
    assert "Your post is empty." in response.text
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("limit", "length", "accepted"), [(280, 280, True), (280, 281, False), (10, 10, True), (10, 11, False)]
)
def test_the_length_limit_comes_from_the_setting(settings, alice_client, limit, length, accepted):
    settings.POST_MAX_LENGTH = limit

    response = alice_client.post(HOME, {"body": "x" * length})

    assert Post.objects.exists() is accepted
    if not accepted:
        assert response.status_code == 200
        assert response.context["form"].has_error("body", "max_length")


def test_a_refused_post_keeps_the_typed_text(settings, alice_client):
    settings.POST_MAX_LENGTH = 10

    response = alice_client.post(HOME, {"body": "Much too long"})

    assert "Much too long</textarea>" in response.text


def test_a_line_break_counts_as_one_character(settings, alice, alice_client):
    # Browsers send line breaks as CRLF but count them as one character against maxlength.
    settings.POST_MAX_LENGTH = 10

    alice_client.post(HOME, {"body": "abcd\r\nefghi"})

    assert Post.objects.get().body == "abcd\nefghi"


def test_anonymous_visitors_get_the_front_door_not_a_timeline(client, db):
    response = client.get(HOME)

    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("account_login") in html and reverse("account_signup") in html
    assert 'id="compose"' not in html


def test_anonymous_posts_are_sent_to_log_in_and_not_saved(client, db):
    response = client.post(HOME, {"body": "Hello"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Post.objects.exists()


def test_posting_needs_a_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(HOME, {"body": "Hello"})

    assert response.status_code == 403
    assert not Post.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_not_allowed(alice_client, method):
    response = getattr(alice_client, method)(HOME)

    assert response.status_code == 405


def test_post_body_is_escaped(alice, alice_client):
    PostFactory(author=alice, body="<script>alert(1)</script>")

    response = alice_client.get(HOME)

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<script>alert(1)" not in response.text


def test_the_page_size_comes_from_the_setting(settings, alice, alice_client):
    settings.PAGE_SIZE = 2
    now = timezone.now()
    oldest, middle, newest = (PostFactory(author=alice, created=now - timedelta(hours=h)) for h in (3, 2, 1))

    first_page = alice_client.get(HOME)
    older = f"?before={cursor_encode(middle.created, middle.pk)}"
    second_page = alice_client.get(HOME + older)

    assert _shown(first_page) == [newest.pk, middle.pk]
    assert _shown(second_page) == [oldest.pk]
    assert f'href="{older}" rel="next"' in first_page.text
    assert f'href="?after={cursor_encode(oldest.created, oldest.pk)}" rel="prev"' in second_page.text


@pytest.mark.parametrize("page_number", ["abc", "99999", "-1", "0", "1.5", "", "2"])
def test_an_old_page_number_link_shows_the_newest_page(settings, alice, alice_client, page_number):
    settings.PAGE_SIZE = 1
    _older, newest = PostFactory.create_batch(2, author=alice)

    response = alice_client.get(HOME, {"page": page_number})

    assert response.status_code == 200
    assert _shown(response) == [newest.pk]


def test_no_pagination_when_everything_fits_one_page(alice, alice_client):
    PostFactory(author=alice)

    response = alice_client.get(HOME)

    assert 'aria-label="Pages"' not in response.text


def test_an_empty_timeline_suggests_explore(alice_client):
    response = alice_client.get(HOME)

    assert "Nothing here yet." in response.text
