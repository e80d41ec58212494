"""API: a tag's posts, following tags, the followed tags, notices and marking them read."""

from accounts.tests.factories import UserFactory
from messaging.models import Notice
from posts.models import FollowedTag
from posts.services import post_create


def test_a_tags_posts_newest_first_with_html(alice, bob_api):
    post_create(author=alice, body="one #Tea")
    newest = post_create(author=alice, body="two #tea https://example.com")

    data = bob_api.get("/api/tags/TEA/posts").json()

    assert [item["id"] for item in data["items"]] == [newest.pk, newest.pk - 1]
    assert data["_meta"]["total_items"] == 2
    assert 'rel="nofollow noopener ugc"' in data["items"][0]["html"]


def test_unknown_or_invalid_tags_are_404(bob_api):
    assert bob_api.get("/api/tags/nothing/posts").status_code == 404
    assert bob_api.get("/api/tags/12/posts").json()["error"] == "Not Found"


def test_follow_unfollow_and_list_followed_tags(bob, bob_api):
    assert bob_api.post("/api/tags/Tea/follow").status_code == 204
    assert bob_api.post("/api/tags/tea/follow").status_code == 204  # twice is once
    assert FollowedTag.objects.count() == 1
    items = bob_api.get("/api/followed_tags").json()["items"]
    assert items == [
        {
            "name": "tea",
            "_links": {"self": "/tags/tea/", "posts": "/api/tags/tea/posts", "follow": "/api/tags/tea/follow"},
        }
    ]
    assert bob_api.delete("/api/tags/tea/follow").status_code == 204
    assert bob_api.get("/api/followed_tags").json()["items"] == []
    assert bob_api.delete("/api/tags/never/follow").status_code == 404


def test_a_post_with_a_too_long_hashtag_is_a_400(alice_api):
    response = alice_api.post("/api/posts", {"body": "#" + "x" * 150}, format="json")
    assert response.status_code == 400 and "at most 100 characters" in response.json()["message"]


def test_notices_list_kinds_actors_and_posts_and_mark_read(alice, charlie, alice_api, anon_api):
    post = post_create(author=charlie, body="hi @alice")

    data = alice_api.get("/api/notices").json()

    [item] = data["items"]
    assert item["kind"] == "mention" and item["actor"]["username"] == "charlie" and not item["read"]
    assert item["post"]["id"] == post.pk
    assert alice_api.get("/api/notices", {"filter": "bogus"}).status_code == 400
    assert alice_api.post("/api/notices/read").status_code == 204
    assert Notice.objects.get().read
    assert anon_api.get("/api/notices").status_code == 401


def test_notices_list_is_constant_in_queries(alice, alice_api, django_assert_num_queries):
    post_create(author=UserFactory(), body="@alice 1")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        alice_api.get("/api/notices")
    for member in UserFactory.create_batch(9):
        post_create(author=member, body="@alice more")
    with django_assert_num_queries(len(one)):
        assert len(alice_api.get("/api/notices").json()["items"]) == 10
