"""The task outbox: Celery tasks asked for inside a transaction are rows of that transaction, so a
message is never lost when Redis is down at the moment the work commits."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class OutboxTask(models.Model):
    task = models.CharField(max_length=200, help_text="The Celery task's registered name.")
    args = models.JSONField(default=list, help_text="Record ids only, never personal data.")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True, help_text="The error's type only.")

    class Meta:
        db_table = "nrm_outboxtask"  # created when the outbox lived in nrm/; kept so no data moves
        indexes = [models.Index(fields=["created_at"], condition=Q(published_at__isnull=True),
                                name="outbox_unpublished_idx")]

    def __str__(self) -> str:
        return f"{self.task} {self.pk}"


class JobStatus(models.TextChoices):
    RUNNING = "running", "Running"
    RETRYING = "retrying", "Waiting to retry"
    SUCCEEDED = "succeeded", "Done"
    FAILED = "failed", "Failed"


class JobRun(models.Model):
    """One run of a tracked job (a notice, the reminder dispatch, a report: core/jobs.py), across its
    retries: a job that keeps failing ends here as FAILED, shown on the managers' reminder desk, instead
    of being acknowledged and forgotten. Ids only, never personal data."""

    task_id = models.CharField(max_length=64, unique=True, help_text="Celery's id; the same for every retry.")
    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, help_text="Record ids only.")
    referral_id = models.UUIDField(null=True, blank=True, help_text="The referral the job is about, if any.")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.RUNNING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True, help_text="The error's type only.")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True, help_text="The last attempt's.")

    class Meta:
        indexes = [
            models.Index(fields=["-finished_at"], condition=Q(status="failed"), name="jobrun_failed_idx"),
            models.Index(fields=["task", "-finished_at"], condition=Q(status="succeeded"), name="jobrun_done_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.task_id}"
