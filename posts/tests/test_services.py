from posts.models import Post
from posts.services import post_create


def test_post_create_saves_a_post_by_the_author(alice):
    post = post_create(author=alice, body="Oolong today.")

    assert Post.objects.get() == post
    assert (post.author, post.body) == (alice, "Oolong today.")


def test_post_create_strips_surrounding_whitespace(alice):
    post = post_create(author=alice, body="  \n Oolong today. \n ")

    assert post.body == "Oolong today."


def test_post_create_leaves_language_blank_when_unknown(alice):
    post = post_create(author=alice, body="…")

    assert post.language == ""
