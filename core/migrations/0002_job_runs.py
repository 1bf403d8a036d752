# The record of notice, reminder and report jobs (core/jobs.py). A new table: no lock on
# anything the running service uses, but the lock timeout is set as for every new migration.

from django.db import migrations, models

from core.migration_ops import LockTimeout


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
    ]

    operations = [
        LockTimeout(),
        migrations.CreateModel(
            name='JobRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('task_id', models.CharField(help_text="Celery's id; the same for every retry.", max_length=64, unique=True)),
                ('task', models.CharField(max_length=200)),
                ('args', models.JSONField(default=list, help_text='Record ids only.')),
                ('referral_id', models.UUIDField(blank=True, help_text='The referral the job is about, if any.', null=True)),
                ('status', models.CharField(choices=[('running', 'Running'), ('retrying', 'Waiting to retry'), ('succeeded', 'Done'), ('failed', 'Failed')], default='running', max_length=10)),
                ('attempts', models.PositiveIntegerField(default=0)),
                ('last_error', models.CharField(blank=True, help_text="The error's type only.", max_length=200)),
                ('started_at', models.DateTimeField()),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('duration_ms', models.PositiveIntegerField(blank=True, help_text="The last attempt's.", null=True)),
            ],
            options={
                'indexes': [models.Index(condition=models.Q(('status', 'failed')), fields=['-finished_at'], name='jobrun_failed_idx'), models.Index(condition=models.Q(('status', 'succeeded')), fields=['task', '-finished_at'], name='jobrun_done_idx')],
            },
        ),
    ]
