"""The CSV registry (posts.csv_kinds): each kind written in Mastodon's format, one query
however many rows, and read back by the import into another account (the round trip the
archive promises), for every kind in KINDS."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Block, Follow, Mute
from accounts.services import block_create, mute_create
from accounts.tests.factories import UserFactory
from messaging.models import Job
from posts.csv_kinds import KINDS
from posts.imports import IMPORT_JOB, import_parse, import_start
from posts.models import Bookmark
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def _csv(kind, user) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if kind.writes_header:
        writer.writerow(kind.header)
    writer.writerows(kind.rows(user))
    return out.getvalue()


def test_blocks_and_mutes_come_out_in_mastodons_format(alice, bob, charlie, settings, django_assert_num_queries):
    settings.SITE_URL = "https://social.example"
    block_create(blocker=alice, blocked=charlie)
    mute_create(muter=alice, muted=bob, notifications=False)

    with django_assert_num_queries(1):
        assert _csv(KINDS["blocks"], alice) == "charlie@social.example\n"
    assert _csv(KINDS["mutes"], alice) == "Account address,Hide notifications\nbob@social.example,false\n"


def test_ended_mutes_and_closed_accounts_are_left_out(alice, bob, charlie):
    mute_create(muter=alice, muted=bob)
    Mute.objects.update(expires=timezone.now() - datetime.timedelta(minutes=1))
    block_create(blocker=alice, blocked=charlie)
    charlie.is_active = False
    charlie.save()

    assert _csv(KINDS["blocks"], alice) == ""
    assert _csv(KINDS["mutes"], alice) == "Account address,Hide notifications\n"


@pytest.mark.parametrize("name", sorted(KINDS))
def test_each_kind_costs_one_query_however_many_rows(alice, name, django_assert_num_queries):
    for member in UserFactory.create_batch(5):
        Follow.objects.create(follower=alice, followed=member)
        Block.objects.create(blocker=alice, blocked=member)
        Mute.objects.create(muter=alice, muted=member)
        Bookmark.objects.create(member=alice, post=PostFactory(author=member))

    with django_assert_num_queries(1):
        assert len(list(KINDS[name].rows(alice))) == 5


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_kind_exported_imports_into_another_account(
    alice, name, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.JOB_RESULTS_DIR = tmp_path
    member = UserFactory(username="rosa")
    Follow.objects.create(follower=alice, followed=member)
    Block.objects.create(blocker=alice, blocked=member)
    Mute.objects.create(muter=alice, muted=member, notifications=False)
    Bookmark.objects.create(member=alice, post=PostFactory(author=member))
    kind, newcomer = KINDS[name], UserFactory(username="newcomer")
    upload = SimpleUploadedFile(kind.filename, _csv(kind, alice).encode())

    rows, duplicates = import_parse(kind=kind, upload=upload)
    with django_capture_on_commit_callbacks(execute=True):
        import_start(user=newcomer, kind=kind, mode="merge", rows=rows, duplicates=duplicates)

    assert Job.objects.get(user=newcomer, name=IMPORT_JOB).summary["added"] == 1
    mine = {row[0] for row in kind.rows(alice)}
    assert {row[0] for row in kind.rows(newcomer)} == mine
    if name == "mutes":
        assert not Mute.objects.get(muter=newcomer).notifications  # "Hide notifications" false kept
