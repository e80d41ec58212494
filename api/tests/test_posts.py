import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from posts.models import Post
from posts.tests.factories import PostFactory


@pytest.fixture
def moderator(db):
    member = UserFactory(username="mod")
    member.groups.add(Group.objects.get(name="Moderators"))
    return member


# GET /api/posts (explore)


def test_explore_lists_everyones_posts_newest_first(charlie_api, alice, bob):
    first = PostFactory(author=alice, body="first")
    second = PostFactory(author=bob, body="second")
    data = charlie_api.get("/api/posts").json()
    assert [p["id"] for p in data["items"]] == [second.pk, first.pk]
    item = data["items"][1]
    assert item["body"] == "first" and item["language"] == ""
    assert item["author"] == {
        "id": alice.pk,
        "username": "alice",
        "_links": {"self": f"/api/users/{alice.pk}", "avatar": alice.avatar_url(128)},
    }
    assert item["_links"] == {"self": f"/api/posts/{first.pk}", "author": f"/api/users/{alice.pk}"}


def test_explore_hides_deactivated_members_posts(charlie_api, alice):
    PostFactory(author=alice)
    alice.is_active = False
    alice.save()
    assert charlie_api.get("/api/posts/").json()["items"] == []


def test_posts_need_a_token(anon_api, db):
    assert anon_api.get("/api/posts").status_code == 401
    assert anon_api.post("/api/posts", {"body": "hi"}, format="json").status_code == 401
    assert anon_api.get("/api/timeline").status_code == 401


# GET /api/timeline


def test_the_timeline_has_own_and_followed_posts(bob_api, alice, bob, charlie):
    PostFactory(author=alice, body="from alice")
    PostFactory(author=bob, body="from bob")
    PostFactory(author=charlie, body="from charlie")
    data = bob_api.get("/api/timeline").json()
    assert [p["body"] for p in data["items"]] == ["from bob", "from alice"]
    assert data["_meta"]["total_items"] == 2


# GET /api/users/<id>/posts


def test_a_members_posts(charlie_api, alice, bob):
    PostFactory(author=alice, body="mine")
    PostFactory(author=bob)
    data = charlie_api.get(f"/api/users/{alice.pk}/posts").json()
    assert [p["body"] for p in data["items"]] == ["mine"]
    assert charlie_api.get("/api/users/999999/posts").status_code == 404


# POST /api/posts


def test_posting(alice_api, alice):
    response = alice_api.post("/api/posts", {"body": "  Hello, world!  ", "author": 999}, format="json")
    assert response.status_code == 201
    post = Post.objects.get()
    assert post.author == alice and post.body == "Hello, world!"
    assert response["Location"] == f"/api/posts/{post.pk}"
    assert response.json()["id"] == post.pk


@pytest.mark.parametrize("payload", [{}, {"body": ""}, {"body": "   "}, {"body": None}, {"body": ["a"]}, []])
def test_an_empty_or_odd_post_is_a_400(alice_api, alice, payload):
    response = alice_api.post("/api/posts/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["error"] == "Bad Request"
    assert not Post.objects.exists()


def test_the_length_limit_comes_from_the_setting(alice_api, alice, settings):
    settings.POST_MAX_LENGTH = 10
    assert alice_api.post("/api/posts", {"body": "x" * 11}, format="json").status_code == 400
    assert alice_api.post("/api/posts", {"body": "x" * 10}, format="json").status_code == 201


def test_posting_with_the_session_needs_the_csrf_token(alice):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/api/posts", {"body": "hello"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"] == "Forbidden"
    assert "CSRF" in response.json()["message"]
    assert not Post.objects.exists()
    # Reading with the session works: the browsable API.
    assert client.get("/api/posts").status_code == 200


def test_the_browsable_api_answers_a_logged_in_browser(alice_client):
    response = alice_client.get("/api/posts", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert "text/html" in response["Content-Type"]


# GET and DELETE /api/posts/<id>


def test_a_post(charlie_api, alice):
    post = PostFactory(author=alice)
    assert charlie_api.get(f"/api/posts/{post.pk}").json()["id"] == post.pk
    assert charlie_api.get("/api/posts/999999").status_code == 404


def test_the_author_deletes_their_post(alice_api, alice):
    post = PostFactory(author=alice)
    assert alice_api.delete(f"/api/posts/{post.pk}").status_code == 204
    assert not Post.objects.exists()
    assert alice_api.delete(f"/api/posts/{post.pk}/").status_code == 404


def test_another_member_cannot_delete_a_post(bob_api, alice):
    post = PostFactory(author=alice)
    response = bob_api.delete(f"/api/posts/{post.pk}")
    assert response.status_code == 403
    assert response.json() == {"error": "Forbidden", "message": "You can only delete your own posts."}
    assert Post.objects.filter(pk=post.pk).exists()


def test_a_moderator_deletes_any_post(api_client_for, moderator, alice):
    post = PostFactory(author=alice)
    assert api_client_for(moderator).delete(f"/api/posts/{post.pk}").status_code == 204
    assert not Post.objects.exists()


def test_posts_cannot_be_edited(alice_api, alice):
    post = PostFactory(author=alice, body="original")
    assert alice_api.put(f"/api/posts/{post.pk}", {"body": "changed"}, format="json").status_code == 405
    assert alice_api.patch(f"/api/posts/{post.pk}", {"body": "changed"}, format="json").status_code == 405
    post.refresh_from_db()
    assert post.body == "original"
