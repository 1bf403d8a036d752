"""What /metrics reads at scrape time: figures held in PostgreSQL and Redis, so every web
process reports the same values whichever one the scraper reaches. Request counts and latency are
counted as requests are answered (core/metrics.py)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from core.models import JobRun, JobStatus, OutboxTask
from reminders.models import Reminder, ReminderStatus

REPORT_TASK = "monitoring.tasks.store_previous_quarter_report"


class ServiceCollector(Collector):
    def collect(self):
        up = GaugeMetricFamily("nrm_dependency_up", "1 if the dependency answered this scrape.", labels=["dependency"])
        try:
            yield from self._database_figures()
            up.add_metric(["database"], 1)
        except DatabaseError:
            up.add_metric(["database"], 0)
        depth = self._queue_depth()
        up.add_metric(["redis"], 0 if depth is None else 1)
        if depth is not None:
            queue = GaugeMetricFamily("nrm_queue_depth", "Tasks waiting in the Celery queue.", labels=["queue"])
            queue.add_metric([settings.CELERY_TASK_DEFAULT_QUEUE], depth)
            yield queue
        yield up

    def _database_figures(self):
        now = timezone.now()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = 2000")
            outbox = OutboxTask.objects.filter(published_at__isnull=True).aggregate(n=Count("pk"),
                                                                                    oldest=Min("created_at"))
            reminders = dict(Reminder.objects.filter(status__in=[ReminderStatus.PENDING, ReminderStatus.FAILED])
                             .values("status").annotate(n=Count("pk")).values_list("status", "n"))
            due = Reminder.objects.filter(status=ReminderStatus.PENDING, send_at__lte=now).count()
            failed_jobs = dict(JobRun.objects.filter(status=JobStatus.FAILED).values("task").annotate(n=Count("pk"))
                               .values_list("task", "n"))
            report = (JobRun.objects.filter(task=REPORT_TASK, status=JobStatus.SUCCEEDED)
                      .order_by("-finished_at").values("duration_ms", "finished_at").first())
            last_success = dict(JobRun.objects.filter(status=JobStatus.SUCCEEDED).values("task")
                                .annotate(at=Max("finished_at")).values_list("task", "at"))

        waiting = GaugeMetricFamily("nrm_outbox_waiting", "Tasks in the outbox not yet published.")
        waiting.add_metric([], outbox["n"])
        yield waiting
        age = GaugeMetricFamily("nrm_outbox_oldest_age_seconds",
                                "Age of the oldest unpublished outbox task (0 when none waits).")
        age.add_metric([], (now - outbox["oldest"]).total_seconds() if outbox["oldest"] else 0)
        yield age
        gauge = GaugeMetricFamily("nrm_reminders", "Reminders by state.", labels=["status"])
        gauge.add_metric(["pending"], reminders.get(ReminderStatus.PENDING, 0))
        gauge.add_metric(["due"], due)
        gauge.add_metric(["failed"], reminders.get(ReminderStatus.FAILED, 0))
        yield gauge
        jobs = GaugeMetricFamily("nrm_jobs_failed", "Notice, reminder and report jobs that failed for good.",
                                 labels=["task"])
        for task, n in sorted(failed_jobs.items()):
            jobs.add_metric([task], n)
        yield jobs
        report_seconds = GaugeMetricFamily("nrm_report_build_seconds",
                                           "How long the last stored quarterly report took to build.")
        if report is not None and report["duration_ms"] is not None:
            report_seconds.add_metric([], report["duration_ms"] / 1000)
        yield report_seconds
        success = GaugeMetricFamily("nrm_job_last_success_timestamp_seconds",
                                    "When each tracked job last succeeded (Unix time).", labels=["task"])
        for task, at in sorted(last_success.items()):
            success.add_metric([task], at.timestamp())
        yield success

    def _queue_depth(self) -> int | None:
        if not getattr(cache, "available", True):
            return None
        try:
            client = cache._cache.get_client(write=False)
            return int(client.llen(settings.CELERY_TASK_DEFAULT_QUEUE))
        except Exception:  # noqa: BLE001 - Redis away: the figure is absent and nrm_dependency_up says why
            return None
