"""The post card's icons come from one sprite per page (templates/_icons.html): a card names
them (<use href="#i-like">) instead of carrying their paths, about 0.5 kB a card."""

import re

import pytest
from django.urls import reverse

from posts.tests.factories import PostFactory


@pytest.mark.django_db
def test_cards_name_the_pages_icons_instead_of_carrying_them(alice, alice_client, bob):
    PostFactory.create_batch(3, author=bob)

    html = alice_client.get(reverse("posts:explore")).content.decode()

    symbols = set(re.findall(r'<symbol id="([\w-]+)"', html))
    used = re.findall(r'<use href="#([\w-]+)"', html)
    assert html.count('<article class="post') == 3
    assert set(used) <= symbols, set(used) - symbols
    assert used.count("i-like") == 3
    # The only paths on the page are the sprite's.
    assert html.count("<path") == len(symbols)
