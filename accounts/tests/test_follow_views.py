import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.models import Follow


def _flashed(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def _follow_url(username):
    return reverse("accounts:follow", args=[username])


def _unfollow_url(username):
    return reverse("accounts:unfollow", args=[username])


def test_it_follows_a_member_and_says_so_on_their_profile(alice, charlie_client, charlie):
    response = charlie_client.post(_follow_url("alice"), follow=True)

    assert response.redirect_chain == [("/user/alice/", 302)]
    assert "You are following alice." in response.content.decode()
    assert Follow.objects.filter(follower=charlie, followed=alice).exists()


def test_it_finds_the_member_whatever_the_case_of_the_url(alice, charlie_client, charlie):
    charlie_client.post(_follow_url("ALICE"))

    assert Follow.objects.filter(follower=charlie, followed=alice).exists()


def test_it_unfollows_a_member_and_says_so_on_their_profile(alice, bob, bob_client):
    response = bob_client.post(_unfollow_url("alice"), follow=True)

    assert response.redirect_chain == [("/user/alice/", 302)]
    assert "You are not following alice anymore." in response.content.decode()
    assert not Follow.objects.exists()


@pytest.mark.parametrize("url", [_follow_url, _unfollow_url])
def test_it_returns_to_an_on_site_next_page(url, alice, bob_client):
    response = bob_client.post(url("alice"), {"next": "/explore/?page=2"})

    assert response.status_code == 302
    assert response["Location"] == "/explore/?page=2"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "http://testserver.evil.example/"])
def test_it_ignores_an_off_site_next_page(target, alice, charlie_client):
    response = charlie_client.post(_follow_url("alice"), {"next": target})

    assert response["Location"] == "/user/alice/"


@pytest.mark.parametrize("url", [_follow_url, _unfollow_url])
def test_it_refuses_get(url, alice, bob_client):
    response = bob_client.get(url("alice"))

    assert response.status_code == 405
    assert Follow.objects.count() == 1


@pytest.mark.parametrize("url", [_follow_url, _unfollow_url])
def test_it_sends_anonymous_visitors_to_the_login_page(url, alice, client):
    response = client.post(url("alice"))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url('alice')}"


@pytest.mark.parametrize("url", [_follow_url, _unfollow_url])
def test_it_answers_404_for_an_unknown_member(url, charlie_client):
    assert charlie_client.post(url("nobody")).status_code == 404


def test_it_answers_404_when_following_a_deactivated_member(alice, charlie_client):
    alice.is_active = False
    alice.save()

    assert charlie_client.post(_follow_url("alice")).status_code == 404
    assert not Follow.objects.exists()


def test_it_lets_a_member_unfollow_a_deactivated_member(alice, bob_client):
    alice.is_active = False
    alice.save()

    bob_client.post(_unfollow_url("alice"))

    assert not Follow.objects.exists()


def test_it_explains_that_one_cannot_follow_oneself(alice, alice_client):
    response = alice_client.post(_follow_url("alice"))

    assert response.status_code == 302
    assert _flashed(response) == ["You cannot follow yourself."]
    assert not Follow.objects.exists()


def test_it_explains_that_the_member_is_already_followed(alice, bob_client):
    response = bob_client.post(_follow_url("alice"), follow=True)

    assert response.status_code == 200
    assert "You are already following alice." in response.content.decode()
    assert Follow.objects.count() == 1


def test_it_explains_that_the_member_was_not_followed(alice, charlie_client):
    response = charlie_client.post(_unfollow_url("alice"), follow=True)

    assert response.status_code == 200
    assert "You are not following alice." in response.content.decode()


def _client_enforcing_csrf(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_it_refuses_a_follow_without_csrf_token(alice, charlie):
    response = _client_enforcing_csrf(charlie).post(_follow_url("alice"))

    assert response.status_code == 403
    assert not Follow.objects.filter(follower=charlie).exists()


def test_it_refuses_an_unfollow_without_csrf_token(alice, bob):
    response = _client_enforcing_csrf(bob).post(_unfollow_url("alice"))

    assert response.status_code == 403
    assert Follow.objects.filter(follower=bob, followed=alice).exists()


def test_unfollowing_a_deactivated_member_goes_home_not_to_a_404(bob_client, alice):
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    response = bob_client.post("/user/alice/unfollow/")
    assert response.status_code == 302
    assert response["Location"] == "/"
