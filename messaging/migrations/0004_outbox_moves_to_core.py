from django.db import migrations


class Migration(migrations.Migration):
    """OutboxTask now belongs to core (shared plumbing); its table stays where it is."""

    dependencies = [
        ("messaging", "0003_outbox"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OutboxTask")],
            database_operations=[],
        ),
    ]
