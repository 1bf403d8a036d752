# The outbox moved from nrm/ to core/: the table stays where it is; only Django's state moves.

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("nrm", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="OutboxTask",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("task", models.CharField(help_text="The Celery task's registered name.", max_length=200)),
                        ("args", models.JSONField(default=list, help_text="Record ids only, never personal data.")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("published_at", models.DateTimeField(blank=True, null=True)),
                        ("attempts", models.PositiveIntegerField(default=0)),
                        ("last_error", models.CharField(blank=True, help_text="The error's type only.",
                                                        max_length=200)),
                    ],
                    options={
                        "db_table": "nrm_outboxtask",
                        "indexes": [models.Index(condition=models.Q(("published_at__isnull", True)),
                                                 fields=["created_at"], name="outbox_unpublished_idx")],
                    },
                ),
            ],
        ),
    ]
