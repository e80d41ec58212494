"""The Mastodon endpoints: entity shapes against Mastodon's documentation, pagination,
errors, idempotency, trailing slashes, rate-limit headers and query counts."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import follow_create
from accounts.tests.factories import UserFactory
from api.tests.mastodon_helpers import client_with, token_for
from posts.models import Post
from posts.services import post_boost, post_create, post_delete, post_like

pytestmark = pytest.mark.django_db

# Required fields per entity, from docs.joinmastodon.org/entities/ (name: type).
ACCOUNT = {
    "id": str,
    "username": str,
    "acct": str,
    "url": str,
    "display_name": str,
    "note": str,
    "avatar": str,
    "avatar_static": str,
    "header": str,
    "header_static": str,
    "locked": bool,
    "fields": list,
    "emojis": list,
    "bot": bool,
    "group": bool,
    "discoverable": bool,
    "created_at": str,
    "statuses_count": int,
    "followers_count": int,
    "following_count": int,
}
STATUS = {
    "id": str,
    "uri": str,
    "created_at": str,
    "account": dict,
    "content": str,
    "visibility": str,
    "sensitive": bool,
    "spoiler_text": str,
    "media_attachments": list,
    "mentions": list,
    "tags": list,
    "emojis": list,
    "reblogs_count": int,
    "favourites_count": int,
    "replies_count": int,
    "favourited": bool,
    "reblogged": bool,
    "muted": bool,
    "bookmarked": bool,
}
RELATIONSHIP = {
    "id": str,
    "following": bool,
    "showing_reblogs": bool,
    "notifying": bool,
    "followed_by": bool,
    "blocking": bool,
    "blocked_by": bool,
    "muting": bool,
    "muting_notifications": bool,
    "requested": bool,
    "domain_blocking": bool,
    "endorsed": bool,
    "note": str,
}
MEDIA_ATTACHMENT = {
    "id": str,
    "type": str,
    "url": (str, type(None)),
    "preview_url": (str, type(None)),
    "remote_url": type(None),
    "meta": dict,
    "description": (str, type(None)),
    "blurhash": (str, type(None)),
}
NOTIFICATION = {"id": str, "type": str, "created_at": str, "account": dict}
TAG = {"name": str, "url": str, "history": list}
INSTANCE_V1 = {
    "uri": str,
    "title": str,
    "short_description": str,
    "description": str,
    "email": str,
    "version": str,
    "urls": dict,
    "stats": dict,
    "languages": list,
    "registrations": bool,
    "approval_required": bool,
    "invites_enabled": bool,
    "configuration": dict,
    "rules": list,
}
INSTANCE_V2 = {
    "domain": str,
    "title": str,
    "version": str,
    "source_url": str,
    "description": str,
    "usage": dict,
    "thumbnail": dict,
    "languages": list,
    "configuration": dict,
    "registrations": dict,
    "contact": dict,
    "rules": list,
}
MASTODON_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def assert_shape(entity: dict, shape: dict):
    for name, kind in shape.items():
        assert name in entity, f"missing {name}"
        assert isinstance(entity[name], kind), f"{name} is {type(entity[name]).__name__}, not {kind}"
    if "created_at" in shape:
        assert MASTODON_TIME.fullmatch(entity["created_at"])


def test_entities_have_mastodons_shapes(alice, bob, alice_masto, bob_masto):
    post = post_create(author=alice, body="Hi @bob, see https://example.com/x #Tagged <b>bold</b>")
    reply = post_create(author=bob, body="@alice thanks", in_reply_to=post)
    post_like(member=bob, post=post)
    status = alice_masto.get(f"/api/v1/statuses/{post.pk}").json()
    assert_shape(status, STATUS)
    assert_shape(status["account"], ACCOUNT)
    assert_shape(status["tags"][0], TAG)
    assert status["mentions"][0]["acct"] == "bob"
    assert 'class="u-url mention"' in status["content"] and 'rel="tag"' in status["content"]
    assert "<b>" not in status["content"] and "&lt;b&gt;" in status["content"]
    assert status["favourites_count"] == 1 and status["replies_count"] == 1
    assert bob_masto.get(f"/api/v1/statuses/{post.pk}").json()["favourited"] is True
    assert alice_masto.get(f"/api/v1/statuses/{reply.pk}").json()["in_reply_to_account_id"] == str(alice.pk)
    relationship = alice_masto.get("/api/v1/accounts/relationships", {"id[]": [bob.pk]}).json()[0]
    assert_shape(relationship, RELATIONSHIP)
    assert relationship["followed_by"] is True and relationship["following"] is False
    notification = alice_masto.get("/api/v1/notifications").json()[0]
    assert_shape(notification, NOTIFICATION)
    context = alice_masto.get(f"/api/v1/statuses/{reply.pk}/context").json()
    assert [s["id"] for s in context["ancestors"]] == [str(post.pk)] and context["descendants"] == []
    me = alice_masto.get("/api/v1/accounts/verify_credentials").json()
    assert_shape(me, ACCOUNT)
    assert me["source"]["privacy"] == "public" and me["statuses_count"] == 1


def test_a_boost_is_a_status_whose_reblog_is_the_original(alice, bob, bob_masto):
    post = post_create(author=alice, body="original")
    post_boost(member=bob, post=post)
    boost = bob_masto.get("/api/v1/timelines/home").json()[0]
    assert boost["account"]["acct"] == "bob" and boost["reblog"]["id"] == str(post.pk)
    assert boost["reblog"]["reblogged"] is True


def test_instance_and_nodeinfo(client, settings):
    settings.POST_MAX_LENGTH = 300
    v1 = client.get("/api/v1/instance/").json()
    assert_shape(v1, INSTANCE_V1)
    assert v1["version"] == "4.3.0 (compatible; Microblog 1.0)"
    assert v1["configuration"]["statuses"]["max_characters"] == 300
    v2 = client.get("/api/v2/instance").json()
    assert_shape(v2, INSTANCE_V2)
    assert v2["api_versions"] == {"mastodon": 2}
    assert client.get("/api/v1/custom_emojis").json() == []
    index = client.get("/.well-known/nodeinfo").json()
    assert index["links"][0]["href"].endswith("/nodeinfo/2.0")
    info = client.get("/nodeinfo/2.0").json()
    assert info["software"]["name"] == "microblog" and info["version"] == "2.0"


def test_pagination_follows_link_headers_with_max_and_min_id(alice, alice_masto):
    posts = [post_create(author=alice, body=f"post {n}") for n in range(5)]
    first = alice_masto.get("/api/v1/timelines/home", {"limit": 2})
    assert [s["id"] for s in first.json()] == [str(posts[4].pk), str(posts[3].pk)]
    links = dict((rel, url) for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', first["Link"]))
    assert f"max_id={posts[3].pk}" in links["next"] and f"min_id={posts[4].pk}" in links["prev"]
    second = alice_masto.get("/api/v1/timelines/home", {"limit": 2, "max_id": posts[3].pk}).json()
    assert [s["id"] for s in second] == [str(posts[2].pk), str(posts[1].pk)]
    newer = alice_masto.get("/api/v1/timelines/home", {"limit": 2, "min_id": posts[1].pk}).json()
    assert [s["id"] for s in newer] == [str(posts[3].pk), str(posts[2].pk)]
    since = alice_masto.get("/api/v1/timelines/home", {"limit": 2, "since_id": posts[1].pk}).json()
    assert [s["id"] for s in since] == [str(posts[4].pk), str(posts[3].pk)]
    assert len(alice_masto.get("/api/v1/timelines/home", {"limit": 1000}).json()) == 5
    assert alice_masto.get("/api/v1/timelines/home", {"max_id": "garbage", "limit": "x"}).status_code == 200


def test_statuses_refuse_bad_input(alice, bob, alice_masto, settings):
    settings.POST_MAX_LENGTH = 10
    too_long = alice_masto.post("/api/v1/statuses", {"status": "x" * 11})
    assert too_long.status_code == 422 and "too long" in too_long.json()["error"]
    assert alice_masto.post("/api/v1/statuses", {"status": ""}).status_code == 422
    assert alice_masto.post("/api/v1/statuses", {"status": "hi", "visibility": "direct"}).status_code == 422
    # A scheduled status or a poll is refused, not published at once or as its question alone.
    later = alice_masto.post("/api/v1/statuses", {"status": "later", "scheduled_at": "2030-01-01T00:00:00Z"})
    assert later.status_code == 422 and "schedule" in later.json()["error"]
    poll_form = {"status": "tea?", "poll[options][]": ["yes", "no"], "poll[expires_in]": "3600"}
    assert alice_masto.post("/api/v1/statuses", poll_form).status_code == 422
    poll_json = {"status": "tea?", "poll": {"options": ["yes", "no"], "expires_in": 3600}}
    refused = alice_masto.post("/api/v1/statuses", poll_json, format="json")
    assert refused.status_code == 422 and "polls" in refused.json()["error"]
    assert not Post.objects.filter(body__in=["later", "tea?"]).exists()
    gone = post_create(author=bob, body="gone")
    post_delete(post=gone)
    assert alice_masto.post("/api/v1/statuses", {"status": "hi", "in_reply_to_id": gone.pk}).status_code == 404
    assert alice_masto.post("/api/v1/statuses/999999/reblog").status_code == 404
    assert alice_masto.get("/api/v1/statuses/abc").json() == {"error": "Record not found"}
    # Another member's status cannot be deleted.
    theirs = post_create(author=bob, body="mine")
    assert alice_masto.delete(f"/api/v1/statuses/{theirs.pk}").status_code == 404
    assert not Post.objects.get(pk=theirs.pk).is_deleted


def test_an_idempotency_key_gives_the_same_status_back(alice, alice_masto):
    first = alice_masto.post("/api/v1/statuses", {"status": "once"}, HTTP_IDEMPOTENCY_KEY="k1").json()
    again = alice_masto.post("/api/v1/statuses", {"status": "once"}, HTTP_IDEMPOTENCY_KEY="k1").json()
    assert first["id"] == again["id"]
    assert Post.objects.filter(author=alice).count() == 1
    alice_masto.post("/api/v1/statuses", {"status": "once"}, HTTP_IDEMPOTENCY_KEY="k2")
    assert Post.objects.filter(author=alice).count() == 2


def test_json_bodies_and_both_slashes_work(alice, alice_masto):
    for path in ("/api/v1/statuses", "/api/v1/statuses/"):
        assert alice_masto.post(path, {"status": f"via {path}"}, format="json").status_code == 200
    assert alice_masto.get("/api/v1/timelines/public/", {"local": "true"}).status_code == 200
    assert alice_masto.get("/api/v1/nothing/here").status_code == 404


def test_a_deleted_status_is_a_404_and_notifications_dismiss(alice, bob, alice_masto):
    post = post_create(author=alice, body="to go")
    post_like(member=bob, post=post)
    notification = alice_masto.get("/api/v1/notifications").json()[0]
    assert alice_masto.get(f"/api/v1/notifications/{notification['id']}").json()["type"] == "favourite"
    assert alice_masto.post(f"/api/v1/notifications/{notification['id']}/dismiss").status_code == 200
    assert alice_masto.get("/api/v1/notifications").json() == []
    assert alice_masto.delete(f"/api/v1/statuses/{post.pk}").json()["text"] == "to go"
    assert alice_masto.get(f"/api/v1/statuses/{post.pk}").status_code == 404


def test_notifications_of_others_are_a_404(alice, bob, alice_masto, bob_masto):
    post_like(member=bob, post=post_create(author=alice, body="x"))
    notification = alice_masto.get("/api/v1/notifications").json()[0]
    assert bob_masto.get(f"/api/v1/notifications/{notification['id']}").status_code == 404
    assert bob_masto.post(f"/api/v1/notifications/{notification['id']}/dismiss").status_code == 404


def test_rate_limits_are_reported_and_enforced(alice, alice_masto, settings):
    cache.clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": "2/minute"}}
    first = alice_masto.get("/api/v1/accounts/verify_credentials")
    assert first["X-RateLimit-Limit"] == "2" and first["X-RateLimit-Remaining"] == "1"
    assert MASTODON_TIME.fullmatch(first["X-RateLimit-Reset"])
    alice_masto.get("/api/v1/accounts/verify_credentials")
    limited = alice_masto.get("/api/v1/accounts/verify_credentials")
    assert limited.status_code == 429 and limited["X-RateLimit-Remaining"] == "0"
    assert set(limited.json()) == {"error"}


def test_display_names_and_notes_are_escaped(alice, alice_masto):
    alice.about_me = "<script>alert(1)</script>"
    alice.save()
    note = alice_masto.get("/api/v1/accounts/verify_credentials").json()["note"]
    assert "<script>" not in note and "&lt;script&gt;" in note


@pytest.mark.parametrize(
    "path",
    ["/api/v1/timelines/home", "/api/v1/timelines/public?local=true", "/api/v1/notifications"],
)
def test_timelines_cost_the_same_whatever_the_page_holds(path, alice, bob):
    api = client_with(token_for(alice))

    def queries_for_page():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert api.get(path).status_code == 200
        return len(captured)

    post_like(member=bob, post=post_create(author=alice, body="one #tag @bob"))
    few = queries_for_page()
    others = UserFactory.create_batch(5)
    for member in others:
        post = post_create(author=member, body=f"by {member.username} #tag @alice")
        post_like(member=member, post=post_create(author=alice, body="mine"))
        post_boost(member=bob, post=post)
    for member in others:
        follow_create(follower=alice, followed=member)
    many = queries_for_page()
    assert many == few


def test_a_crash_is_a_json_500(alice, alice_masto, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("api.mastodon.views.VerifyCredentialsApi.get", crash)
    alice_masto.raise_request_exception = False
    response = alice_masto.get("/api/v1/accounts/verify_credentials")
    assert response.status_code == 500
    assert response.json() == {"error": "Internal Server Error"}


def test_search_finds_accounts_hashtags_and_the_readers_statuses(alice, bob, charlie, alice_masto, settings):
    # Without full-text search (search/tests covers it with the index): own and liked posts.
    settings.MASTODON_STATUS_SEARCH = ""
    mine = post_create(author=alice, body="apples are #fruit")
    liked = post_create(author=bob, body="apples for everyone")
    post_like(member=alice, post=liked)
    post_create(author=charlie, body="apples elsewhere")
    found = alice_masto.get("/api/v2/search", {"q": "apples"}).json()
    assert {s["id"] for s in found["statuses"]} == {str(mine.pk), str(liked.pk)}
    assert alice_masto.get("/api/v2/search/", {"q": "#fru"}).json()["hashtags"][0]["name"] == "fruit"
    assert [a["acct"] for a in alice_masto.get("/api/v2/search", {"q": "@cha"}).json()["accounts"]] == ["charlie"]
    assert alice_masto.get("/api/v2/search", {"q": ""}).json() == {"accounts": [], "statuses": [], "hashtags": []}


@pytest.mark.parametrize("bad", ["abc", "99999999999999999999999", "-1", "0"])
def test_odd_ids_are_a_404_never_a_500(alice, alice_masto, bad):
    for path in (
        f"/api/v1/statuses/{bad}",
        f"/api/v1/accounts/{bad}",
        f"/api/v1/accounts/{bad}/statuses",
        f"/api/v1/notifications/{bad}",
    ):
        response = alice_masto.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"error": "Record not found"}
    assert alice_masto.post(f"/api/v1/notifications/{bad}/dismiss").status_code == 404
    assert alice_masto.get("/api/v1/accounts/relationships", {"id[]": bad}).json() == []
    assert alice_masto.get("/api/v1/timelines/home", {"max_id": bad, "since_id": bad}).status_code == 200


def test_a_null_character_in_a_lookup_or_a_tag_finds_nothing(alice, alice_masto):
    # Found by the schemathesis run on PostgreSQL, which refuses a NUL in a query (a 500).
    response = alice_masto.get("/api/v1/accounts/lookup", {"acct": "ali\x00ce"})
    assert response.status_code == 404 and response.json() == {"error": "Record not found"}
    response = alice_masto.get("/api/v1/timelines/tag/te%00a")
    assert response.status_code == 200 and response.json() == []


def test_a_list_fields_errors_read_as_words(alice, alice_masto):
    response = alice_masto.post(
        "/api/v1/reports", {"account_id": str(alice.pk), "status_ids": ["1\x00"]}, format="json"
    )
    assert response.status_code == 422
    assert response.json() == {"error": "status_ids: 0: Null characters are not allowed."}


@pytest.mark.parametrize("path", ["/api/v1/nothing%0A", "/api/v1/statuses/1/nothing%0A", "/api/v2/%0A"])
def test_an_unknown_path_with_a_line_break_is_a_json_404(alice_masto, path):
    response = alice_masto.post(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_notifications_of_only_unknown_types_are_an_empty_list(alice, bob, alice_masto):
    post = post_create(author=alice, body="Tea?")
    post_like(member=bob, post=post)

    assert alice_masto.get("/api/v1/notifications", {"types[]": ["favourite"]}).json()[0]["type"] == "favourite"
    answer = alice_masto.get("/api/v1/notifications", {"types[]": ["warn"], "exclude_types[]": ["s\U000f6cbe"]})
    assert answer.status_code == 200 and answer.json() == []
