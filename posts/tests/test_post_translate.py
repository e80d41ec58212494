"""POST /post/<pk>/translate/: a post's body in the reader's language, as JSON."""

import threading

import pytest
from django.test import Client
from django.urls import reverse
from werkzeug import Response

from posts.tests.factories import PostFactory


@pytest.fixture
def service(httpserver, settings):
    """A LibreTranslate stand-in; the other backends have their own tests."""
    settings.TRANSLATOR = "libretranslate"
    settings.TRANSLATOR_URL = httpserver.url_for("/")
    settings.TRANSLATOR_TIMEOUT = 0.3
    return httpserver


@pytest.fixture
def spanish_post(alice):
    return PostFactory(author=alice, body="Buenos días a todos", language="es")


def url_for(post):
    return reverse("posts:translate", args=[post.pk])


def test_it_answers_with_the_translation_in_the_readers_language(service, spanish_post, bob_client):
    service.expect_oneshot_request(
        "/translate", json={"q": "Buenos días a todos", "source": "es", "target": "en", "format": "text"}
    ).respond_with_json({"translatedText": "Good morning everyone"})

    response = bob_client.post(url_for(spanish_post))

    assert response.status_code == 200
    assert response.json() == {"text": "Good morning everyone", "language": "en"}


def test_it_translates_into_the_members_saved_language(service, bob, bob_client, alice):
    post = PostFactory(author=alice, body="Good morning", language="en")
    bob.language = "de"
    bob.save()
    service.expect_oneshot_request(
        "/translate", json={"q": "Good morning", "source": "en", "target": "de", "format": "text"}
    ).respond_with_json({"translatedText": "Guten Morgen"})

    assert bob_client.post(url_for(post)).json()["text"] == "Guten Morgen"


def test_the_same_post_is_sent_to_the_service_once_per_language(service, spanish_post, bob_client, charlie_client):
    service.expect_request("/translate").respond_with_json({"translatedText": "Good morning everyone"})

    for client in (bob_client, charlie_client, bob_client):
        assert client.post(url_for(spanish_post)).status_code == 200
    assert len(service.log) == 1

    # A reader of another language needs its own translation.
    charlie_client.post(url_for(spanish_post), HTTP_ACCEPT_LANGUAGE="fr")
    assert len(service.log) == 2


def test_a_service_error_is_a_502_with_a_readable_message(service, spanish_post, bob_client):
    service.expect_request("/translate").respond_with_json({"error": "boom"}, status=500)

    response = bob_client.post(url_for(spanish_post))

    assert response.status_code == 502
    assert response.json() == {"error": "The translation service failed. Please try again later."}


def test_a_failure_is_not_cached(service, spanish_post, bob_client):
    service.expect_ordered_request("/translate").respond_with_json({"error": "boom"}, status=500)
    service.expect_ordered_request("/translate").respond_with_json({"translatedText": "Good morning everyone"})

    assert bob_client.post(url_for(spanish_post)).status_code == 502
    assert bob_client.post(url_for(spanish_post)).status_code == 200


def test_a_slow_service_is_a_504(service, spanish_post, bob_client):
    released = threading.Event()

    def slow(_request):
        released.wait(5)
        return Response('{"translatedText": "late"}', content_type="application/json")

    service.expect_request("/translate").respond_with_handler(slow)

    try:
        response = bob_client.post(url_for(spanish_post))
    finally:
        # Free the local server's only thread for the next test.
        released.set()

    assert response.status_code == 504
    assert response.json() == {"error": "The translation service did not answer in time."}


def test_the_error_is_in_the_readers_language(service, spanish_post, bob_client):
    service.expect_request("/translate").respond_with_json({"error": "boom"}, status=500)

    response = bob_client.post(url_for(spanish_post), HTTP_ACCEPT_LANGUAGE="fr")

    assert response.json()["error"] == "Le service de traduction a échoué. Veuillez réessayer plus tard."


def test_without_a_service_it_is_a_503(spanish_post, bob_client):
    response = bob_client.post(url_for(spanish_post))

    assert response.status_code == 503
    assert response.json() == {"error": "Translation is not available on this site."}


def test_a_post_already_in_the_readers_language_is_refused(service, alice, bob_client):
    post = PostFactory(author=alice, body="Good morning", language="en")

    assert bob_client.post(url_for(post)).status_code == 400
    assert service.log == []


def test_a_post_of_unknown_language_is_refused(service, alice, bob_client):
    post = PostFactory(author=alice, body="🙂", language="")

    assert bob_client.post(url_for(post)).status_code == 400


def test_a_deactivated_members_post_is_not_found(service, spanish_post, alice, bob_client):
    alice.is_active = False
    alice.save()

    assert bob_client.post(url_for(spanish_post)).status_code == 404


@pytest.mark.parametrize("pk", [999999, 10**30])
def test_a_missing_post_is_not_found(service, bob_client, pk):
    # 10**30 is beyond PostgreSQL's bigint: still a 404, not a 500.
    assert bob_client.post(reverse("posts:translate", args=[pk])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(service, spanish_post, client):
    response = client.post(url_for(spanish_post))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_get_is_not_allowed(service, spanish_post, bob_client):
    assert bob_client.get(url_for(spanish_post)).status_code == 405


def test_it_needs_the_csrf_token(service, spanish_post, bob):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)

    assert client.post(url_for(spanish_post)).status_code == 403


# The "Translate" link under posts.


def test_the_link_shows_under_posts_in_another_language(service, spanish_post, bob_client):
    content = bob_client.get(reverse("posts:explore")).content.decode()

    assert f'data-translate-url="{url_for(spanish_post)}"' in content


def test_the_link_is_hidden_under_posts_in_the_readers_language(service, alice, bob_client):
    post = PostFactory(author=alice, body="Good morning", language="en")

    assert url_for(post) not in bob_client.get(reverse("posts:explore")).content.decode()


def test_the_link_is_hidden_under_posts_of_unknown_language(service, alice, bob_client):
    post = PostFactory(author=alice, body="🙂", language="")

    assert url_for(post) not in bob_client.get(reverse("posts:explore")).content.decode()


def test_the_link_is_hidden_when_no_service_is_configured(spanish_post, bob_client):
    assert url_for(spanish_post) not in bob_client.get(reverse("posts:explore")).content.decode()
