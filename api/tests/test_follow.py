from accounts.models import Follow
from accounts.tests.factories import UserFactory

# POST/DELETE /api/users/<id>/follow


def test_following_a_member(charlie_api, alice, charlie):
    response = charlie_api.post(f"/api/users/{alice.pk}/follow")
    assert response.status_code == 204
    assert Follow.objects.filter(follower=charlie, followed=alice).exists()


def test_following_twice_or_oneself_is_a_400(bob_api, alice, bob):
    response = bob_api.post(f"/api/users/{alice.pk}/follow/")
    assert response.status_code == 400
    assert response.json() == {"error": "Bad Request", "message": "You are already following alice."}
    response = bob_api.post(f"/api/users/{bob.pk}/follow")
    assert response.status_code == 400
    assert response.json()["message"] == "You cannot follow yourself."


def test_following_an_unknown_or_deactivated_member_is_a_404(bob_api, charlie):
    charlie.is_active = False
    charlie.save()
    assert bob_api.post(f"/api/users/{charlie.pk}/follow").status_code == 404
    assert bob_api.post("/api/users/999999/follow").status_code == 404


def test_unfollowing(bob_api, alice, bob):
    response = bob_api.delete(f"/api/users/{alice.pk}/follow")
    assert response.status_code == 204
    assert not Follow.objects.filter(follower=bob, followed=alice).exists()
    response = bob_api.delete(f"/api/users/{alice.pk}/follow/")
    assert response.status_code == 400
    assert response.json()["message"] == "You are not following alice."


def test_follow_needs_a_token_and_a_write_method(anon_api, alice_api, alice, charlie):
    assert anon_api.post(f"/api/users/{charlie.pk}/follow").status_code == 401
    assert alice_api.get(f"/api/users/{charlie.pk}/follow").status_code == 405
    assert not Follow.objects.filter(followed=charlie).exists()


def test_one_member_cannot_unfollow_for_another(charlie_api, alice, bob):
    # charlie's DELETE only ever touches charlie's own follows.
    assert charlie_api.delete(f"/api/users/{alice.pk}/follow").status_code == 400
    assert Follow.objects.filter(follower=bob, followed=alice).exists()


# GET /api/users/<id>/followers and /following


def test_followers_and_following(alice_api, alice, bob):
    followers = alice_api.get(f"/api/users/{alice.pk}/followers").json()
    assert [u["username"] for u in followers["items"]] == ["bob"]
    assert followers["_meta"]["total_items"] == 1
    following = alice_api.get(f"/api/users/{bob.pk}/following/").json()
    assert [u["username"] for u in following["items"]] == ["alice"]
    assert alice_api.get(f"/api/users/{alice.pk}/following").json()["items"] == []


def test_followers_are_newest_first_and_paginated(alice_api, alice, bob):
    for member in UserFactory.create_batch(3):
        Follow.objects.create(follower=member, followed=alice)
    data = alice_api.get(f"/api/users/{alice.pk}/followers", {"per_page": 3}).json()
    assert data["_meta"] == {"page": 1, "per_page": 3, "total_pages": 2, "total_items": 4}
    assert "bob" not in [u["username"] for u in data["items"]]
    assert data["_links"]["next"] == f"/api/users/{alice.pk}/followers?page=2&per_page=3"


def test_deactivated_followers_are_left_out(alice_api, alice, bob):
    bob.is_active = False
    bob.save()
    assert alice_api.get(f"/api/users/{alice.pk}/followers").json()["items"] == []


def test_lists_of_an_unknown_member_are_404s(alice_api):
    assert alice_api.get("/api/users/999999/followers").status_code == 404
    assert alice_api.get("/api/users/999999/following").status_code == 404


def test_lists_need_a_token(anon_api, alice):
    assert anon_api.get(f"/api/users/{alice.pk}/followers").status_code == 401
    assert anon_api.get(f"/api/users/{alice.pk}/following").status_code == 401
