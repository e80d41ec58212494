"""/@<name>/followers/ and /following/: paginated, a follow button on each row, one
query for the reader's follow state per page, linked from the profile's counts."""

from accounts.models import Follow
from accounts.tests.factories import UserFactory


def test_the_profile_counts_link_to_the_lists(alice, bob, bob_client):
    page = bob_client.get("/@alice/").text
    assert 'href="/@alice/followers/"' in page and 'href="/@alice/following/"' in page


def test_followers_are_listed_with_a_follow_button_that_comes_back(alice, bob, charlie, alice_client):
    bob.display_name = "Bob Builder"
    bob.save()
    page = alice_client.get("/@alice/followers/").text
    assert "Bob Builder" in page and "@bob" in page
    assert 'action="/user/bob/follow/"' in page
    response = alice_client.post("/user/bob/follow/", {"next": "/@alice/followers/"})
    assert response["Location"] == "/@alice/followers/"
    assert 'action="/user/bob/unfollow/"' in alice_client.get("/@alice/followers/").text


def test_following_lists_whom_the_member_follows(alice, bob, charlie, charlie_client):
    page = charlie_client.get("/@bob/following/").text
    assert "@alice" in page and 'action="/user/alice/follow/"' in page
    assert "Not following anyone yet." in charlie_client.get("/@charlie/following/").text


def test_a_long_list_is_paged_and_costs_the_same_queries(alice, alice_client, settings, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_SIZE = 10
    Follow.objects.bulk_create([Follow(follower=UserFactory(), followed=alice) for _ in range(3)])
    with CaptureQueriesContext(connection) as few:
        alice_client.get("/@alice/followers/")
    Follow.objects.bulk_create([Follow(follower=UserFactory(), followed=alice) for _ in range(20)])
    with django_assert_max_num_queries(len(few)):
        page = alice_client.get("/@alice/followers/").text
    assert page.count('class="d-flex align-items-center gap-3 py-2 border-bottom"') == 10
    assert "Page 1 of 3" in page
    assert alice_client.get("/@alice/followers/?page=3").text.count("py-2 border-bottom") == 3


def test_lists_of_unknown_or_closed_accounts_are_404(alice, bob, alice_client):
    bob.is_active = False
    bob.save()
    assert alice_client.get("/@bob/followers/").status_code == 404
    assert alice_client.get("/@nobody/following/").status_code == 404
    # A closed account is not listed among followers either.
    assert "@bob" not in alice_client.get("/@alice/followers/").text


def test_the_lists_need_a_login(alice, client):
    assert client.get("/@alice/followers/").status_code == 302
