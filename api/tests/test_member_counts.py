"""The API shows the same cached counts as the profile page (posts.counts), kept current."""

from posts.tests.factories import PostFactory


def api_counts(client, member) -> tuple[int, int, int]:
    data = client.get(f"/api/users/{member.pk}").json()
    return data["post_count"], data["follower_count"], data["following_count"]


def test_the_api_shows_the_same_counts_and_updates_them_at_once(alice, bob, charlie, charlie_api, alice_api):
    PostFactory(author=alice)
    assert api_counts(charlie_api, alice) == (1, 1, 0)

    alice_api.post("/api/posts", {"body": "Through the API."}, format="json")
    charlie_api.post(f"/api/users/{alice.pk}/follow")

    assert api_counts(charlie_api, alice) == (2, 2, 0)
    listed = {row["username"]: row["follower_count"] for row in charlie_api.get("/api/users").json()["items"]}
    assert listed == {"alice": 2, "bob": 0, "charlie": 0}
