"""Keyset ("older than") pages of home, explore and a profile: the pager's
links walk the whole list without gaps or repeats, back and forth, and a
hand-edited or hostile cursor never gives a 500."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Follow
from accounts.tests.factories import UserFactory
from posts.models import Post, timeline_narrowing
from posts.tests.factories import PostFactory

LISTS = ["home", "explore", "profile"]
# The pager's links: "Newer", "Older" or (on timelines) the "Load more" button, which is a link too.
LINK = re.compile(r'<a class="[^"]*(?:page-link|load-more)" href="([^"]*)" rel="(next|prev)"')


def _url(which):
    return {"home": reverse("posts:home"), "explore": reverse("posts:explore")}.get(which) or reverse(
        "posts:user", args=["alice"]
    )


def _shown(response):
    return [post.pk for post in response.context["page"]]


def _link(response, rel):
    """The href of the pager's rel="next"/"prev" link, or None."""
    links = {found_rel: href.replace("&amp;", "&") for href, found_rel in LINK.findall(response.text)}
    return links.get(rel)


def _get(client, which, query=""):
    response = client.get(_url(which) + query)
    assert response.status_code == 200
    return response


@pytest.fixture
def posts_of_alice(alice, bob):
    """Seven posts that home (bob follows alice in conftest), explore and alice's profile all list, newest first.
    Three share one instant, so only the id tells them apart."""
    now = timezone.now().replace(microsecond=500)
    same_instant = now - timedelta(minutes=5)
    created = [now - timedelta(minutes=m) for m in (1, 2, 3)] + [same_instant] * 3 + [now - timedelta(minutes=9)]
    posts = [PostFactory(author=alice, created=when) for when in created]
    # Newest first: by time, then by id among the three of the same instant.
    return sorted(posts, key=lambda post: (post.created, post.pk), reverse=True)


@pytest.mark.parametrize("which", LISTS)
def test_older_links_walk_every_post_once(settings, bob_client, posts_of_alice, which):
    settings.PAGE_SIZE = 2
    pages, query = [], ""
    while query is not None:
        response = _get(bob_client, which, query)
        pages.append(_shown(response))
        query = _link(response, "next")

    assert pages == [[post.pk for post in posts_of_alice[i : i + 2]] for i in range(0, 7, 2)]
    # The same-instant posts straddle pages 2 and 3: split on the id, none lost or repeated.
    assert len(pages) == 4


@pytest.mark.parametrize("which", LISTS)
def test_newer_links_walk_back_to_the_same_pages(settings, bob_client, posts_of_alice, which):
    settings.PAGE_SIZE = 2
    forward, query = [], ""
    while query is not None:
        response = _get(bob_client, which, query)
        forward.append((_shown(response), response))
        query = _link(response, "next")

    backward = []
    response = forward[-1][1]
    while (query := _link(response, "prev")) is not None:
        response = _get(bob_client, which, query)
        backward.append(_shown(response))

    assert backward == [shown for shown, _ in reversed(forward[:-1])]
    # The newest page has no "Newer" link and no "Newest" link.
    assert _link(forward[0][1], "prev") is None and "Newest" not in forward[0][1].text
    assert "Newest" in forward[1][1].text


def test_a_post_written_meanwhile_does_not_shift_the_older_pages(settings, alice, bob_client, posts_of_alice):
    settings.PAGE_SIZE = 2
    first = _get(bob_client, "home")
    PostFactory(author=alice)  # with ?page=2 this would push a post seen on page 1 onto page 2

    second = _get(bob_client, "home", _link(first, "next"))

    assert _shown(second) == [post.pk for post in posts_of_alice[2:4]]


def test_newer_past_the_top_shows_a_full_newest_page(settings, bob_client, posts_of_alice):
    settings.PAGE_SIZE = 3
    newest = posts_of_alice[0]
    after_the_newest = f"?after={int(newest.created.timestamp() * 1_000_000)}_{newest.pk}"

    # Only one post is newer than the second one: a short page would look like the end.
    second = posts_of_alice[1]
    response = _get(bob_client, "home", f"?after={int(second.created.timestamp() * 1_000_000)}_{second.pk}")

    assert _shown(response) == [post.pk for post in posts_of_alice[:3]]
    assert _link(response, "prev") is None
    assert _shown(_get(bob_client, "home", after_the_newest)) == _shown(response)


@pytest.mark.parametrize(
    "query",
    [
        "?before=garbage",
        "?before=%00",
        "?before=1_%00",
        "?before=" + "9" * 5000 + "_1",
        "?before=99999999999999999_1",  # year 5138
        "?before=999999999999999999_1",  # past year 9999
        "?before=-999999999999999999_1",  # before year 1
        "?before=1700000000000000_99999999999999999999",  # id past bigint
        "?before=1700000000000000_-5",
        "?before=1.5_2",
        "?before=[]&before=x",
        "?after=nonsense",
        "?after=999999999999999999_1",
        "?before=1700000000000000_1&after=1700000000000000_1",
        "?page=2",
        "?page=99999",
        "?page=abc",
    ],
)
@pytest.mark.parametrize("which", LISTS)
def test_a_hostile_or_stale_cursor_shows_a_page(settings, bob_client, posts_of_alice, which, query):
    settings.PAGE_SIZE = 2

    response = _get(bob_client, which, query)

    assert len(_shown(response)) <= 2


@pytest.mark.parametrize("query", ["?before=garbage", "?after=%00", "?page=3", "?before=999999999999999999_1"])
def test_a_cursor_that_does_not_parse_means_the_newest_page(settings, bob_client, posts_of_alice, query):
    settings.PAGE_SIZE = 2

    response = _get(bob_client, "explore", query)

    assert _shown(response) == [post.pk for post in posts_of_alice[:2]]
    assert _link(response, "prev") is None


def test_a_far_future_cursor_lists_from_the_newest_and_a_far_past_one_lists_nothing(
    settings, bob_client, posts_of_alice
):
    settings.PAGE_SIZE = 2
    year_9000 = "?before=221845392000000000_1"
    year_1 = "?before=-62135596800000000_1"

    assert _shown(_get(bob_client, "explore", year_9000)) == [post.pk for post in posts_of_alice[:2]]
    empty = _get(bob_client, "explore", year_1)
    assert _shown(empty) == []
    # Nothing to count back from: "Newer" goes to the newest page.
    assert _link(empty, "prev") == "?"


@pytest.mark.parametrize("which", ["home", "explore"])
def test_deactivated_members_posts_stay_hidden_on_every_page(settings, alice, bob, bob_client, which):
    settings.PAGE_SIZE = 2
    gone = UserFactory(is_active=False)
    Follow.objects.create(follower=bob, followed=gone)
    now = timezone.now()
    for minutes in range(6):
        PostFactory(author=gone, created=now - timedelta(minutes=minutes, seconds=30))
        PostFactory(author=alice, created=now - timedelta(minutes=minutes))

    seen, query = [], ""
    while query is not None:
        response = _get(bob_client, which, query)
        seen += _shown(response)
        query = _link(response, "next")

    assert seen == list(Post.objects.filter(author=alice).order_by("-created").values_list("pk", flat=True))


def test_home_lists_own_and_followed_posts_only_across_pages(settings, alice, bob, charlie, bob_client):
    settings.PAGE_SIZE = 2
    mine = PostFactory.create_batch(2, author=bob)
    followed = PostFactory.create_batch(3, author=alice)
    PostFactory.create_batch(3, author=charlie)

    seen, query = [], ""
    while query is not None:
        response = _get(bob_client, "home", query)
        seen += _shown(response)
        query = _link(response, "next")

    assert sorted(seen) == sorted(post.pk for post in mine + followed)


def test_the_narrowed_timeline_query_gives_the_plain_querys_page(alice, bob, charlie):
    # On PostgreSQL home asks for each followed author's newest posts (LATERAL); the page
    # must be exactly what the plain query gives, also past a cursor and newer than one.
    Follow.objects.create(follower=bob, followed=UserFactory(is_active=False))
    now = timezone.now()
    for minutes in range(12):
        PostFactory(author=[alice, bob, charlie][minutes % 3], created=now - timedelta(minutes=minutes % 5))
    plain = Post.objects.timeline_for(bob)
    narrow = timeline_narrowing(bob)
    middle = plain.order_by("-created", "-id")[3]
    key = (middle.created, middle.pk)
    cases = [
        (plain, None, True),
        (plain.filter(created__lte=key[0]).exclude(created=key[0], id__gte=key[1]), key, True),
        (plain.filter(created__gte=key[0]).exclude(created=key[0], id__lte=key[1]), key, False),
    ]
    for queryset, cursor, older in cases:
        order = ("-created", "-id") if older else ("created", "id")
        expected = list(queryset.order_by(*order)[:3])
        with CaptureQueriesContext(connection) as queries:
            got = list(narrow(queryset, key=cursor, older=older, limit=3).order_by(*order)[:3])
        assert got == expected and expected
        assert any("LATERAL" in query["sql"] for query in queries) == (connection.vendor == "postgresql")


def test_the_narrowing_pages_as_the_plain_query_when_hidden_posts_fill_a_walk(alice, bob, charlie):
    # bob's newest posts are boosts of a member who left since: the narrowing's quick
    # pass, which hides them only after each author's walk, cannot fill a page from
    # them, so it must still find bob's older post and charlie's (its thorough pass).
    from core.pagination import CursorPaginator
    from posts.services import post_boost

    Follow.objects.bulk_create([Follow(follower=alice, followed=bob), Follow(follower=alice, followed=charlie)])
    now = timezone.now()
    kept = [PostFactory(author=charlie, created=now - timedelta(hours=3))]
    kept.append(PostFactory(author=bob, created=now - timedelta(hours=2)))
    leaver = UserFactory()
    for _ in range(6):
        post_boost(member=bob, post=PostFactory(author=leaver, created=now - timedelta(hours=4)))
    leaver.is_active = False
    leaver.save()

    def pages(narrow):
        paginator = CursorPaginator(Post.objects.timeline_for(alice), per_page=1, narrow=narrow)
        page, seen = paginator.page(), []
        while True:
            seen.append([row.pk for row in page])
            if not page.has_next:
                return seen
            page = paginator.page(before=page.older_query.split("=")[1])

    assert pages(timeline_narrowing(alice)) == pages(None) == [[kept[1].pk], [kept[0].pk]]


def test_past_the_follow_limit_home_keeps_the_plain_query(monkeypatch, settings, alice, bob, bob_client):
    settings.PAGE_SIZE = 2
    PostFactory.create_batch(3, author=alice)
    PostFactory(author=bob)
    with CaptureQueriesContext(connection) as below:
        shown_below = _shown(_get(bob_client, "home"))
    monkeypatch.setattr("posts.models.LATERAL_MAX_FOLLOWED", 0)  # bob follows one: past the limit

    with CaptureQueriesContext(connection) as above:
        shown_above = _shown(_get(bob_client, "home"))

    assert shown_above == shown_below and len(shown_above) == 2
    on_postgresql = connection.vendor == "postgresql"
    assert any("LATERAL" in query["sql"] for query in below) == on_postgresql
    assert not any("LATERAL" in query["sql"] for query in above)


@pytest.mark.parametrize("which", LISTS)
def test_queries_do_not_grow_with_the_page_size_or_depth(settings, alice, bob, bob_client, which):
    for author in UserFactory.create_batch(4):
        Follow.objects.create(follower=bob, followed=author)
        PostFactory.create_batch(3, author=author)
    PostFactory.create_batch(30, author=alice)

    def queries(per_page, depth):
        settings.PAGE_SIZE = per_page
        query = ""
        for _ in range(depth):
            query = _link(_get(bob_client, which, query), "next")
        _get(bob_client, which, query)  # any once-per-interval write happens here
        with CaptureQueriesContext(connection) as captured:
            response = _get(bob_client, which, query)
        assert len(_shown(response)) == per_page
        return len(captured)

    assert queries(2, 0) == queries(20, 0) == queries(2, 5) == queries(5, 3)


@pytest.mark.parametrize("which", LISTS)
def test_no_count_query_on_the_post_lists(bob_client, posts_of_alice, which):
    with CaptureQueriesContext(connection) as captured:
        _get(bob_client, which, "?before=1900000000000000_1")

    # Django's Paginator counted the whole list with SELECT COUNT(*) AS "__count" first.
    assert [q["sql"] for q in captured if '"__count" FROM "posts_post"' in q["sql"]] == []
