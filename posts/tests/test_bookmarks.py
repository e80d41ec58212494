"""The bookmark button on posts (POST only, JSON for post-actions.js, a redirect back
without JavaScript) and the /bookmarks/ page: the member's own, newest bookmarked first,
keyset-paged, one query for the page's posts whatever their number."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import block_create
from posts.models import Bookmark
from posts.services import post_bookmark, post_create, post_delete

BOOKMARKS = reverse("posts:bookmarks")
JSON = {"Accept": "application/json"}


def _bookmark_url(post):
    return reverse("posts:bookmark", args=[post.pk])


def test_the_button_bookmarks_and_unbookmarks_in_place(alice, bob, bob_client):
    post = post_create(author=alice, body="Keep this")

    answer = bob_client.post(_bookmark_url(post), headers=JSON).json()
    assert answer["bookmarked"] is True and answer["id"] == post.pk
    assert bob_client.post(_bookmark_url(post), headers=JSON).json()["bookmarked"] is True  # twice is once
    assert Bookmark.objects.filter(member=bob, post=post).count() == 1

    answer = bob_client.post(reverse("posts:unbookmark", args=[post.pk]), headers=JSON).json()
    assert answer["bookmarked"] is False
    assert not Bookmark.objects.exists()


def test_without_javascript_the_form_post_redirects_back_to_the_post(alice, bob, bob_client):
    post = post_create(author=alice, body="Keep this")

    response = bob_client.post(_bookmark_url(post), {"next": "/explore/", "anchor": str(post.pk)})

    assert response.status_code == 302 and response["Location"] == f"/explore/#post-{post.pk}"
    assert Bookmark.objects.filter(member=bob, post=post).exists()


def test_get_is_405_and_anonymous_goes_to_log_in(alice, bob_client, client):
    post = post_create(author=alice, body="Keep this")

    assert bob_client.get(_bookmark_url(post)).status_code == 405
    response = client.post(_bookmark_url(post))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(BOOKMARKS)["Location"].startswith("/accounts/login/")
    assert not Bookmark.objects.exists()


def test_a_missing_deleted_or_blocked_post_is_404(alice, bob, charlie, bob_client):
    deleted = post_create(author=alice, body="Gone soon")
    post_delete(post=deleted)
    blocker = post_create(author=charlie, body="Blocked")
    block_create(blocker=charlie, blocked=bob)

    for pk in (deleted.pk, blocker.pk, 999_999):
        assert bob_client.post(reverse("posts:bookmark", args=[pk])).status_code == 404
    assert not Bookmark.objects.exists()


def test_posts_show_the_readers_own_bookmark_state(alice, bob, bob_client, alice_client):
    post = post_create(author=alice, body="Keep this")
    post_bookmark(member=bob, post=post)

    mine = bob_client.get(post.get_absolute_url()).content.decode()
    theirs = alice_client.get(post.get_absolute_url()).content.decode()

    assert "is-bookmarked" in mine and "is-bookmarked" not in theirs
    assert 'data-action="bookmark"' in theirs and 'data-action="unbookmark"' in theirs  # CSS shows one


def test_the_page_lists_the_members_bookmarks_newest_bookmarked_first(alice, bob, charlie, bob_client):
    old, new, hidden, gone = (post_create(author=alice, body=text) for text in ("old post", "new", "x", "y"))
    others = post_create(author=charlie, body="Charlie's")
    now = timezone.now()
    # Bookmarked in the other order from when they were written.
    for minutes, post in ((1, new), (2, old), (3, hidden), (4, gone)):
        Bookmark.objects.create(member=bob, post=post, created=now + timedelta(minutes=minutes))
    Bookmark.objects.create(member=charlie, post=others)
    post_delete(post=gone)
    # One more goes out of sight by a block: charlie's, once charlie blocks bob.
    Bookmark.objects.filter(post=hidden).update(post=post_create(author=charlie, body="by the blocker"))
    block_create(blocker=charlie, blocked=bob)

    response = bob_client.get(BOOKMARKS)

    assert response.status_code == 200
    assert [post.body for post in response.context["page"]] == ["old post", "new"]
    html = response.content.decode()
    assert "Charlie" not in html and 'aria-current="page"' in html and reverse("posts:bookmarks") in html


def test_the_page_is_keyset_paged_and_empty_says_so(alice, bob, bob_client, settings):
    settings.PAGE_SIZE = 2
    assert "No bookmarks yet" in bob_client.get(BOOKMARKS).content.decode()
    posts = [post_create(author=alice, body=f"post {number}") for number in range(3)]
    for post in posts:
        post_bookmark(member=bob, post=post)

    first = bob_client.get(BOOKMARKS)
    older = bob_client.get(BOOKMARKS + first.context["page"].older_query)

    assert [post.body for post in first.context["page"]] == ["post 2", "post 1"]
    assert [post.body for post in older.context["page"]] == ["post 0"]


@pytest.mark.parametrize("count", [1, 20])
def test_the_page_costs_the_same_queries_for_one_bookmark_or_a_full_page(
    alice, bob, bob_client, count, django_assert_num_queries
):
    for number in range(count):
        post = post_create(author=alice, body=f"post {number} #tea @bob")
        reply = post_create(author=alice, body="a reply", in_reply_to=post)
        post_bookmark(member=bob, post=reply if number % 2 else post)
    bob_client.get(BOOKMARKS)  # warm the caches (sessions, counts) both runs share

    with django_assert_num_queries(QUERIES):
        response = bob_client.get(BOOKMARKS)

    assert len(response.context["page"].object_list) == count


# Session, member, the bookmark rows, their posts, the navbar's notifications, the page's
# images, the reader's state (likes, boosts, bookmarks in one); the sidebar's suggestions
# come from the cache the first visit filled.
QUERIES = 7
