"""Search: a "#tag" query opens the tag's page; "@name" lists members by username."""

from accounts.tests.factories import UserFactory


def test_a_hashtag_query_goes_to_the_tag_page(alice_client):
    response = alice_client.get("/search/", {"q": " #Café "})
    assert response.status_code == 302 and response["Location"] == "/tags/caf%C3%A9/"


def test_a_name_query_finds_people_by_username_exact_first(alice, alice_client):
    UserFactory(username="erika")
    UserFactory(username="erik")
    closed = UserFactory(username="erikson")
    closed.is_active = False
    closed.save()

    response = alice_client.get("/search/", {"q": "@ERIK"})

    assert [member.username for member in response.context["people"]] == ["erik", "erika"]


def test_a_name_nobody_has_says_so(alice_client):
    assert "Nobody has a username like that." in alice_client.get("/search/", {"q": "@zzz"}).text
