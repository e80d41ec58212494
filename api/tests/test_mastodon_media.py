"""Mastodon's media endpoints (https://docs.joinmastodon.org/methods/media/): upload
(v2 answers while a worker processes, v1 after), lookup while processing, alt text and
focus, media_ids on statuses and edits, the pictures of update_credentials — and
every refusal a 422 {"error"} with no row and no file left behind."""

import pytest
from django.core.files.storage import default_storage

from api.tests.mastodon_helpers import client_with, token_for
from api.tests.test_mastodon_api import MEDIA_ATTACHMENT, assert_shape
from posts import media
from posts.models import MediaAttachment, Post
from posts.tests import images

pytestmark = pytest.mark.django_db

V2 = "/api/v2/media"
V1 = "/api/v1/media"


def _files(settings):
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Run what a request leaves for after its commit (the worker's processing, file
    deletion) when it returns, as in production; the test's own transaction never commits."""

    def call(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return call


def upload(api, committing, file=None, **fields):
    return committing(api.post, V2, {"file": file or images.jpeg(1200, 900), **fields}, format="multipart")


def test_v2_answers_202_while_processing_then_the_lookup_is_200(alice_masto, committing, settings):
    response = alice_masto.post(V2, {"file": images.jpeg(4000, 3000, gps=True), "description": "A red wall"})
    assert response.status_code == 202
    entity = response.json()
    assert_shape(entity, MEDIA_ATTACHMENT)
    assert entity["type"] == "image" and entity["url"] is None and entity["remote_url"] is None
    assert entity["description"] == "A red wall"
    assert entity["meta"]["original"]["width"] == 4000
    # Still processing: 206, as Mastodon's.
    assert alice_masto.get(f"{V1}/{entity['id']}").status_code == 206
    committing(media.media_process, attachment_id=int(entity["id"]))
    done = alice_masto.get(f"{V1}/{entity['id']}")
    assert done.status_code == 200
    body = done.json()
    assert_shape(body, MEDIA_ATTACHMENT)
    assert body["url"].startswith(settings.SITE_URL) and body["url"].endswith(".webp")
    assert body["preview_url"] != body["url"] and body["blurhash"]
    assert body["meta"]["original"] == {"width": 1920, "height": 1440, "size": "1920x1440", "aspect": 1920 / 1440}
    assert body["meta"]["small"]["width"] == 640
    stored = MediaAttachment.objects.get(pk=body["id"])
    assert stored.original == "" and default_storage.exists(stored.file)


def test_v2_answers_200_when_the_worker_was_done_first(alice_masto, monkeypatch):
    import posts.media

    # A worker quicker than the answer (here: the task run at once, in the upload's transaction).
    monkeypatch.setattr(posts.media, "task_enqueue", lambda task, args: task(*args))
    response = alice_masto.post(V2, {"file": images.jpeg()}, format="multipart")
    assert response.status_code == 200
    assert response.json()["url"]


def test_v1_answers_once_processed(alice_masto):
    response = alice_masto.post(V1, {"file": images.png(300, 200), "focus": "0.5,-0.25"}, format="multipart")
    assert response.status_code == 200
    body = response.json()
    assert body["url"] and body["blurhash"]
    assert body["meta"]["focus"] == {"x": 0.5, "y": -0.25}


def test_alt_text_and_focus_are_updated(alice_masto, bob_masto, committing):
    entity = upload(alice_masto, committing).json()
    response = alice_masto.put(f"{V1}/{entity['id']}", {"description": "A cat asleep", "focus": "-1,1"})
    assert response.status_code == 200
    assert response.json()["description"] == "A cat asleep"
    assert response.json()["meta"]["focus"] == {"x": -1.0, "y": 1.0}
    # Someone else's upload does not exist for them.
    assert bob_masto.put(f"{V1}/{entity['id']}", {"description": "mine now"}).status_code == 404
    assert bob_masto.get(f"{V1}/{entity['id']}").status_code == 404
    for refused in ({"description": "x" * 1501}, {"focus": "2,0"}, {"focus": "left"}):
        answer = alice_masto.put(f"{V1}/{entity['id']}", refused)
        assert answer.status_code == 422 and answer.json()["error"]
    assert MediaAttachment.objects.get(pk=entity["id"]).description == "A cat asleep"


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (images.not_an_image, "not an image we can show"),
        (images.svg, "not an image we can show"),
        (images.png_bomb, "too large: at most 40 megapixels"),
        (images.truncated_jpeg, "damaged or incomplete"),
        (images.huge_file, "too large: at most 16 MB"),
        (lambda: images.gif(frames=2000, size=(8, 8)), "too long: at most 300 frames"),
    ],
    ids=["not-an-image-named-jpg", "svg", "png-bomb-50000x50000", "truncated-jpeg", "40-mb", "gif-2000-frames"],
)
@pytest.mark.parametrize("path", [V2, V1])
def test_bad_files_are_refused_with_422_and_nothing_left_behind(alice_masto, committing, settings, path, file, message):
    response = committing(alice_masto.post, path, {"file": file()}, format="multipart")
    assert response.status_code == 422
    assert message in response.json()["error"]
    assert MediaAttachment.objects.count() == 0 and _files(settings) == []


def test_an_upload_without_a_file_or_with_long_alt_text_is_refused(alice_masto, settings):
    assert alice_masto.post(V2, {"description": "no file"}, format="multipart").status_code == 422
    long = alice_masto.post(V2, {"file": images.jpeg(), "description": "x" * 10_000}, format="multipart")
    assert long.status_code == 422 and "1500" in long.json()["error"]
    bad_focus = alice_masto.post(V2, {"file": images.jpeg(), "focus": "9,9"}, format="multipart")
    assert bad_focus.status_code == 422
    assert MediaAttachment.objects.count() == 0 and _files(settings) == []


def test_alt_text_with_a_null_character_is_refused_not_stored(alice_masto, settings):
    # Found by the schemathesis run: PostgreSQL refuses a NUL in text (a 500).
    refused = alice_masto.post(V2, {"file": images.jpeg(), "description": "a\x00b"}, format="multipart")
    assert refused.status_code == 422 and refused.json() == {"error": "Null characters are not allowed."}
    assert MediaAttachment.objects.count() == 0 and _files(settings) == []
    entity = alice_masto.post(V2, {"file": images.jpeg(), "description": "A wall"}, format="multipart").json()
    changed = alice_masto.put(f"{V1}/{entity['id']}", {"description": "a\x00b"}, format="json")
    assert changed.status_code == 422
    assert MediaAttachment.objects.get(pk=entity["id"]).description == "A wall"


def test_damage_past_the_header_is_found_by_the_worker_and_shown(alice_masto, committing, settings):
    """The request reads the header and the end only; the worker decodes every pixel."""
    entity = upload(alice_masto, committing, images.corrupt_png()).json()
    attachment = MediaAttachment.objects.get(pk=entity["id"])
    assert attachment.state == MediaAttachment.State.FAILED and attachment.original == ""
    answer = alice_masto.get(f"{V1}/{entity['id']}")
    assert answer.status_code == 422 and "processing" in answer.json()["error"]
    # Its file went; a failed upload cannot go into a status.
    assert _files(settings) == []
    refused = alice_masto.post("/api/v1/statuses", {"status": "look", "media_ids[]": [entity["id"]]})
    assert refused.status_code == 422 and Post.objects.count() == 0


def test_the_synchronous_upload_refuses_damage_past_the_header(alice_masto, committing, settings):
    response = committing(alice_masto.post, V1, {"file": images.corrupt_png()}, format="multipart")
    assert response.status_code == 422
    assert MediaAttachment.objects.count() == 0 and _files(settings) == []


def test_a_status_carries_its_images_in_order(alice, alice_masto, bob_masto, committing):
    first, second = (upload(alice_masto, committing).json()["id"] for _ in range(2))
    response = alice_masto.post(
        "/api/v1/statuses", {"status": "", "media_ids[]": [second, first], "sensitive": "true", "spoiler_text": "cw"}
    )
    assert response.status_code == 200, response.content
    status = response.json()
    assert [m["id"] for m in status["media_attachments"]] == [second, first]
    assert status["sensitive"] is True and status["spoiler_text"] == "cw"
    seen = bob_masto.get(f"/api/v1/statuses/{status['id']}").json()
    assert [m["id"] for m in seen["media_attachments"]] == [second, first]
    assert seen["media_attachments"][0]["url"]
    only_media = bob_masto.get(f"/api/v1/accounts/{alice.pk}/statuses", {"only_media": "true"}).json()
    assert [s["id"] for s in only_media] == [status["id"]]


def test_json_clients_send_media_ids_as_a_list(alice_masto, committing):
    mine = upload(alice_masto, committing).json()["id"]
    response = alice_masto.post("/api/v1/statuses", {"status": "json", "media_ids": [mine]}, format="json")
    assert response.status_code == 200
    assert [m["id"] for m in response.json()["media_attachments"]] == [mine]


@pytest.mark.parametrize("case", ["someone-elses", "already-attached", "five", "unknown", "not-an-id"])
def test_media_ids_that_cannot_be_attached_are_refused(alice, bob, alice_masto, bob_masto, committing, case, settings):
    mine = [upload(alice_masto, committing).json()["id"] for _ in range(5 if case == "five" else 1)]
    if case == "someone-elses":
        ids = [upload(bob_masto, committing).json()["id"]]
    elif case == "already-attached":
        assert alice_masto.post("/api/v1/statuses", {"status": "first", "media_ids[]": mine}).status_code == 200
        ids = mine
    elif case == "unknown":
        ids = [str(int(mine[0]) + 1000)]
    elif case == "not-an-id":
        ids = ["abc"]
    else:
        ids = mine
    before = Post.objects.count()
    response = alice_masto.post("/api/v1/statuses", {"status": "with images", "media_ids[]": ids})
    assert response.status_code == 422
    assert response.json()["error"]
    assert Post.objects.count() == before
    # Nothing moved: the uploads are where they were.
    assert MediaAttachment.objects.filter(post__isnull=False).count() == (1 if case == "already-attached" else 0)


def test_an_edit_replaces_the_grid_and_sets_alt_text(alice, bob, alice_masto, committing, settings):
    kept, dropped, added = (upload(alice_masto, committing).json()["id"] for _ in range(3))
    status = alice_masto.post("/api/v1/statuses", {"status": "v1", "media_ids[]": [kept, dropped]}).json()
    dropped_files = MediaAttachment.objects.get(pk=dropped).stored_names
    response = committing(
        alice_masto.put,
        f"/api/v1/statuses/{status['id']}",
        {
            "status": "v2",
            "media_ids": [added, kept],
            "media_attributes": [{"id": kept, "description": "Now described", "focus": "0,0.5"}],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [m["id"] for m in body["media_attachments"]] == [added, kept]
    assert body["media_attachments"][1]["description"] == "Now described"
    assert not MediaAttachment.objects.filter(pk=dropped).exists()
    assert not any(default_storage.exists(name) for name in dropped_files)
    # media_ids left out: the images stay.
    again = alice_masto.put(f"/api/v1/statuses/{status['id']}", {"status": "v3"})
    assert [m["id"] for m in again.json()["media_attachments"]] == [added, kept]
    # Someone else's id in an edit: refused, nothing changed.
    theirs = media.media_upload(owner=bob, upload=images.jpeg())
    refused = alice_masto.put(f"/api/v1/statuses/{status['id']}", {"status": "v4", "media_ids[]": [kept, theirs.pk]})
    assert refused.status_code == 422
    assert Post.objects.get(pk=status["id"]).body == "v3"
    assert MediaAttachment.objects.get(pk=theirs.pk).post_id is None


def test_the_media_scope_is_needed(alice, settings):
    reader = client_with(token_for(alice, scope="read"))
    assert reader.post(V2, {"file": images.jpeg()}, format="multipart").status_code == 403
    writer = client_with(token_for(alice, scope="write:media"))
    assert writer.post(V2, {"file": images.jpeg()}, format="multipart").status_code == 202
    # write:media alone does not post statuses or change the profile.
    assert writer.post("/api/v1/statuses", {"status": "hi"}).status_code == 403
    assert writer.patch("/api/v1/accounts/update_credentials", {"display_name": "x"}).status_code == 403
    assert MediaAttachment.objects.count() == 1


def test_s3_upload_processing_and_lookup(alice_masto, committing, s3_media):
    client, bucket = s3_media
    entity = upload(alice_masto, committing, images.jpeg(2400, 1600)).json()
    body = alice_masto.get(f"{V1}/{entity['id']}").json()
    assert body["url"] and body["blurhash"]
    keys = {item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])}
    stored = MediaAttachment.objects.get(pk=entity["id"])
    assert keys == {stored.file, stored.preview}


def test_s3_down_during_upload_is_a_503_with_nothing_left(alice_masto, s3_down):
    response = alice_masto.post(V2, {"file": images.jpeg()}, format="multipart")
    assert response.status_code == 503
    assert "can't be stored" in response.json()["error"]
    assert MediaAttachment.objects.count() == 0


# update_credentials: display name, fields and the two pictures.


def test_update_credentials_takes_display_name_fields_avatar_and_header(alice, alice_masto, committing, settings):
    response = committing(
        alice_masto.patch,
        "/api/v1/accounts/update_credentials",
        {
            "display_name": "Alice 🍵",
            "fields_attributes[0][name]": "Pronouns",
            "fields_attributes[0][value]": "she/her",
            "fields_attributes[1][name]": "Site",
            "fields_attributes[1][value]": "<b>tea</b>",
            "avatar": images.jpeg(800, 600),
            "header": images.png(1500, 500),
        },
        format="multipart",
    )
    assert response.status_code == 200, response.content
    account = response.json()
    assert account["display_name"] == "Alice 🍵"
    fields = [(f["name"], f["value"]) for f in account["fields"]]
    assert fields == [("Pronouns", "she/her"), ("Site", "&lt;b&gt;tea&lt;/b&gt;")]
    assert account["source"]["fields"][1]["value"] == "<b>tea</b>"
    alice.refresh_from_db()
    assert set(alice.avatar) == {"96", "256", "400"} and alice.header
    shown = alice_masto.get("/api/v1/accounts/verify_credentials").json()
    assert shown["avatar"].endswith(".webp") and shown["header"].endswith(".webp")
    # A later PATCH of the note alone keeps all of it.
    alice_masto.patch("/api/v1/accounts/update_credentials", {"note": "Tea."})
    alice.refresh_from_db()
    assert alice.display_name == "Alice 🍵" and len(alice.profile_fields) == 2 and alice.about_me == "Tea."


@pytest.mark.parametrize("file", [images.svg, images.png_bomb, images.truncated_jpeg, images.huge_file])
def test_a_bad_picture_refuses_the_whole_update(alice, alice_masto, committing, settings, file):
    response = committing(
        alice_masto.patch,
        "/api/v1/accounts/update_credentials",
        {"display_name": "Changed", "avatar": images.jpeg(), "header": file()},
        format="multipart",
    )
    assert response.status_code == 422
    assert response.json()["error"].startswith("header:")
    alice.refresh_from_db()
    assert alice.display_name == "" and alice.avatar == {} and alice.avatar_original == ""
    assert _files(settings) == []


def test_five_profile_fields_are_refused(alice, alice_masto):
    data = {f"fields_attributes[{i}][name]": f"n{i}" for i in range(5)}
    data.update({f"fields_attributes[{i}][value]": f"v{i}" for i in range(5)})
    response = alice_masto.patch("/api/v1/accounts/update_credentials", data)
    assert response.status_code == 422 and "at most 4" in response.json()["error"]


def test_a_bucket_that_is_down_undoes_the_whole_update(alice, alice_masto, s3_down):
    before = (alice.display_name, alice.about_me)
    response = alice_masto.patch(
        "/api/v1/accounts/update_credentials",
        {"display_name": "Changed", "note": "New note", "avatar": images.jpeg()},
        format="multipart",
    )
    assert response.status_code == 503
    alice.refresh_from_db()
    assert (alice.display_name, alice.about_me) == before and alice.avatar_original == ""
