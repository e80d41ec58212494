from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from posts.tests.factories import PostFactory

CHANGELIST = reverse("admin:posts_post_changelist")


@pytest.fixture
def moderator_client(db):
    # A staff member in the Moderators group (created by a migration), not a superuser.
    moderator = UserFactory(username="mod", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    client = Client()
    client.force_login(moderator)
    return client


def _listed(response):
    return list(response.context["cl"].result_list)


def test_changelist_shows_body_author_and_date(alice, moderator_client):
    post = PostFactory(author=alice, body="Genmaicha tastes of toasted rice.")

    response = moderator_client.get(CHANGELIST)

    assert response.status_code == 200
    assert _listed(response) == [post]
    for text in ("Genmaicha tastes of toasted rice.", "alice", "Author", "Created", "Language"):
        assert text in response.text


def test_changelist_is_newest_first(alice, moderator_client):
    older = PostFactory(author=alice, created=timezone.now() - timedelta(days=1))
    newer = PostFactory(author=alice)

    response = moderator_client.get(CHANGELIST)

    assert _listed(response) == [newer, older]


def test_search_finds_posts_by_body(alice, moderator_client):
    match = PostFactory(author=alice, body="Oolong in the morning.")
    PostFactory(author=alice, body="Coffee at noon.")

    response = moderator_client.get(CHANGELIST, {"q": "oolong"})

    assert _listed(response) == [match]


def test_search_finds_posts_by_author_username(alice, charlie, moderator_client):
    match = PostFactory(author=charlie)
    PostFactory(author=alice)

    response = moderator_client.get(CHANGELIST, {"q": "charlie"})

    assert _listed(response) == [match]


def test_filter_by_language(alice, moderator_client):
    french = PostFactory(author=alice, body="Du thé.", language="fr")
    PostFactory(author=alice, body="Some tea.", language="en")

    response = moderator_client.get(CHANGELIST, {"language": "fr"})

    assert _listed(response) == [french]


def test_filter_by_date(alice, moderator_client):
    recent = PostFactory(author=alice)
    PostFactory(author=alice, created=timezone.now() - timedelta(days=30))
    changelist = moderator_client.get(CHANGELIST)
    (created_filter,) = (spec for spec in changelist.context["cl"].filter_specs if spec.field_path == "created")
    (past_week,) = (
        choice for choice in created_filter.choices(changelist.context["cl"]) if choice["display"] == "Past 7 days"
    )

    response = moderator_client.get(CHANGELIST + past_week["query_string"])

    assert _listed(response) == [recent]


def test_date_hierarchy_drills_down_by_year(alice, moderator_client):
    old = PostFactory(author=alice, created=datetime(2020, 5, 1, 12, tzinfo=UTC))
    PostFactory(author=alice)

    response = moderator_client.get(CHANGELIST, {"created__year": "2020"})

    assert _listed(response) == [old]


def test_a_member_cannot_reach_the_changelist(alice_client):
    response = alice_client.get(CHANGELIST)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_a_staff_member_without_post_permissions_cannot_reach_the_changelist(db):
    client = Client()
    client.force_login(UserFactory(is_staff=True))

    response = client.get(CHANGELIST)

    assert response.status_code == 403


def test_changelist_does_not_run_a_query_per_row(alice, moderator_client, django_assert_num_queries):
    PostFactory(author=alice)
    moderator_client.get(CHANGELIST)  # warm-up: the first request may write last_seen
    with CaptureQueriesContext(connection) as with_one_post:
        moderator_client.get(CHANGELIST)

    PostFactory.create_batch(29)  # each by a new member

    with django_assert_num_queries(len(with_one_post)):
        response = moderator_client.get(CHANGELIST)
    assert len(_listed(response)) == 30
