"""Core jobs: publish the tasks asked for while the broker was away; forget old finished job runs."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from core.models import JobRun, JobStatus
from core.outbox import flush


@shared_task(name="core.tasks.flush_outbox")
def flush_outbox() -> int:
    return flush()


@shared_task(name="core.tasks.prune_job_runs")
def prune_job_runs(days: int = 90) -> int:
    """The reminder dispatch alone runs 288 times a day: keep 90 days of successful runs (the metrics read
    the latest), and every failed one, which stays on the managers' desk."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    deleted, _ = JobRun.objects.filter(status=JobStatus.SUCCEEDED, finished_at__lt=cutoff).delete()
    return deleted
