"""Following without a reload: htmx posts the same form and gets the button (or the
suggestion) back in its new state; without JavaScript the form posts and redirects."""

from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import Follow

HTMX = {"HX-Request": "true"}


def test_htmx_follow_answers_with_the_unfollow_button_and_no_flash(alice, charlie, charlie_client):
    response = charlie_client.post(reverse("accounts:follow", args=["alice"]), {"next": "/explore/"}, headers=HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # a fragment, not a page
    assert reverse("accounts:unfollow", args=["alice"]) in html and ">Unfollow</button>" in html
    assert Follow.objects.filter(follower=charlie, followed=alice).exists()
    # The button says it; no message waits for the next page.
    assert list(get_messages(response.wsgi_request)) == []


def test_htmx_unfollow_answers_with_the_follow_button(alice, bob, bob_client):
    response = bob_client.post(reverse("accounts:unfollow", args=["alice"]), headers=HTMX)

    assert ">Follow</button>" in response.content.decode()
    assert not Follow.objects.filter(follower=bob, followed=alice).exists()


def test_a_suggestion_followed_with_htmx_turns_into_following(alice, charlie, charlie_client):
    response = charlie_client.post(reverse("accounts:follow", args=["alice"]), {"card": "suggestion"}, headers=HTMX)

    html = response.content.decode()
    assert 'id="suggestion-alice"' in html and "Following" in html and "<form" not in html


def test_a_refused_htmx_follow_keeps_the_button_and_says_why(alice, alice_client):
    response = alice_client.post(reverse("accounts:follow", args=["alice"]), headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert ">Follow</button>" in html
    assert 'hx-swap-oob="beforeend"' in html and "alert-danger" in html


def test_without_javascript_the_form_still_redirects_with_a_message(alice, charlie, charlie_client):
    response = charlie_client.post(reverse("accounts:follow", args=["alice"]), {"next": "/explore/"}, follow=True)

    assert response.redirect_chain == [("/explore/", 302)]
    assert "You are following alice." in response.content.decode()


def test_a_get_changes_nothing(alice, charlie, charlie_client):
    response = charlie_client.get(reverse("accounts:follow", args=["alice"]), headers=HTMX)

    assert response.status_code == 405
    assert not Follow.objects.filter(follower=charlie, followed=alice).exists()
