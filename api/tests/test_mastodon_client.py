"""Mastodon.py, a real client library, against a live server: app registration, the
OAuth flow through the consent page (a logged-in test client), then a member's day."""

import re
from urllib.parse import urlsplit

import pytest
from mastodon import Mastodon

from posts.models import Post
from posts.tests import images

OOB = "urn:ietf:wg:oauth:2.0:oob"
SCOPES = ["read", "write", "follow"]


def authorize(client, url: str) -> str:
    """Walk the consent page as the logged-in member; the out-of-band code it shows."""
    parts = urlsplit(url)
    path = f"{parts.path}?{parts.query}"
    page = client.get(path)
    assert page.status_code == 200, page.content
    assert b"Allow" in page.content
    shown = client.post(path, {"allow": "1"})
    assert shown.status_code == 200, shown.content
    return re.search(rb'id="oauth-code"[^>]*|value="([^"]+)"', shown.content) and shown.context["code"]


def app_for(live_server, client) -> Mastodon:
    client_id, client_secret = Mastodon.create_app(
        "Mastodon.py test", api_base_url=live_server.url, redirect_uris=OOB, scopes=SCOPES
    )
    api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=live_server.url)
    code = authorize(client, api.auth_request_url(redirect_uris=OOB, scopes=SCOPES))
    api.log_in(code=code, redirect_uri=OOB, scopes=SCOPES, allow_http=True)
    return api


# serialized_rollback: the flush afterwards must not take the migrations' rows with it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_member_uses_the_site_through_mastodon_py(live_server, alice, bob, alice_client, bob_client, settings):
    settings.SITE_URL = live_server.url
    alice_api = app_for(live_server, alice_client)
    bob_api = app_for(live_server, bob_client)

    assert alice_api.retrieve_mastodon_version() == "4.3.0"
    me = alice_api.account_verify_credentials()
    assert me.acct == "alice"
    assert int(me.id) == alice.pk
    assert alice_api.app_verify_credentials().name == "Mastodon.py test"

    first = alice_api.status_post("Hello from an app #mastodonpy")
    assert first.content.startswith("<p>") and first.tags[0].name == "mastodonpy"
    reply = bob_api.status_post("@alice welcome!", in_reply_to_id=first.id)
    assert reply.in_reply_to_id == first.id
    assert alice_api.status_context(first.id).descendants[0].id == reply.id

    assert bob_api.status_favourite(first.id).favourited is True
    boost = bob_api.status_reblog(first.id)
    assert boost.reblog.id == first.id
    assert [a.username for a in alice_api.status_favourited_by(first.id)] == ["bob"]
    assert [a.username for a in alice_api.status_reblogged_by(first.id)] == ["bob"]

    kinds = {n.type for n in alice_api.notifications()}
    assert {"mention", "favourite", "reblog"} <= kinds
    only = alice_api.notifications(types=["favourite"])
    assert {n.type for n in only} == {"favourite"}

    for number in range(5):
        alice_api.status_post(f"Post number {number}")
    page = bob_api.timeline_home(limit=3)
    assert len(page) == 3
    older = bob_api.fetch_next(page)
    assert older and {s.id for s in older}.isdisjoint({s.id for s in page})
    assert bob_api.timeline_local(limit=2)
    assert [s.id for s in bob_api.timeline_hashtag("mastodonpy")] == [first.id]

    found = bob_api.search("ali", result_type="accounts")
    assert [a.username for a in found.accounts] == ["alice"]
    assert [a.username for a in bob_api.account_search("ali")] == ["alice"]
    updated = alice_api.account_update_credentials(note="Writing from an app", locked=False, default_language="fr")
    assert updated.source.note == "Writing from an app" and updated.source.language == "fr"

    relationship = bob_api.account_relationships(alice.pk)[0]
    assert relationship.following is True
    assert bob_api.account_unfollow(alice.pk).following is False
    assert bob_api.account_follow(alice.pk).following is True
    assert [a.username for a in bob_api.account_following(bob.pk)] == ["alice"]
    assert len(bob_api.account_statuses(alice.pk)) >= 6

    # Pictures: upload (v2), alt text, a status with them, the profile's avatar.
    photo = alice_api.media_post(images.jpeg(1600, 1200).read(), mime_type="image/jpeg", description="A wall")
    assert photo.type == "image" and photo.description == "A wall"
    updated_photo = alice_api.media_update(photo, description="A red wall at sunset", focus=(0.2, -0.4))
    assert updated_photo.description == "A red wall at sunset" and updated_photo.meta.focus.x == 0.2
    assert alice_api.media(photo).url.endswith(".webp")
    drawing = alice_api.media_post(images.png(300, 200).read(), mime_type="image/png", synchronous=True)
    pictured = alice_api.status_post("Two pictures", media_ids=[photo, drawing], sensitive=True)
    assert [m.id for m in pictured.media_attachments] == [photo.id, drawing.id]
    assert pictured.media_attachments[0].description == "A red wall at sunset"
    assert bob_api.status(pictured.id).media_attachments[1].blurhash
    profile = alice_api.account_update_credentials(
        display_name="Alice in Apps",
        avatar=images.jpeg(500, 500).read(),
        avatar_mime_type="image/jpeg",
        fields=[("Pronouns", "she/her")],
    )
    assert profile.display_name == "Alice in Apps" and profile.fields[0].name == "Pronouns"
    assert alice_api.account_verify_credentials().avatar.endswith(".webp")

    edited = alice_api.status_update(first.id, "Hello again from an app #mastodonpy")
    assert edited.edited_at is not None
    assert len(alice_api.status_history(first.id)) == 2
    assert alice_api.status_source(first.id).text == "Hello again from an app #mastodonpy"
    assert bob_api.status_bookmark(first.id).bookmarked is True
    assert [s.id for s in bob_api.bookmarks()] == [first.id]
    assert [s.id for s in bob_api.favourites()] == [first.id]
    bob_api.markers_set(["home"], [first.id])
    assert bob_api.markers_get(["home"]).home.last_read_id == first.id
    assert alice_api.instance_activity()[0].statuses >= 1

    deleted = alice_api.status_delete(first.id)
    assert deleted.text == "Hello again from an app #mastodonpy"
    assert Post.objects.get(pk=first.id).is_deleted
