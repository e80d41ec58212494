"""The profile: display name, a 500-character linkified bio, up to 4 fields, the
join date, an avatar (square, several sizes) and a header, on disk or in S3."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from accounts.models import AVATAR_SIZES
from posts.tests import images
from posts.tests.factories import PostFactory

EDIT = "/profile/edit/"


@pytest.fixture(autouse=True)
def _after_commit(django_capture_on_commit_callbacks, monkeypatch):
    """The worker's cropping and file deletion run when the view returns, as after its commit."""
    import accounts.views

    original = accounts.views.profile_image_set

    def committing(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(**kwargs)

    monkeypatch.setattr(accounts.views, "profile_image_set", committing)


def _form(member, **changes):
    data = {
        "username": member.username,
        "display_name": member.display_name,
        "about_me": member.about_me,
        "language": "",
    }
    return {**data, **changes}


def _size(name):
    with default_storage.open(name, "rb") as stored:
        return Image.open(io.BytesIO(stored.read())).size


def _files(settings):
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_display_name_bio_fields_and_join_date_show_on_the_profile(alice, alice_client, bob_client):
    bio = "Tea at https://tea.example/ with @bob #oolong " + "x" * 300
    response = alice_client.post(
        EDIT,
        _form(
            alice,
            display_name="Alice 🍵 Lidell",
            about_me=bio,
            field_name_0="Pronouns",
            field_value_0="she/her",
            field_name_1="Site",
            field_value_1="https://alice.example",
        ),
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.display_name == "Alice 🍵 Lidell"
    assert alice.profile_fields == [
        {"name": "Pronouns", "value": "she/her"},
        {"name": "Site", "value": "https://alice.example"},
    ]
    page = bob_client.get("/@alice/").text
    assert "Alice 🍵 Lidell" in page and "@alice" in page
    assert 'href="https://tea.example/"' in page and 'href="/tags/oolong/"' in page
    assert "Pronouns" in page and "she/her" in page and 'href="https://alice.example"' in page
    assert "Joined" in page
    # Posts show the display name beside the @username.
    PostFactory(author=alice, body="Hello")
    assert 'Alice 🍵 Lidell</a> <span class="text-muted">@alice</span>' in bob_client.get("/@alice/").text


def test_a_field_needs_both_label_and_content_and_a_long_name_is_refused(alice, alice_client):
    response = alice_client.post(EDIT, _form(alice, field_name_0="Pronouns", display_name="x" * 51))
    assert response.status_code == 200
    assert "Fill in both or neither." in response.text
    alice.refresh_from_db()
    assert alice.profile_fields == [] and alice.display_name == ""


def test_an_avatar_is_cropped_square_in_several_sizes_and_replaces_the_identicon(alice, alice_client, settings):
    response = alice_client.post(EDIT, _form(alice, avatar_upload=images.jpeg(1200, 800, gps=True)))
    assert response.status_code == 302
    alice.refresh_from_db()
    assert sorted(int(size) for size in alice.avatar) == sorted(AVATAR_SIZES)
    assert [_size(alice.avatar[str(size)]) for size in AVATAR_SIZES] == [(size, size) for size in AVATAR_SIZES]
    assert alice.avatar_original == ""
    page = alice_client.get("/").text if PostFactory(author=alice) else ""
    assert f"/media/{alice.avatar['96']}" in page
    # A new avatar replaces the old files.
    old = set(alice.avatar.values())
    alice_client.post(EDIT, _form(alice, avatar_upload=images.png(500, 500)))
    alice.refresh_from_db()
    assert not old & set(_files(settings))
    assert sorted(_files(settings)) == sorted(alice.avatar.values())


def test_a_header_is_cropped_to_three_to_one(alice, alice_client):
    alice_client.post(EDIT, _form(alice, header_upload=images.jpeg(2000, 2000)))
    alice.refresh_from_db()
    assert _size(alice.header) == (1500, 500)
    assert f'src="/media/{alice.header}"' in alice_client.get("/@alice/").text


@pytest.mark.parametrize(
    "upload", [images.svg, images.png_bomb, images.not_an_image], ids=["svg", "bomb", "not-an-image"]
)
def test_a_bad_avatar_is_refused_and_nothing_is_kept(alice, alice_client, settings, upload):
    response = alice_client.post(EDIT, _form(alice, avatar_upload=upload()))
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.avatar == {} and alice.avatar_original == "" and _files(settings) == []


def test_an_avatar_in_s3(alice, alice_client, s3_media):
    s3, bucket = s3_media
    alice_client.post(EDIT, _form(alice, avatar_upload=images.jpeg(600, 600)))
    alice.refresh_from_db()
    keys = sorted(item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"])
    assert keys == sorted(alice.avatar.values())
    assert alice.avatar_url(96).startswith("http://127.0.0.1:")


def test_s3_down_keeps_the_rest_and_says_so(alice, alice_client, s3_down):
    response = alice_client.post(EDIT, _form(alice, display_name="Still saved", avatar_upload=images.jpeg()))
    assert response.status_code == 503
    assert "can&#x27;t be stored right now" in response.text
    alice.refresh_from_db()
    assert alice.display_name == "Still saved" and alice.avatar == {}
