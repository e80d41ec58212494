"""A page of 40 statuses of every kind (replies, boosts, quotes, mentions, tags) costs
the same number of queries as a page of one, on each Mastodon timeline."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import follow_create
from accounts.tests.factories import UserFactory
from api.tests.mastodon_helpers import client_with, token_for
from posts.services import post_boost, post_create, post_like

pytestmark = pytest.mark.django_db


def fill(alice, bob, rounds: int):
    """`rounds` × 4 statuses in alice's home: a tagged post mentioning her, a reply, a
    quote and a boost, each by a different followed member."""
    for number in range(rounds):
        authors = UserFactory.create_batch(3)
        for member in authors:
            follow_create(follower=alice, followed=member)
        first = post_create(author=authors[0], body=f"post {number} #speed @{bob.username} @{alice.username}")
        post_create(author=authors[1], body=f"reply {number} #speed", in_reply_to=first)
        post_create(author=authors[2], body=f"quote {number} https://example.com/{number}", quote_of=first)
        post_like(member=alice, post=first)
        post_boost(member=authors[1], post=post_create(author=bob, body=f"boosted {number} #other"))


def count(api, path) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path)
    assert response.status_code == 200, response.content
    return len(captured), response.json()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/timelines/home?limit=40",
        "/api/v1/timelines/public?local=true&limit=40",
        "/api/v1/timelines/tag/speed?limit=40",
        "/api/v1/accounts/{bob}/statuses?limit=40",
    ],
)
def test_a_page_of_forty_statuses_costs_what_a_page_of_one_does(path, alice, bob):
    follow_create(follower=alice, followed=bob)
    api = client_with(token_for(alice))
    path = path.format(bob=bob.pk)
    # The one-status page holds a boost and a quote too: a page with any reads the boosts'
    # originals and the quoted posts in one query more (posts.models.display_related_attach),
    # however many it has. The public timeline lists no boosts, so without the quote its
    # small page lacked that constant query and only the big one paid it.
    mine = post_create(author=alice, body="mine #speed")
    post_create(author=bob, body="first #speed", quote_of=mine)
    post_boost(member=bob, post=mine)
    few, page = count(api, path)
    assert 1 <= len(page) <= 2
    fill(alice, bob, 11)
    many, page = count(api, path)
    assert len(page) >= (10 if "accounts" in path else 20)
    assert many == few, f"{few} queries for {len(page)} statuses became {many}"


@pytest.mark.parametrize("username", ["alice", "dot.and+plus", "ünïcode_名前", "at@sign-x"])
def test_urls_built_without_reverse_match_reverse(username, settings):
    from django.urls import reverse

    from api.mastodon.entities import url_for

    settings.SITE_URL = "https://example.org"
    assert url_for("posts:user", username) == "https://example.org" + reverse("posts:user", args=[username])
    expected = "https://example.org" + reverse("posts:post", args=[username, 12345])
    assert url_for("posts:post", username, 12345) == expected
    assert url_for("posts:tag", "café") == "https://example.org" + reverse("posts:tag", args=["café"])


def test_status_content_is_safe_without_a_second_sanitiser_pass(alice):
    """content_html trusts body_html (sanitised at save) and escapes old posts' bodies."""
    from posts.models import Post

    api = client_with(token_for(alice))
    hostile = '<script>alert(1)</script> <img src=x onerror=alert(2)> "quoted" #tag https://example.com/?a=<b>'
    post = post_create(author=alice, body=hostile)
    Post.objects.create(author=alice, body="<b onclick=alert(3)>old</b>")  # saved before body_html existed
    contents = [status["content"] for status in api.get(f"/api/v1/accounts/{alice.pk}/statuses").json()]
    assert len(contents) == 2 and post.body_html
    for content in contents:
        # Only Mastodon's markup is left as tags; whatever was typed is text.
        assert {name for name in re.findall(r"<\/?(\w+)", content)} <= {"p", "a", "br"}
        assert not re.search(r"<a [^>]*on\w+=", content)
    assert "&lt;script&gt;" in contents[1] and "&lt;b onclick=alert(3)&gt;" in contents[0]


def _pictured(author, body, images: int):
    from posts.models import MediaAttachment

    post = post_create(author=author, body=body)
    for position in range(images):
        MediaAttachment.objects.create(
            owner=author,
            post=post,
            position=position,
            state=MediaAttachment.State.READY,
            file=f"attachments/x/{post.pk}-{position}.webp",
            preview=f"previews/x/{post.pk}-{position}.webp",
            width=800,
            height=600,
            blurhash="LKO2?U%2Tw=w",
        )
    return post


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/timelines/home?limit=40",
        "/api/v1/timelines/public?local=true&limit=40",
        "/api/v1/accounts/{bob}/statuses?limit=40",
        "/api/v1/accounts/{bob}/statuses?limit=40&only_media=true",
    ],
)
def test_a_page_of_statuses_with_images_costs_what_a_page_of_one_does(path, alice, bob):
    follow_create(follower=alice, followed=bob)
    api = client_with(token_for(alice))
    path = path.format(bob=bob.pk)
    post_boost(member=bob, post=_pictured(alice, "mine", 1))
    _pictured(bob, "one picture", 1)
    few, page = count(api, path)
    assert page and page[0]["media_attachments"]
    for number in range(30):
        shown = _pictured(bob, f"pictures {number}", number % 4 + 1)
        if number % 5 == 0:
            post_boost(member=bob, post=shown)
    many, page = count(api, path)
    assert len(page) >= 30 and sum(len(s["media_attachments"]) for s in page) >= 60
    assert many == few, f"{few} queries for {len(page)} statuses with images became {many}"
