"""Images in posts: upload through the composer, processing (re-encoded, metadata
gone, scaled, preview, blurhash), the grid in the post card, deletion of the files,
and every kind of bad input refused with a message and nothing left behind."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from posts import media, services
from posts.media import MediaError, media_for_post
from posts.models import MediaAttachment, Post
from posts.tests import images

HOME = "/"


@pytest.fixture(autouse=True)
def _after_commit(django_capture_on_commit_callbacks, monkeypatch):
    """What runs after commit (processing, file deletion) runs when each call returns,
    as in production after the request's transaction; the test's own never commits."""
    import posts.media
    import posts.services
    import posts.views

    def committing(function):
        def call(*args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return function(*args, **kwargs)

        return call

    for module, names in (
        (posts.services, ["post_create", "post_delete", "post_edit"]),
        (posts.media, ["media_upload", "media_discard", "media_remove"]),
    ):
        for name in names:
            monkeypatch.setattr(module, name, committing(getattr(module, name)))
    monkeypatch.setattr(posts.views, "media_uploads_store", committing(posts.views.media_uploads_store))
    monkeypatch.setattr(posts.views, "post_create", committing(posts.views.post_create))
    monkeypatch.setattr(posts.views, "media_discard", committing(posts.views.media_discard))
    monkeypatch.setattr(posts.views, "post_edit", committing(posts.views.post_edit))


def _files(settings):
    root = settings.MEDIA_ROOT
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) if root.exists() else []


def _post(client, *files, body="Look at this", **fields):
    data = {"body": body, **fields}
    if files:
        data["images"] = list(files)
    return client.post(HOME, data)


def _opened(name) -> Image.Image:
    with default_storage.open(name, "rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        image.load()
    return image


def test_two_photos_with_alt_text_become_a_post_with_processed_images(alice, alice_client, settings):
    response = _post(
        alice_client,
        images.jpeg(4000, 3000, gps=True),
        images.png(300, 200),
        alt_0="A red wall at sunset",
        alt_1="A blue square",
    )
    assert response.status_code == 302
    post = Post.objects.get(author=alice)
    first, second = post.attachments.order_by("position")
    assert (first.description, second.description) == ("A red wall at sunset", "A blue square")
    assert first.state == second.state == MediaAttachment.State.READY
    # Scaled to 1920 on the long side, a 640 preview, a blurhash; the original is gone.
    assert (first.width, first.height) == (1920, 1440)
    assert (first.preview_width, first.preview_height) == (640, 480)
    assert first.blurhash and first.original == ""
    full = _opened(first.file)
    assert full.format == "WEBP" and full.size == (1920, 1440)
    # No EXIF (camera, GPS) survives the re-encoding.
    assert not full.getexif() and "exif" not in full.info
    assert _opened(second.preview).size == (300, 200)
    assert sorted(_files(settings)) == sorted([first.file, first.preview, second.file, second.preview])
    # Random names, never the uploaded ones.
    assert "photo" not in first.file and "drawing" not in second.file


def test_orientation_is_applied_and_the_stored_size_is_as_shown(alice):
    # EXIF orientation 6: the camera held upright, the pixels stored sideways.
    attachment = media.media_upload(owner=alice, upload=images.jpeg(800, 600, orientation=6))
    assert (attachment.width, attachment.height) == (600, 800)  # known at once, for the placeholder
    attachment.refresh_from_db()
    assert (attachment.width, attachment.height) == (600, 800)
    full = _opened(attachment.file)
    assert full.size == (600, 800)
    # The dark stripe was on the left of the stored pixels: turned upright it is at the top.
    assert full.convert("RGB").getpixel((300, 5))[0] < 60
    assert full.convert("RGB").getpixel((5, 400))[0] > 150


def test_the_timeline_shows_a_grid_with_sizes_alt_text_and_lazy_loading(alice, alice_client):
    _post(alice_client, images.jpeg(), images.jpeg(), alt_0="First photo", alt_1="Second photo")
    page = alice_client.get(HOME).text
    assert 'class="media-grid media-grid-2"' in page
    assert 'alt="First photo"' in page and 'alt="Second photo"' in page
    assert 'loading="lazy"' in page
    assert 'width="640" height="480"' in page
    assert "data-lightbox-item" in page and 'data-blurhash="' in page


def test_a_post_may_be_only_images(alice, alice_client):
    assert _post(alice_client, images.jpeg(), body="").status_code == 302
    assert Post.objects.get(author=alice).attachments.count() == 1


def test_an_image_still_processing_shows_a_placeholder_not_a_broken_image(alice, alice_client, settings):
    from microblog.celery import app

    app.conf.task_always_eager = False  # no worker: it stays "processing"
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("posts.tasks.media_process.apply_async", lambda *args, **kwargs: None)
            _post(alice_client, images.jpeg(), alt_0="Soon")
    finally:
        app.conf.task_always_eager = True
    page = alice_client.get(HOME).text
    assert "Processing image…" in page
    assert '<img src=""' not in page and 'src=""' not in page


def test_deleting_a_post_deletes_its_files_after_commit(alice, alice_client, settings):
    _post(alice_client, images.jpeg(), images.png())
    post = Post.objects.get(author=alice)
    assert len(_files(settings)) == 4
    services.post_delete(post=post)
    assert MediaAttachment.objects.count() == 0
    assert _files(settings) == []


def test_removing_an_image_by_editing_deletes_it(alice, alice_client, settings):
    _post(alice_client, images.jpeg(), images.png())
    post = Post.objects.get(author=alice)
    kept, removed = post.attachments.order_by("position")
    services.post_edit(post=post, body=post.body, remove_media=[removed.pk])
    assert list(post.attachments.all()) == [kept]
    assert sorted(_files(settings)) == sorted([kept.file, kept.preview])
    post.refresh_from_db()
    assert post.edited is not None


def test_someone_elses_upload_cannot_be_attached(alice, bob):
    theirs = media.media_upload(owner=bob, upload=images.jpeg())
    with pytest.raises(MediaError):
        media_for_post(owner=alice, ids=[theirs.pk])
    mine = media.media_upload(owner=alice, upload=images.jpeg())
    post = services.post_create(author=alice, body="", attachments=media_for_post(owner=alice, ids=[mine.pk]))
    # Once in a post, it cannot be used again.
    with pytest.raises(MediaError):
        media_for_post(owner=alice, ids=[mine.pk])
    assert list(post.attachments.all()) == [mine]


@pytest.mark.parametrize(
    ("upload", "message"),
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
def test_bad_files_are_refused_with_a_message_and_nothing_left_behind(alice, alice_client, settings, upload, message):
    response = _post(alice_client, upload())
    assert response.status_code == 200
    assert message in response.text
    assert Post.objects.count() == 0 and MediaAttachment.objects.count() == 0
    assert _files(settings) == []


def test_five_images_are_refused(alice, alice_client, settings):
    response = _post(alice_client, *[images.jpeg(64, 64) for _ in range(5)])
    assert response.status_code == 200
    assert "at most 4 images" in response.text
    assert Post.objects.count() == 0 and _files(settings) == []


def test_alt_text_of_10000_characters_is_refused(alice, alice_client, settings):
    response = _post(alice_client, images.jpeg(), alt_0="x" * 10_000)
    assert response.status_code == 200
    assert "at most 1500 characters" in response.text
    assert Post.objects.count() == 0 and _files(settings) == []


def test_an_animated_gif_stays_animated(alice):
    attachment = media.media_upload(owner=alice, upload=images.gif(frames=10, size=(64, 48)))
    attachment.refresh_from_db()
    assert attachment.animated and attachment.state == "ready"
    full = _opened(attachment.file)
    assert full.format == "WEBP" and getattr(full, "n_frames", 1) == 10
    # The preview is still: the first frame.
    assert getattr(_opened(attachment.preview), "n_frames", 1) == 1


def test_a_double_submission_makes_one_post_and_keeps_no_extra_files(alice, alice_client, settings):
    token = "same-token-twice"
    _post(alice_client, images.jpeg(), form_token=token)
    _post(alice_client, images.jpeg(), form_token=token)
    post = Post.objects.get(author=alice)
    assert MediaAttachment.objects.count() == 1
    assert sorted(_files(settings)) == sorted(post.attachments.get().stored_names)


def test_images_are_stored_and_processed_in_s3(alice, alice_client, s3_media):
    s3, bucket = s3_media
    _post(alice_client, images.jpeg(2000, 1000), alt_0="In the bucket")
    attachment = MediaAttachment.objects.get()
    assert attachment.state == "ready" and (attachment.width, attachment.height) == (1920, 960)
    keys = sorted(item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"])
    assert keys == sorted([attachment.file, attachment.preview])  # the original is gone
    assert f"/{bucket}/{attachment.preview}" in alice_client.get(HOME).text
    services.post_delete(post=attachment.post)
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount") == 0


def test_s3_down_during_upload_is_a_message_not_a_500(alice, alice_client, s3_down):
    response = _post(alice_client, images.jpeg(), alt_0="Nowhere to go")
    assert response.status_code == 503
    assert "can&#x27;t be stored right now" in response.text
    assert Post.objects.count() == 0 and MediaAttachment.objects.count() == 0


def test_sensitive_images_are_hidden_behind_a_button(alice, alice_client):
    _post(alice_client, images.jpeg(), alt_0="A scar", sensitive="on")
    post = Post.objects.get(author=alice)
    assert post.sensitive
    page = alice_client.get(HOME).text
    sensitive = page[page.index('<details class="post-sensitive">') :]
    assert sensitive.index("Sensitive content") < sensitive.index('alt="A scar"') < sensitive.index("</details>")


def test_the_edit_page_removes_a_chosen_image(alice, alice_client, settings):
    _post(alice_client, images.jpeg(), images.png(), alt_0="Keep me", alt_1="Drop me")
    post = Post.objects.get(author=alice)
    kept, dropped = post.attachments.order_by("position")
    page = alice_client.get(f"/post/{post.pk}/edit/").text
    assert "Drop me" in page
    response = alice_client.post(f"/post/{post.pk}/edit/", {"body": post.body, "remove_media": [dropped.pk]})
    assert response.status_code == 302
    assert list(post.attachments.all()) == [kept]
    assert sorted(_files(settings)) == sorted(kept.stored_names)


def test_attachments_are_fetched_in_one_query_per_page(alice, bob, bob_client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def page_queries():
        with CaptureQueriesContext(connection) as queries:
            assert bob_client.get(HOME).status_code == 200
        return len(queries)

    media.media_upload(owner=alice, upload=images.jpeg(64, 64))
    services.post_create(author=alice, body="one", attachments=list(MediaAttachment.objects.filter(post__isnull=True)))
    one = page_queries()
    for _ in range(6):
        uploads = [media.media_upload(owner=alice, upload=images.jpeg(64, 64)) for _ in range(3)]
        services.post_create(author=alice, body="more", attachments=uploads)
    assert MediaAttachment.objects.count() == 19
    with django_assert_max_num_queries(one):
        assert "media-grid-3" in bob_client.get(HOME).text


def test_the_export_lists_each_posts_images(alice, alice_client, django_capture_on_commit_callbacks):
    import json

    from messaging.models import Job

    _post(alice_client, images.jpeg(), alt_0="Exported photo", spoiler_text="Careful")
    services.post_create(author=alice, body="No images here")
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post("/export/")
    exported = json.loads(Job.objects.get(user=alice).result_path().read_text())
    with_image, plain = exported["posts"]
    (image,) = with_image["media"]
    attachment = MediaAttachment.objects.get()
    assert image == {
        "url": f"http://localhost:8000/media/{attachment.file}",
        "description": "Exported photo",
        "width": 800,
        "height": 600,
    }
    assert with_image["content_warning"] == "Careful"
    assert "media" not in plain
