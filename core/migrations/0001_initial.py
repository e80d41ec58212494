import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """OutboxTask moved here from messaging: the state only, its table (created by
    messaging.0003_outbox) and its rows stay."""

    initial = True

    dependencies = [
        ("messaging", "0004_outbox_moves_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboxTask",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("task", models.CharField(max_length=200)),
                        ("args", models.JSONField(default=list)),
                        ("kwargs", models.JSONField(default=dict)),
                        ("task_id", models.CharField(blank=True, max_length=36)),
                        ("created", models.DateTimeField(default=django.utils.timezone.now)),
                        ("attempts", models.PositiveIntegerField(default=0)),
                    ],
                    options={"db_table": "messaging_outboxtask"},
                ),
            ],
            database_operations=[],
        ),
    ]
