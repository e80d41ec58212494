"""Post and message lengths count what a reader sees (grapheme clusters), as the
composer's counter does (e2e/test_composer_journey.py checks that both agree)."""

import pytest

from core.fields import grapheme_length
from posts.forms import PostForm

# (text, characters a reader sees); e2e/test_composer_journey.py types the same ones.
SAMPLES = [
    ("hello", 5),
    ("😀", 1),
    ("👍🏽", 1),  # with a skin tone
    ("👨‍👩‍👧‍👦", 1),  # a family: seven code points joined by ZWJ
    ("🇩🇪🇫🇷", 2),  # two flags
    ("e\u0301", 1),  # e + combining acute
    ("naïve café", 10),
    ("line\nbreak", 10),
]


@pytest.mark.parametrize(("text", "expected"), SAMPLES)
def test_graphemes_are_counted_as_one_character_each(text, expected):
    assert grapheme_length(text) == expected


def test_a_post_of_the_limit_in_emoji_is_accepted_and_one_more_is_not(settings):
    settings.POST_MAX_LENGTH = 10
    family = "👨‍👩‍👧‍👦"

    assert PostForm({"body": family * 10}).is_valid()  # 110 code points, 10 characters
    refused = PostForm({"body": family * 11})
    assert not refused.is_valid()
    assert refused.errors["body"] == ["Ensure this value has at most 10 characters (it has 11)."]


def test_the_api_counts_the_same_way(settings, alice):
    from rest_framework.test import APIClient

    settings.POST_MAX_LENGTH = 3
    client = APIClient()
    client.force_authenticate(alice)

    assert client.post("/api/posts", {"body": "👍🏽👍🏽👍🏽"}, format="json").status_code == 201
    assert client.post("/api/posts", {"body": "👍🏽👍🏽👍🏽👍🏽"}, format="json").status_code == 400
