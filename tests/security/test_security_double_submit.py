"""Issue 21, item 14: 20 identical post submissions at once made 20 posts (and messages
likewise). The post and message forms carry a one-time token, and POST /api/posts
honours the Idempotency-Key header: one object per token, even for requests at the same
instant (threads against the test database, PostgreSQL in CI's second run)."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from api.services import token_issue
from messaging.models import Message
from posts.models import Post
from posts.tests.factories import PostFactory
from tests.security.test_security_races import _at_once, _Writers

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
SUBMISSIONS = 20


@pytest.fixture
def writers():
    return _Writers()


def _token(html: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def _clients(member, count=SUBMISSIONS):
    clients = [Client() for _ in range(count)]
    for client in clients:
        client.force_login(member)
    return clients


def _submit_at_once(member, writers, url, data):
    def submit(client):
        return lambda: client.post(url, data).status_code

    return _at_once([submit(client) for client in _clients(member)], writers)


def test_twenty_identical_post_submissions_make_one_post(writers):
    alice = UserFactory(username="alice")
    client = _clients(alice, 1)[0]
    token = _token(client.get(reverse("posts:home")).content.decode())

    statuses = _submit_at_once(alice, writers, reverse("posts:home"), {"body": "once", "form_token": token})

    assert statuses == [302] * SUBMISSIONS
    assert Post.objects.filter(author=alice).count() == 1


def test_twenty_identical_replies_make_one_reply(writers):
    alice = UserFactory(username="alice")
    parent = PostFactory(author=UserFactory(username="bob"))
    client = _clients(alice, 1)[0]
    token = _token(client.get(parent.get_absolute_url()).content.decode())

    statuses = _submit_at_once(
        alice, writers, reverse("posts:reply", args=[parent.pk]), {"body": "once", "form_token": token}
    )

    assert statuses == [302] * SUBMISSIONS
    assert Post.objects.filter(author=alice, in_reply_to=parent).count() == 1
    parent.refresh_from_db()
    assert parent.reply_count == 1


def test_twenty_identical_message_submissions_send_one_message(writers):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    url = reverse("messaging:message-create", args=["bob"])
    token = _token(_clients(alice, 1)[0].get(url).content.decode())

    statuses = _submit_at_once(alice, writers, url, {"body": "once", "form_token": token})

    assert statuses == [302] * SUBMISSIONS
    assert Message.objects.filter(sender=alice, recipient=bob).count() == 1


def test_each_rendering_of_the_form_has_its_own_token_so_two_posts_are_two(writers):
    alice = UserFactory(username="alice")
    client = _clients(alice, 1)[0]
    first, second = (_token(client.get(reverse("posts:home")).content.decode()) for _ in range(2))

    assert first != second
    for token in (first, second):
        client.post(reverse("posts:home"), {"body": "same words", "form_token": token})
    assert Post.objects.filter(author=alice).count() == 2


def test_twenty_api_posts_with_one_idempotency_key_make_one_post(writers):
    alice = UserFactory(username="alice")
    token = token_issue(user=alice)

    def publish():
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        response = api.post("/api/posts", {"body": "once"}, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
        return response.status_code, response.json()["id"]

    answers = _at_once([publish] * SUBMISSIONS, writers)

    (post,) = Post.objects.filter(author=alice)
    assert answers == [(201, post.pk)] * SUBMISSIONS


def test_another_member_with_the_same_key_gets_their_own_post(writers):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    for member in (alice, bob):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=member)}")
        assert api.post("/api/posts", {"body": "hi"}, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    assert Post.objects.filter(author=bob).count() == Post.objects.filter(author=alice).count() == 1


def test_keys_are_forgotten_after_a_day():
    from datetime import timedelta

    from django.utils import timezone

    from core.models import IdempotencyKey
    from core.tasks import idempotency_keys_purge

    old = IdempotencyKey.objects.create(scope="posts.post", user_id=1, key="old")
    IdempotencyKey.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=1, minutes=1))
    IdempotencyKey.objects.create(scope="posts.post", user_id=1, key="new")

    idempotency_keys_purge.apply()

    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
