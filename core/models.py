"""The task outbox: Celery tasks asked for inside a transaction are rows of that transaction, so a
message is never lost when Redis is down at the moment the work commits (issue 8, faults)."""

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
