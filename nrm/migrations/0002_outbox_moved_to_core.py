# The outbox moved to core/ (core.0001 adopts the same table): forget it here, drop nothing.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("nrm", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="OutboxTask")],
        ),
    ]
