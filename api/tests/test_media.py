"""The project's API for images: multipart upload (id, state, preview URL, blurhash,
size), media_ids on a new post, alt text, avatar and header; refusals are 400s with
no row and no file left; a page of posts with images costs what one does."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AVATAR_SIZES
from posts import media
from posts.models import MediaAttachment, Post
from posts.tests import images

pytestmark = pytest.mark.django_db


def _files(settings):
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    def call(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return call


def _upload(api, committing, file=None, **fields):
    return committing(api.post, "/api/media", {"file": file or images.jpeg(2400, 1800), **fields}, format="multipart")


def test_an_upload_answers_processing_then_ready(alice_api, committing):
    response = alice_api.post(
        "/api/media", {"file": images.jpeg(2400, 1800), "description": "A hill"}, format="multipart"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "processing" and body["url"] == "" and body["post"] is None
    assert (body["width"], body["height"], body["description"]) == (2400, 1800, "A hill")
    committing(media.media_process, attachment_id=body["id"])
    ready = alice_api.get(f"/api/media/{body['id']}").json()
    assert ready["state"] == "ready"
    assert ready["url"].endswith(".webp") and ready["preview_url"].endswith(".webp") and ready["blurhash"]
    assert (ready["width"], ready["height"]) == (1920, 1440)


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (images.not_an_image, "not an image we can show"),
        (images.svg, "not an image we can show"),
        (images.png_bomb, "at most 40 megapixels"),
        (images.truncated_jpeg, "damaged or incomplete"),
        (images.huge_file, "at most 16 MB"),
    ],
    ids=["not-an-image-named-jpg", "svg", "png-bomb", "truncated-jpeg", "40-mb"],
)
def test_bad_uploads_are_400_with_nothing_left(alice_api, committing, settings, file, message):
    response = committing(alice_api.post, "/api/media", {"file": file()}, format="multipart")
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert MediaAttachment.objects.count() == 0 and _files(settings) == []


def test_a_post_shows_its_uploads_in_order(alice_api, bob_api, committing):
    first, second = (_upload(alice_api, committing).json()["id"] for _ in range(2))
    response = alice_api.post("/api/posts", {"body": "", "media_ids": [second, first]}, format="json")
    assert response.status_code == 201, response.content
    post = response.json()
    assert [m["id"] for m in post["media"]] == [second, first]
    assert post["media"][0]["state"] == "ready" and post["media"][0]["post"] == post["id"]
    shown = bob_api.get(f"/api/posts/{post['id']}").json()
    assert [m["id"] for m in shown["media"]] == [second, first]
    # A boost shows the images in boost_of.
    boosted = bob_api.post(f"/api/posts/{post['id']}/boost").json()
    timeline = bob_api.get("/api/timeline").json()["items"]
    assert timeline[0]["media"] == [] and [m["id"] for m in timeline[0]["boost_of"]["media"]] == [second, first]
    assert boosted["boosted"] is True


@pytest.mark.parametrize("case", ["someone-elses", "already-in-a-post", "five", "unknown"])
def test_media_ids_that_cannot_be_used_are_400_and_no_post(alice_api, bob_api, committing, case):
    mine = [_upload(alice_api, committing, images.jpeg(64, 64)).json()["id"] for _ in range(5 if case == "five" else 1)]
    ids = {
        "someone-elses": lambda: [_upload(bob_api, committing).json()["id"]],
        "already-in-a-post": lambda: (
            alice_api.post("/api/posts", {"body": "x", "media_ids": mine}, format="json") and mine
        ),
        "five": lambda: mine,
        "unknown": lambda: [mine[0] + 1000],
    }[case]()
    before = Post.objects.count()
    response = alice_api.post("/api/posts", {"body": "with images", "media_ids": ids}, format="json")
    assert response.status_code == 400
    assert response.json()["message"]
    assert Post.objects.count() == before


def test_an_empty_post_without_images_is_refused(alice_api):
    response = alice_api.post("/api/posts", {"body": ""}, format="json")
    assert response.status_code == 400 and Post.objects.count() == 0


def test_alt_text_is_changed_by_its_owner_only(alice_api, bob_api, committing):
    pk = _upload(alice_api, committing).json()["id"]
    response = alice_api.put(f"/api/media/{pk}", {"description": "A red hill"}, format="json")
    assert response.status_code == 200 and response.json()["description"] == "A red hill"
    assert bob_api.put(f"/api/media/{pk}", {"description": "mine"}, format="json").status_code == 404
    assert bob_api.get(f"/api/media/{pk}").status_code == 404
    too_long = alice_api.put(f"/api/media/{pk}", {"description": "x" * 10_000}, format="json")
    assert too_long.status_code == 400 and "1500" in too_long.json()["message"]
    assert MediaAttachment.objects.get(pk=pk).description == "A red hill"


def test_avatar_and_header_uploads(alice, alice_api, bob, committing, settings):
    response = committing(
        alice_api.put, f"/api/users/{alice.pk}/avatar", {"file": images.jpeg(600, 400)}, format="multipart"
    )
    assert response.status_code == 202
    committing(alice_api.put, f"/api/users/{alice.pk}/header", {"file": images.png(1500, 500)}, format="multipart")
    alice.refresh_from_db()
    assert set(alice.avatar) == {str(size) for size in AVATAR_SIZES} and alice.header
    user = alice_api.get(f"/api/users/{alice.pk}").json()
    assert user["_links"]["avatar"].endswith(".webp") and user["header"].endswith(".webp")
    # Someone else's, or a bad file: refused, nothing stored.
    before = _files(settings)
    assert alice_api.put(f"/api/users/{bob.pk}/avatar", {"file": images.jpeg()}, format="multipart").status_code == 403
    refused = committing(alice_api.put, f"/api/users/{alice.pk}/header", {"file": images.svg()}, format="multipart")
    assert refused.status_code == 400 and "not an image" in refused.json()["message"]
    assert _files(settings) == before


def test_a_page_of_posts_with_images_costs_what_a_page_of_one_does(alice, alice_api):
    def pictured(number, count):
        post = Post.objects.create(author=alice, body=f"pictures {number}")
        for position in range(count):
            MediaAttachment.objects.create(
                owner=alice, post=post, position=position, state="ready", file=f"a/{post.pk}-{position}.webp"
            )

    def queries():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = alice_api.get("/api/posts?per_page=50")
        assert response.status_code == 200
        return len(captured), response.json()["items"]

    pictured(0, 1)
    few, page = queries()
    assert len(page[0]["media"]) == 1
    for number in range(1, 30):
        pictured(number, number % 4 + 1)
    many, page = queries()
    assert len(page) == 30 and sum(len(p["media"]) for p in page) >= 70
    assert many == few


def test_changing_the_username_keeps_the_rest_of_the_profile(alice, alice_api):
    alice.display_name, alice.language, alice.theme = "Alice L.", "fr", "dark"
    alice.profile_fields = [{"name": "Pronouns", "value": "she/her"}]
    alice.save()
    response = alice_api.put(f"/api/users/{alice.pk}", {"about_me": "New"}, format="json")
    assert response.status_code == 200, response.content
    alice.refresh_from_db()
    assert (alice.display_name, alice.language, alice.theme, alice.about_me) == ("Alice L.", "fr", "dark", "New")
    assert alice.profile_fields == [{"name": "Pronouns", "value": "she/her"}]
