from django.db import migrations
from django.db.models.functions import Lower


def lowercase_emails(apps, schema_editor):
    # Addresses saved with capitals before User.save() lower-cased them could not
    # reset their password (allauth looks up the lower-cased address).
    User = apps.get_model("accounts", "User")
    User.objects.exclude(email=Lower("email")).update(email=Lower("email"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_translators_group")]

    operations = [migrations.RunPython(lowercase_emails, migrations.RunPython.noop)]
