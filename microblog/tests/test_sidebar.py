"""The layout's sidebar (templates/_sidebar.html): search, who to follow and trending
tags on every member page, at one query; visitors get a way in instead."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Follow
from accounts.tests.factories import UserFactory
from posts.services import post_create

HOME = reverse("posts:home")


def _queries(client, url):
    client.get(url)  # last_seen, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.text


def test_members_see_search_suggestions_and_trends(alice, bob, charlie, bob_client):
    post_create(author=alice, body="Tea time #oolong")

    html = bob_client.get(reverse("posts:explore")).text

    assert 'id="side-search-q"' in html
    assert "Who to follow" in html and 'id="suggestion-charlie"' in html
    assert 'id="suggestion-alice"' not in html  # bob follows alice already
    assert "#oolong" in html


def test_visitors_get_log_in_and_sign_up_instead(alice, client):
    post = post_create(author=alice, body="Hello")
    html = client.get(post.get_absolute_url()).text

    assert "Join the conversation" in html
    assert "Who to follow" not in html and 'id="side-search-q"' not in html and "Trending tags" not in html


@pytest.mark.parametrize("url", [HOME, reverse("posts:explore"), reverse("messaging:inbox")])
def test_the_sidebar_costs_one_query_however_many_members(alice, bob, bob_client, url):
    few, _ = _queries(bob_client, url)
    for member in UserFactory.create_batch(30):
        Follow.objects.create(follower=member, followed=alice)
        Follow.objects.create(follower=alice, followed=member)
    caches["default"].clear()  # candidates counted again, now from 32 members
    many, html = _queries(bob_client, url)

    assert many == few
    assert html.split("<aside", 1)[1].count('class="suggestion ') == 3


def test_the_empty_home_page_links_explore_and_suggests_three_members(charlie_client):
    UserFactory.create_batch(4)

    html = charlie_client.get(HOME).text

    assert f'follow people from <a href="{reverse("posts:explore")}">Explore</a>' in html
    empty = html[html.index('class="live-empty') : html.index("</section>")]
    assert empty.count('class="suggestion ') == 3


def test_phone_tab_bar_keeps_badges_outside_any_menu(bob_client):
    html = bob_client.get(HOME).text

    # One navigation for every width (CSS makes it the bottom tab bar): no collapse, no toggler.
    assert "navbar-toggler" not in html and "collapse" not in html
    assert html.count('id="unread-badge"') == 1 and html.count('id="notice-badge"') == 1
    assert 'class="btn btn-primary fab' in html  # the floating compose button
    assert 'href="#content"' in html  # the skip link
