"""Creates the "Translators" group: its members may use Rosetta at /rosetta/
(see accounts.rosetta.can_translate). It carries no admin permissions."""

from django.db import migrations


def create_translators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="Translators")


def remove_translators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Translators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_translators, remove_translators)]
