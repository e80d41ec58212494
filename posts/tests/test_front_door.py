import re

from django.urls import reverse
from django.utils.html import strip_tags

from core.models import SitePage, SiteSettings
from core.site import site_page_save, site_settings_save
from messaging.services import notification_set
from messaging.tests.factories import MessageFactory
from posts.tests.factories import PostFactory


def _text(response):
    return re.sub(r"\s+", " ", strip_tags(response.text))


def test_a_visitor_sees_the_sites_name_pitch_rules_counts_and_the_way_in(alice, bob, client):
    site_settings_save(row=SiteSettings(name="Tea Club", description="Where tea lovers talk."))
    site_page_save(page=SitePage(slug=SitePage.RULES, body="Be kind\n\nNo spam"))
    PostFactory(author=alice)

    response = client.get("/")

    assert response.status_code == 200
    text = _text(response)
    assert "Tea Club" in text
    assert "Where tea lovers talk." in text
    assert response.context["rules"] == ["Be kind", "No spam"]
    assert "2 members" in text
    assert "1 post" in text
    assert reverse("account_signup") in response.text
    assert reverse("account_login") in response.text


def test_the_newest_public_posts_are_a_fixed_read_only_preview(alice, client, settings):
    settings.FRONT_DOOR_POSTS = 3
    posts = [PostFactory(author=alice, body=f"post number {n}") for n in range(5)]
    reply = PostFactory(author=alice, in_reply_to=posts[0], body="a reply is not on the front door")

    response = client.get("/")

    text = _text(response)
    shown = [post.pk for post in response.context["posts"]]
    assert shown == [posts[4].pk, posts[3].pk, posts[2].pk]
    assert reply.body not in text
    # No infinite list, no buttons a visitor cannot use.
    assert "data-live-timeline" not in response.text
    assert "is-anonymous" in response.text
    assert 'name="cursor"' not in response.text


def test_a_members_only_site_shows_no_posts(alice, client, members_only):
    PostFactory(author=alice, body="members only words")

    response = client.get("/")

    assert response.status_code == 200
    assert "members only words" not in response.text
    assert "for members only" in _text(response)


def test_deleted_posts_and_closed_accounts_stay_off_the_front_door(alice, charlie, client):
    deleted = PostFactory(author=alice, body="I took this back")
    deleted.deleted = deleted.created
    deleted.save()
    PostFactory(author=charlie, body="charlie left")
    charlie.is_active = False
    charlie.save()

    text = _text(client.get("/"))

    assert "I took this back" not in text
    assert "charlie left" not in text
    assert "1 member" in text


def test_nothing_private_reaches_a_visitor(alice, bob, client):
    MessageFactory(sender=bob, recipient=alice, body="a private secret")
    notification_set(user=alice, name="unread_message_count", payload={"count": 7})

    for url in ["/", reverse("posts:user", args=["alice"]), reverse("core:rules")]:
        response = client.get(url)
        assert "a private secret" not in response.text
        assert 'id="unread-badge"' not in response.text
        assert 'id="notice-badge"' not in response.text
        assert "data-notifications-url" not in response.text
    assert client.get(reverse("messaging:inbox")).status_code == 302
    assert client.get(reverse("messaging:notifications")).status_code in (302, 401, 403)


def test_the_counts_are_cached(alice, client, django_assert_max_num_queries):
    PostFactory(author=alice)
    client.get("/")
    PostFactory(author=alice)

    # Cached: the new post is not counted yet, and no COUNT runs again.
    response = client.get("/")

    assert response.context["counts"] == {"members": 1, "posts": 1}


def test_the_front_door_costs_the_same_queries_for_one_post_or_many(alice, bob, client, django_assert_max_num_queries):
    PostFactory(author=alice)
    client.get("/")
    for _ in range(9):
        PostFactory(author=bob)

    # The posts (one query with their authors); settings and counts come from the cache.
    with django_assert_max_num_queries(2):
        response = client.get("/")

    assert len(response.context["posts"]) == 10


def test_a_member_at_the_root_gets_their_home_timeline(alice_client):
    response = alice_client.get("/")

    assert response.context["tab"] == "home"


def test_a_visitor_cannot_post(client):
    response = client.post("/", {"body": "hello"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
