import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Block, Follow, Mute
from accounts.tests.factories import UserFactory
from messaging.models import Job
from posts.imports import IMPORT_JOB
from posts.models import Bookmark
from posts.tests.factories import PostFactory

IMPORT = reverse("posts:import")
DATA = reverse("posts:data")
FOLLOWING_HEADER = "Account address,Show boosts,Notify on new posts,Languages\n"


@pytest.fixture(autouse=True)
def _job_files_in_tmp(settings, tmp_path):
    settings.JOB_RESULTS_DIR = tmp_path / "jobs"


def _import(client, capture, content, kind="following", mode="merge", name="following_accounts.csv"):
    data = content.encode() if isinstance(content, str) else content
    with capture(execute=True):
        return client.post(IMPORT, {"kind": kind, "mode": mode, "file": SimpleUploadedFile(name, data, "text/csv")})


def _summary(user):
    return Job.objects.filter(user=user, name=IMPORT_JOB).latest("created").summary


def test_it_follows_the_local_accounts_and_counts_the_rest(
    alice, charlie, alice_client, django_capture_on_commit_callbacks
):
    dave = UserFactory(username="Dave")
    content = (
        FOLLOWING_HEADER + "charlie@localhost,true,false,\n"
        "@dave@localhost,true,false,\r\n"  # Mastodon's leading @, another case, CRLF
        "gargron@mastodon.social,true,false,\n"
        "nobody@localhost,true,false,\n"
        "charlie@localhost,true,false,\n"
    )

    response = _import(alice_client, django_capture_on_commit_callbacks, content)

    assert response.status_code == 302
    assert set(Follow.objects.filter(follower=alice).values_list("followed__username", flat=True)) == {
        "charlie",
        "Dave",
    }
    summary = _summary(alice)
    assert {key: summary[key] for key in ("rows", "added", "remote", "unknown", "duplicates", "refused")} == {
        "rows": 4,
        "added": 2,
        "remote": 1,
        "unknown": 1,
        "duplicates": 1,
        "refused": 0,
    }
    page = alice_client.get(DATA).text
    assert "2 added" in page and "1 on other servers, 1 not found here" in page
    assert dave.pk


def test_running_the_same_import_twice_changes_nothing_more(
    alice, charlie, alice_client, django_capture_on_commit_callbacks
):
    content = "charlie@localhost\n"
    _import(alice_client, django_capture_on_commit_callbacks, content, kind="blocks")
    _import(alice_client, django_capture_on_commit_callbacks, content, kind="blocks")

    assert Block.objects.filter(blocker=alice, blocked=charlie).count() == 1
    assert (_summary(alice)["added"], _summary(alice)["already"]) == (0, 1)


def test_overwrite_undoes_what_the_file_does_not_name(
    alice, bob, charlie, alice_client, django_capture_on_commit_callbacks
):
    Mute.objects.create(muter=alice, muted=bob)

    _import(
        alice_client,
        django_capture_on_commit_callbacks,
        "Account address,Hide notifications\ncharlie@localhost,false\n",
        kind="mutes",
        mode="overwrite",
    )

    assert list(Mute.objects.filter(muter=alice).values_list("muted__username", "notifications")) == [
        ("charlie", False)
    ]
    assert _summary(alice)["removed"] == 1


def test_merge_keeps_what_the_file_does_not_name(alice, bob, charlie, alice_client, django_capture_on_commit_callbacks):
    Mute.objects.create(muter=alice, muted=bob)

    _import(alice_client, django_capture_on_commit_callbacks, "charlie@localhost,true\n", kind="mutes")

    assert Mute.objects.filter(muter=alice).count() == 2


def test_oneself_and_a_member_who_blocked_me_are_refused_rows_not_errors(
    alice, charlie, alice_client, django_capture_on_commit_callbacks
):
    Block.objects.create(blocker=charlie, blocked=alice)

    response = _import(alice_client, django_capture_on_commit_callbacks, "alice@localhost\ncharlie@localhost\n")

    assert response.status_code == 302
    assert not Follow.objects.filter(follower=alice).exists()
    summary = _summary(alice)
    assert summary["refused"] == 2
    assert [refusal["row"] for refusal in summary["refusals"]] == ["alice@localhost", "charlie@localhost"]
    assert "You can&#x27;t follow charlie." in alice_client.get(DATA).text


def test_bookmarks_are_imported_by_their_post_links(alice, bob, alice_client, django_capture_on_commit_callbacks):
    post = PostFactory(author=bob)

    _import(
        alice_client,
        django_capture_on_commit_callbacks,
        f"http://localhost:8000/@bob/{post.pk}/\nhttps://mastodon.social/@Gargron/1/\n",
        kind="bookmarks",
    )

    assert list(Bookmark.objects.filter(member=alice).values_list("post", flat=True)) == [post.pk]
    assert _summary(alice)["remote"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary content"),
        ("caf\xe9@localhost\n".encode("latin-1"), "it must be UTF-8 text"),
        ("", "The submitted file is empty."),
        ("\n \n,,\n", "The file names no accounts or posts."),
        ("Account address,Hide notifications\nbob@localhost,true\n", "expected Account address,Show boosts"),
        ("#uri\nhttp://localhost:8000/@bob/1/\n", "holds a different list"),
        ("=cmd|' /C calc'!A0\n", "Line 1 is not an account address"),
        ("bob@localhost,true,false,,extra\n", "Line 1 has 5 columns"),
        ('"bob@localhost\n', "This is not a CSV file this import can read"),
    ],
)
def test_a_file_it_cannot_read_is_refused_whole(
    alice, bob, alice_client, django_capture_on_commit_callbacks, content, message
):
    Follow.objects.create(follower=alice, followed=bob)
    response = _import(alice_client, django_capture_on_commit_callbacks, content, mode="overwrite")

    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Job.objects.exists()
    assert Follow.objects.filter(follower=alice, followed=bob).exists()  # nothing half-applied


def test_a_bad_row_after_good_ones_refuses_the_whole_file(
    alice, charlie, alice_client, django_capture_on_commit_callbacks
):
    response = _import(alice_client, django_capture_on_commit_callbacks, "charlie@localhost\n=HYPERLINK(1)\n")

    assert response.status_code == 400 and "Line 2 is not an account address" in response.text
    assert not Follow.objects.exists()


def test_a_byte_order_mark_is_read_as_excel_writes_it(alice, charlie, alice_client, django_capture_on_commit_callbacks):
    _import(alice_client, django_capture_on_commit_callbacks, "\ufeff" + FOLLOWING_HEADER + "charlie@localhost\n")

    assert Follow.objects.filter(follower=alice, followed=charlie).exists()


def test_a_file_over_the_size_limit_is_refused(alice, alice_client, django_capture_on_commit_callbacks, settings):
    settings.IMPORT_MAX_BYTES = 1024
    response = _import(alice_client, django_capture_on_commit_callbacks, "bob@localhost\n" * 200)

    assert response.status_code == 400 and "The file is too large (2 KB); the largest is 1 KB." in response.text


def test_a_million_rows_are_refused_as_too_large(alice, alice_client, django_capture_on_commit_callbacks):
    content = "".join(f"m{n}@localhost\n" for n in range(1_000_000))  # 17 MB: the upload handler stops reading

    response = _import(alice_client, django_capture_on_commit_callbacks, content)

    assert response.status_code == 400 and "The file is too large; the largest is 2048 KB." in response.text
    assert not Job.objects.exists()


def test_a_file_past_the_row_limit_is_refused(alice, alice_client, django_capture_on_commit_callbacks):
    content = "".join(f"m{n}@localhost\n" for n in range(20_001))

    response = _import(alice_client, django_capture_on_commit_callbacks, content)

    assert response.status_code == 400 and "more than 20000 rows" in response.text
    assert not Job.objects.exists()


def test_one_import_at_a_time(alice, alice_client):
    alice_client.post(IMPORT, {"kind": "blocks", "mode": "merge", "file": SimpleUploadedFile("a.csv", b"bob@x\n")})
    response = alice_client.post(
        IMPORT, {"kind": "blocks", "mode": "merge", "file": SimpleUploadedFile("a.csv", b"bob@x\n")}
    )

    assert response.status_code == 409 and "An import is running already." in response.text
    assert Job.objects.count() == 1


def test_the_import_needs_login_and_post(client, alice_client):
    assert client.post(IMPORT).status_code == 302
    assert client.get(DATA).status_code == 302
    assert alice_client.get(IMPORT).status_code == 405


# Session, member, latest archive, imports, the layout's job status (its sidebar cached).
DATA_PAGE_QUERIES = 5


def test_the_data_page_costs_the_same_with_one_import_or_many(
    alice, alice_client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    _import(alice_client, django_capture_on_commit_callbacks, "bob@localhost\n", kind="blocks")
    alice_client.get(DATA)  # fills the sidebar's caches
    with django_assert_num_queries(DATA_PAGE_QUERIES):
        assert alice_client.get(DATA).text.count("done:") == 1
    for _ in range(12):
        _import(alice_client, django_capture_on_commit_callbacks, "bob@localhost\n", kind="blocks")

    with django_assert_num_queries(DATA_PAGE_QUERIES):
        response = alice_client.get(DATA)
    assert response.text.count("done:") == 10
