import django.utils.timezone
from django.db import migrations, models
from django.db.models import F


def never_seen_since_joining(apps, schema_editor):
    """Members created without a visit (the API's sign-up) had no last_seen: their joining time."""
    User = apps.get_model("accounts", "User")
    User.objects.filter(last_seen__isnull=True).update(last_seen=F("date_joined"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_lowercase_emails"),
    ]

    operations = [
        migrations.RunPython(never_seen_since_joining, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="last_seen",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="last seen"),
        ),
    ]
