"""The data migration that renames outbox rows queued under the old task names."""

from importlib import import_module

from django.apps import apps

from core.models import OutboxTask

migration = import_module("core.migrations.0002_rename_queued_tasks")


def test_rows_queued_under_the_old_names_get_the_new_ones(db):
    OutboxTask.objects.create(task="posts.tasks.search_index_posts", args=[[1, 2]])
    OutboxTask.objects.create(task="posts.tasks.search_index_member", args=[7])
    OutboxTask.objects.create(task="posts.tasks.export_posts", args=["job-id", "http://x/"], task_id="job-id")
    OutboxTask.objects.create(task="messaging.tasks.email_deliver", args=[{"subject": "Hi"}])
    OutboxTask.objects.create(task="core.tasks.outbox_flush")

    migration.rename(apps, None)

    assert sorted(OutboxTask.objects.values_list("task", "args")) == [
        ("core.tasks.email_deliver", [{"subject": "Hi"}]),
        ("core.tasks.outbox_flush", []),
        ("posts.tasks.posts_export", ["job-id", "http://x/"]),
        ("search.tasks.search_index_member", [7]),
        ("search.tasks.search_index_posts", [[1, 2]]),
    ]


def test_the_rename_can_be_undone(db):
    OutboxTask.objects.create(task="search.tasks.search_index_posts", args=[[1]])

    migration.rename_back(apps, None)

    assert list(OutboxTask.objects.values_list("task", flat=True)) == ["posts.tasks.search_index_posts"]
