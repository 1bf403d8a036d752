"""Stored report runs: the quarter's report as the scheduled job built it, kept unchanged."""

from __future__ import annotations

import pgtrigger
from django.db import models
from django.db.models import Q


def report_file_name(instance: ReportFile, filename: str) -> str:
    return f"reports/{instance.run.period_start:%Y}/{filename}"


class ReportRun(models.Model):
    """One report for one period. Scheduled runs are unique per period, so running the job twice
    stores one; rows and files are never changed afterwards (a database trigger refuses it)."""

    period_start = models.DateField()
    period_end = models.DateField()
    scheduled = models.BooleanField(default=True)
    generated_at = models.DateTimeField()
    data = models.JSONField(help_text="The report as JSON, exactly as the files hold it.")

    class Meta:
        ordering = ["-period_start", "-generated_at"]
        constraints = [
            models.UniqueConstraint(fields=["period_start", "period_end"], condition=Q(scheduled=True),
                                    name="one_scheduled_run_per_period"),
        ]
        triggers = [pgtrigger.Protect(name="report_run_immutable", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"Report {self.period_start} to {self.period_end}"


class ReportFile(models.Model):
    run = models.ForeignKey(ReportRun, on_delete=models.PROTECT, related_name="files")
    export_format = models.CharField(max_length=8)
    file = models.FileField(upload_to=report_file_name, max_length=200)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "export_format"], name="one_file_per_format")]
        triggers = [pgtrigger.Protect(name="report_file_immutable", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.run_id} {self.export_format}"
