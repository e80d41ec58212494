"""Content warnings (the body and images behind "Show more") and sensitive images
(blurred behind a button), as the post card shows them; both work without JavaScript."""

import re

from posts.models import Post
from posts.tests.factories import PostFactory

HOME = "/"


def _card(page: str, pk: int) -> str:
    return re.search(rf'<article class="post[^"]*" id="post-{pk}".*?</article>', page, re.S).group(0)


def test_a_post_with_a_warning_hides_its_body_behind_show_more(alice, alice_client):
    response = alice_client.post(HOME, {"body": "The ending of the film", "spoiler_text": "Film spoilers"})
    assert response.status_code == 302
    post = Post.objects.get(author=alice)
    assert post.spoiler_text == "Film spoilers" and post.sensitive
    card = _card(alice_client.get(HOME).text, post.pk)
    warning = re.search(r'<details class="post-cw">(.*?)</details>', card, re.S).group(1)
    summary, hidden = warning.split("</summary>", 1)
    assert "Film spoilers" in summary and "Show more" in summary
    assert "The ending of the film" in hidden and "The ending of the film" not in summary


def test_sensitive_images_are_behind_a_button_and_plain_posts_are_not(alice, alice_client, bob):
    plain = PostFactory(author=alice, body="Nothing to hide")
    card = _card(alice_client.get(HOME).text, plain.pk)
    assert "post-cw" not in card and "post-sensitive" not in card


def test_the_warning_can_be_edited(alice, alice_client):
    post = PostFactory(author=alice, body="Soup recipe")
    response = alice_client.post(f"/post/{post.pk}/edit/", {"body": "Soup recipe", "spoiler_text": "Food"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.spoiler_text == "Food" and post.sensitive and post.edited


def test_a_warning_longer_than_200_characters_is_refused(alice, alice_client):
    response = alice_client.post(HOME, {"body": "Hi", "spoiler_text": "x" * 201})
    assert response.status_code == 200
    assert Post.objects.count() == 0
