from django.db import migrations

# Tasks renamed when the plumbing moved to core, search became an app, and each task
# took its service's name.
# Rows the broker refused before the upgrade would otherwise name tasks no worker knows.
RENAMED = {
    "messaging.tasks.email_deliver": "core.tasks.email_deliver",
    "messaging.tasks.outbox_flush": "core.tasks.outbox_flush",
    "posts.tasks.export_posts": "posts.tasks.posts_export",
    "posts.tasks.search_index_posts": "search.tasks.search_index_posts",
    "posts.tasks.search_index_member": "search.tasks.search_index_member",
}


def rename(apps, schema_editor, renamed=RENAMED):
    OutboxTask = apps.get_model("core", "OutboxTask")
    for old, new in renamed.items():
        OutboxTask.objects.filter(task=old).update(task=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, renamed={new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
