"""Replies, likes, boosts, quotes, edits and deletion: the services, the timeline
rules and the HTML views (issue 16)."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import Follow
from accounts.tests.factories import UserFactory
from messaging.models import Notice
from posts.models import Like, Post
from posts.services import (
    PostError,
    post_boost,
    post_create,
    post_delete,
    post_edit,
    post_like,
    post_unboost,
    post_unlike,
)
from posts.tests.factories import PostFactory


def fresh(post):
    return Post.objects.get(pk=post.pk)


# --- services ------------------------------------------------------------------------------


def test_a_reply_counts_and_notifies_the_parent_author(alice, bob):
    parent = PostFactory(author=alice)

    reply = post_create(author=bob, body="Indeed!", in_reply_to=parent)

    assert fresh(parent).reply_count == 1
    assert reply.in_reply_to_author == alice
    assert Notice.objects.filter(recipient=alice, actor=bob, kind="reply", subject_id=reply.pk).exists()


def test_replying_to_a_deleted_post_is_refused(alice, bob):
    parent = PostFactory(author=alice)
    post_delete(post=parent)

    with pytest.raises(PostError):
        post_create(author=bob, body="Hello?", in_reply_to=fresh(parent))
    assert not Post.objects.filter(author=bob).exists()


def test_liking_twice_is_one_like_and_unliking_takes_the_notice_back(alice, bob):
    post = PostFactory(author=alice)

    assert post_like(member=bob, post=post) is True
    assert post_like(member=bob, post=post) is False
    assert fresh(post).like_count == 1
    assert Notice.objects.filter(recipient=alice, kind="like").count() == 1

    post_unlike(member=bob, post=post)
    post_unlike(member=bob, post=post)
    assert fresh(post).like_count == 0
    assert not Notice.objects.filter(kind="like").exists()


def test_the_database_refuses_a_second_like_or_boost(alice, bob):
    post = PostFactory(author=alice)
    Like.objects.create(member=bob, post=post)
    PostFactory(author=bob, body="", reblog_of=post)
    with pytest.raises(IntegrityError), transaction.atomic():
        Like.objects.create(member=bob, post=post)
    with pytest.raises(IntegrityError), transaction.atomic():
        PostFactory(author=bob, body="", reblog_of=post)


def test_boosting_is_idempotent_and_acts_on_the_original(alice, bob, charlie):
    post = PostFactory(author=alice)
    post_boost(member=bob, post=post)
    boost = Post.objects.get(author=bob, reblog_of=post)

    post_boost(member=charlie, post=boost)  # boosting a boost boosts the original
    post_boost(member=charlie, post=post)

    assert fresh(post).boost_count == 2
    post_unboost(member=bob, post=post)
    assert fresh(post).boost_count == 1
    assert not Post.objects.filter(pk=boost.pk).exists()


def test_editing_keeps_the_old_text(alice):
    post = PostFactory(author=alice, body="teh first")

    post_edit(post=post, body="the first")

    post = fresh(post)
    assert post.body == "the first" and post.edited is not None
    assert [revision.body for revision in post.revisions.all()] == ["teh first"]


def test_deleting_keeps_a_tombstone_and_everything_consistent(alice, bob, charlie):
    parent = PostFactory(author=charlie)
    post = post_create(author=alice, body="soon gone", in_reply_to=parent)
    answer = post_create(author=bob, body="an answer", in_reply_to=post)
    quote = post_create(author=bob, body="look", quote_of=post)
    post_like(member=bob, post=post)
    post_boost(member=bob, post=post)

    post_delete(post=post)
    post_delete(post=fresh(post))  # twice is once

    post = fresh(post)
    assert post.deleted is not None and post.body == ""
    assert fresh(parent).reply_count == 0
    assert post.like_count == post.boost_count == 0
    assert not Post.objects.filter(reblog_of=post).exists()
    assert fresh(answer).in_reply_to_id == post.pk
    assert fresh(quote).quote_of_id == post.pk
    assert not Notice.objects.filter(subject_id=post.pk).exists()
    assert not Post.objects.visible().filter(pk=post.pk).exists()


# --- timelines -----------------------------------------------------------------------------


def test_home_shows_each_boosted_post_once_at_its_newest_boost(alice, bob, charlie):
    dave = UserFactory()
    Follow.objects.create(follower=alice, followed=dave)
    Follow.objects.create(follower=alice, followed=charlie)
    post = PostFactory(author=UserFactory())
    post_boost(member=charlie, post=post)
    post_boost(member=dave, post=post)

    home = list(Post.objects.timeline_for(alice))

    assert [(row.author, row.reblog_of_id) for row in home] == [(dave, post.pk)]


def test_home_hides_an_original_boosted_later_by_someone_followed(alice, bob, charlie):
    Follow.objects.create(follower=alice, followed=charlie)
    post = PostFactory(author=bob)
    Follow.objects.create(follower=alice, followed=bob)
    post_boost(member=charlie, post=post)

    assert [row.reblog_of_id for row in Post.objects.timeline_for(alice)] == [post.pk]


def test_home_shows_replies_only_when_following_both_sides(alice, bob, charlie):
    Follow.objects.create(follower=alice, followed=bob)
    stranger_post = PostFactory(author=charlie)
    to_stranger = post_create(author=bob, body="to a stranger", in_reply_to=stranger_post)
    own = PostFactory(author=alice)
    to_alice = post_create(author=bob, body="to alice", in_reply_to=own)
    to_self = post_create(author=bob, body="thread", in_reply_to=to_alice)

    home = set(Post.objects.timeline_for(alice))

    assert to_stranger not in home
    # bob answering himself is a reply to someone alice follows.
    assert {to_alice, own, to_self} <= home


def test_explore_lists_only_originals(alice, bob_client, bob):
    original = PostFactory(author=alice, body="the original")
    post_create(author=bob, body="a reply here", in_reply_to=original)
    post_boost(member=bob, post=original)

    response = bob_client.get(reverse("posts:explore"))

    assert "the original" in response.text and "a reply here" not in response.text
    assert "post-boosted" not in response.text and response.text.count("<article") == 1


# --- views ---------------------------------------------------------------------------------


def test_the_post_page_shows_thread_and_replies(alice, bob, client):
    root = PostFactory(author=alice, body="root post")
    middle = post_create(author=bob, body="middle post", in_reply_to=root)
    post_create(author=alice, body="last post", in_reply_to=middle)
    post_delete(post=root)

    response = client.get(reverse("posts:post", args=[bob.username, middle.pk]))  # anonymous may read

    assert response.status_code == 200
    text = response.text
    assert "This post was deleted." in text and "middle post" in text and "last post" in text
    assert 'property="og:description" content="middle post"' in text


def test_the_post_page_of_a_deleted_or_missing_post_is_404(alice, client):
    post = PostFactory(author=alice)
    post_delete(post=post)
    assert client.get(reverse("posts:post", args=["alice", post.pk])).status_code == 404
    assert client.get(reverse("posts:post", args=["alice", 999999])).status_code == 404
    other = PostFactory()
    assert client.get(reverse("posts:post", args=["alice", other.pk])).status_code == 404


def test_the_profile_answers_at_the_at_address(alice, bob_client):
    assert bob_client.get("/@alice/").status_code == 200


def test_like_without_javascript_redirects_back(alice, bob_client):
    post = PostFactory(author=alice)

    response = bob_client.post(reverse("posts:like", args=[post.pk]), {"next": "/explore/?x=1", "anchor": post.pk})

    assert response.status_code == 302 and response["Location"] == f"/explore/?x=1#post-{post.pk}"
    assert fresh(post).like_count == 1


def test_like_refuses_a_next_on_another_site(alice, bob_client):
    post = PostFactory(author=alice)
    response = bob_client.post(reverse("posts:like", args=[post.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == post.get_absolute_url()


def test_like_with_javascript_answers_json(alice, bob_client):
    post = PostFactory(author=alice)

    response = bob_client.post(reverse("posts:boost", args=[post.pk]), headers={"Accept": "application/json"})

    assert response.json() == {
        "id": post.pk,
        "liked": False,
        "boosted": True,
        "bookmarked": False,
        "like_count": 0,
        "boost_count": 1,
        "reply_count": 0,
    }


@pytest.mark.parametrize("name", ["like", "unlike", "boost", "unboost", "reply"])
def test_actions_refuse_get_and_anonymous(name, alice, bob_client, client):
    post = PostFactory(author=alice)
    url = reverse(f"posts:{name}", args=[post.pk])
    assert bob_client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["like", "boost"])
def test_acting_on_a_deleted_missing_or_hidden_post_is_404(name, alice, bob_client):
    deleted = PostFactory(author=alice)
    post_delete(post=deleted)
    hidden = PostFactory(author=UserFactory(is_active=False))
    for pk in (deleted.pk, hidden.pk, 999999):
        assert bob_client.post(reverse(f"posts:{name}", args=[pk])).status_code == 404
    assert not Like.objects.exists() and not Post.objects.filter(reblog_of__isnull=False).exists()


def test_reply_from_the_post_page(alice, bob_client):
    post = PostFactory(author=alice)
    response = bob_client.post(reverse("posts:reply", args=[post.pk]), {"body": "Nice one"})
    reply = Post.objects.get(in_reply_to=post)
    assert response["Location"] == f"{post.get_absolute_url()}#post-{reply.pk}"


def test_an_empty_reply_shows_the_error(alice, bob_client):
    post = PostFactory(author=alice)
    response = bob_client.post(reverse("posts:reply", args=[post.pk]), {"body": "  "})
    assert response.status_code == 400 and "Your post is empty." in response.text


def test_a_reply_to_a_deleted_post_is_refused_with_a_message(alice, bob_client):
    post = PostFactory(author=alice)
    post_delete(post=post)
    response = bob_client.post(reverse("posts:reply", args=[post.pk]), {"body": "hi"}, follow=True)
    assert "can&#x27;t be answered" in response.text
    assert not Post.objects.filter(in_reply_to=post).exists()


def test_quote_shows_a_card_and_unavailable_once_deleted(alice, bob, bob_client):
    quoted = PostFactory(author=alice, body="quotable words")
    bob_client.post(reverse("posts:quote", args=[quoted.pk]), {"body": "so true"})
    quote = Post.objects.get(quote_of=quoted)
    assert Notice.objects.filter(recipient=alice, kind="quote", subject_id=quote.pk).exists()
    assert "quotable words" in bob_client.get(reverse("posts:home")).text

    post_delete(post=quoted)

    text = bob_client.get(reverse("posts:home")).text
    assert "This post is unavailable." in text and "quotable words" not in text


def test_edit_own_post_and_see_the_history(alice, alice_client):
    post = PostFactory(author=alice, body="frist")
    response = alice_client.post(reverse("posts:edit", args=[post.pk]), {"body": "first"})
    assert response.status_code == 302
    page = alice_client.get(post.get_absolute_url()).text
    assert "first" in page and "edited" in page
    history = alice_client.get(reverse("posts:history", args=["alice", post.pk])).text
    assert "frist" in history and "first" in history


def test_edit_keeps_the_length_limit(alice, alice_client, settings):
    post = PostFactory(author=alice, body="short")
    response = alice_client.post(reverse("posts:edit", args=[post.pk]), {"body": "x" * (settings.POST_MAX_LENGTH + 1)})
    assert response.status_code == 200 and fresh(post).body == "short"


def test_nobody_else_may_edit_or_delete(alice, bob_client):
    post = PostFactory(author=alice)
    for name in ("edit", "delete"):
        assert bob_client.get(reverse(f"posts:{name}", args=[post.pk])).status_code == 403
        assert bob_client.post(reverse(f"posts:{name}", args=[post.pk]), {"body": "x"}).status_code == 403
    post_delete(post=post)
    assert bob_client.get(reverse("posts:edit", args=[post.pk])).status_code == 404


def test_delete_asks_first_then_deletes(alice, alice_client):
    post = PostFactory(author=alice)
    url = reverse("posts:delete", args=[post.pk])
    assert "Delete your post?" in alice_client.get(url).text
    assert fresh(post).deleted is None

    response = alice_client.post(url, {"next": post.get_absolute_url()})

    assert response["Location"] == reverse("posts:home") and fresh(post).deleted is not None


def test_the_reader_state_is_not_in_the_shared_html(alice, bob, bob_client, charlie_client):
    post = PostFactory(author=alice)
    post_like(member=bob, post=post)

    bob_page = bob_client.get(reverse("posts:explore")).text
    charlie_page = charlie_client.get(reverse("posts:explore")).text

    assert "is-liked" in bob_page and "is-liked" not in charlie_page


def test_the_postgresql_narrowing_pages_exactly_as_the_plain_query(alice, bob, charlie):
    from core.pagination import CursorPaginator
    from posts.models import timeline_narrowing

    dave = UserFactory()
    for followed in (bob, charlie):
        Follow.objects.create(follower=alice, followed=followed)
    for i in range(12):
        original = PostFactory(author=[dave, bob, alice][i % 3])
        post_boost(member=charlie, post=original)
        if i % 2:
            post_boost(member=bob, post=original)
        post_create(author=bob, body="reply", in_reply_to=original)
        post_create(author=charlie, body="to dave", in_reply_to=PostFactory(author=dave))
    post_delete(post=PostFactory(author=bob))

    def pages(narrow):
        paginator = CursorPaginator(Post.objects.timeline_for(alice), per_page=5, narrow=narrow)
        page, seen = paginator.page(), []
        while True:
            seen.append([row.pk for row in page])
            if not page.has_next:
                return seen
            page = paginator.page(before=page.older_query.split("=")[1])

    assert pages(timeline_narrowing(alice)) == pages(None)


def test_the_newest_replies_page_asks_the_stream_for_new_replies(alice, bob, bob_client, settings):
    settings.PAGE_SIZE = 2
    post = post_create(author=alice, body="Tea?")
    for number in range(3):
        post_create(author=bob, body=f"Answer {number}", in_reply_to=post)

    newest = bob_client.get(post.get_absolute_url()).content.decode()
    older_link = re.search(r'href="(\?before=[^"]+)"', newest).group(1).replace("&amp;", "&")
    older = bob_client.get(post.get_absolute_url() + older_link).content.decode()

    assert f'data-live-timeline="replies:{post.pk}"' in newest
    assert 'data-one="1 new reply"' in newest
    # stream.js takes each reply with its branch, and the count above them, from a fresh copy.
    assert newest.count('class="reply-branch" id="branch-') == 2
    assert 'id="reply-count" data-live-replace>3 replies<' in newest
    # Further down the thread nothing new arrives on top.
    assert "data-live-timeline" not in older and "new-posts" not in older
