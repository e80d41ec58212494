"""Blocks, mutes and muted words in the timelines (PostQuerySet.for_reader): what they
hide, that the home timeline's PostgreSQL narrowing pages exactly as the plain query
with them, and that they cost no query per row (nor per block)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Block, Follow, Mute, MutedWord
from accounts.services import block_create, mute_create, muted_word_add
from accounts.tests.factories import UserFactory
from core.pagination import CursorPaginator
from posts.models import Post, timeline_narrowing
from posts.services import post_boost, post_create
from posts.tags import tag_follow
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def _home(user):
    return list(Post.objects.timeline_for(user).values_list("body", flat=True))


def test_muted_words_hide_whole_words_in_any_case_and_boosts_of_them(alice, bob):
    muted_word_add(user=bob, phrase="Spoiler")
    muted_word_add(user=bob, phrase="red  wedding")
    muted_word_add(user=bob, phrase="c++")
    for body in ["A SPOILER ahead", "spoiler!", "The Red Wedding was", "I code C++ daily"]:
        post_create(author=alice, body=body)
    kept = ["spoilers are fine", "unspoilered", "red, wedding", "I code c daily"]
    for body in kept:
        post_create(author=alice, body=body)
    charlie = UserFactory()
    Follow.objects.create(follower=bob, followed=charlie)
    post_boost(member=charlie, post=Post.objects.create(author=UserFactory(), body="big spoiler"))
    assert sorted(_home(bob)) == sorted(kept)
    # Only bob's timelines: alice still sees her posts.
    assert len(_home(alice)) == 8


def test_muted_words_leave_explore_and_tag_pages_but_not_the_post_page(alice, bob, bob_client):
    post = post_create(author=alice, body="Finale spoiler #tv")
    muted_word_add(user=bob, phrase="spoiler")
    assert "Finale spoiler" not in bob_client.get(reverse("posts:explore")).text
    assert "Finale spoiler" not in bob_client.get(reverse("posts:tag", args=["tv"])).text
    assert "Finale spoiler" in bob_client.get(post.get_absolute_url()).text


def test_a_timed_mute_ends_by_itself(alice, bob):
    post_create(author=alice, body="Back again")
    mute_create(muter=bob, muted=alice, seconds=3600)
    assert _home(bob) == []
    Mute.objects.update(expires=timezone.now() - datetime.timedelta(seconds=5))
    assert _home(bob) == ["Back again"]


def test_a_boost_by_a_muted_member_hides_neither_the_original_nor_other_boosts(alice, bob):
    """The one-entry-per-post rule must not count a muted member's newer boost: the
    post would vanish from home altogether."""
    charlie = UserFactory()
    Follow.objects.create(follower=bob, followed=charlie)
    original = post_create(author=alice, body="Worth a boost")
    post_boost(member=charlie, post=original)
    mute_create(muter=bob, muted=charlie)
    assert _home(bob) == ["Worth a boost"]


def _pages(user, narrow):
    paginator = CursorPaginator(Post.objects.timeline_for(user), per_page=4, narrow=narrow)
    page, seen = paginator.page(), []
    while True:
        seen.append([row.pk for row in page])
        if not page.has_next:
            return seen
        page = paginator.page(before=page.older_query.split("=")[1])


def test_the_narrowing_pages_exactly_as_the_plain_query_with_blocks_mutes_and_words(alice, bob, charlie):
    """On PostgreSQL the home page narrows the query per author (LATERAL): muted and
    blocked members' posts, boosts, replies and quotes and muted words must be left out
    inside it, or they would take a page's places and end the timeline early."""
    dave, erin = UserFactory(), UserFactory()
    for followed in (charlie, dave, erin):
        Follow.objects.create(follower=bob, followed=followed)
    tag_follow(user=bob, tag=post_create(author=erin, body="#cats").post_tags.get().tag)
    for i in range(10):
        post_create(author=charlie, body=f"noisy {i}")  # muted
        original = post_create(author=dave, body=f"dave {i}")  # dave: blocked by bob after
        post_boost(member=erin, post=original)
        post_create(author=erin, body=f"erin {i} {'spoiler' if i % 2 else 'fine'}")
        post_create(author=erin, body=f"to dave {i}", in_reply_to=original)
        post_create(author=erin, body=f"quoting {i}", quote_of=original)
        post_create(author=UserFactory(), body=f"#cats {i}")
        post_create(author=alice, body=f"alice {i}")
    PostFactory(author=erin)
    mute_create(muter=bob, muted=charlie)
    block_create(blocker=bob, blocked=dave)
    muted_word_add(user=bob, phrase="spoiler")

    with CaptureQueriesContext(connection) as queries:
        narrowed = _pages(bob, timeline_narrowing(bob))
    assert narrowed == _pages(bob, None)
    assert any("LATERAL" in query["sql"] for query in queries) == (connection.vendor == "postgresql")
    shown = Post.objects.filter(pk__in=[pk for page in narrowed for pk in page])
    assert shown.count() == 5 + 1 + 10 + 1 + 10  # erin's fine posts, her #cats, the tag's, her factory post, bob's
    assert not shown.filter(author__in=[charlie, dave]).exists()
    assert not shown.filter(reblog_of__author=dave).exists()
    assert not shown.filter(body__contains="spoiler").exists()


@pytest.mark.parametrize("url", [reverse("posts:home"), reverse("posts:explore"), reverse("posts:tag", args=["tea"])])
def test_blocks_mutes_and_words_cost_no_query_per_row(url, alice, bob, bob_client, django_assert_num_queries):
    for _ in range(3):
        post_create(author=alice, body="A cup #tea")
    bob_client.get(url)  # the first request may write last_seen
    with CaptureQueriesContext(connection) as queries:
        assert bob_client.get(url).status_code == 200
    baseline = len(queries)

    strangers = UserFactory.create_batch(20)
    Follow.objects.bulk_create(Follow(follower=bob, followed=member) for member in strangers)
    Block.objects.bulk_create(Block(blocker=bob, blocked=member) for member in strangers[:5])
    Block.objects.bulk_create(Block(blocker=member, blocked=bob) for member in strangers[5:10])
    Mute.objects.bulk_create(Mute(muter=bob, muted=member) for member in strangers[10:15])
    for i in range(5):
        muted_word_add(user=bob, phrase=f"word{i}")
    for member in strangers:
        post_create(author=member, body="More #tea")

    with django_assert_num_queries(baseline):
        response = bob_client.get(url)
    # The five neither blocked, blocking nor muted (home: followed; explore and tag: everyone's).
    assert response.text.count("More <a") == 5
    assert MutedWord.objects.count() == 5
