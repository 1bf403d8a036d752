"""The periodic jobs, kept in code and written to django-celery-beat by `sync_schedule`
(run by `make run`, on deploy and after every migrate) so the schedule is reviewed like code."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: str
    every_seconds: int | None = None
    crontab: str | None = None  # "minute hour day_of_month month_of_year day_of_week", UK time


PERIODIC_JOBS: list[PeriodicJob] = [
    PeriodicJob(
        name="Publish tasks waiting in the outbox (Redis was down when they were asked for)",
        task="core.tasks.flush_outbox",
        every_seconds=60,
    ),
    PeriodicJob(
        name="Remove expired API tokens and sessions",
        task="organisations.tasks.remove_expired_credentials",
        crontab="17 3 * * *",
    ),
    PeriodicJob(
        name="Remove personal details from cases past the retention period",
        task="data_protection.tasks.anonymise_expired_cases",
        crontab="40 2 * * *",
    ),
    PeriodicJob(
        name="End support for people whose move-on period has ended",
        task="victim_care.tasks.exit_support_after_move_on",
        crontab="5 0 * * *",
    ),
    PeriodicJob(
        name="Close cases whose reconsideration window or move-on has passed",
        task="decisions.tasks.close_cases_due",
        crontab="15 0 * * *",
    ),
    PeriodicJob(
        name="Delete untouched draft referrals",
        task="referrals.tasks.expire_drafts",
        every_seconds=3600,
    ),
    PeriodicJob(
        name="Plan and send deadline reminders",
        task="reminders.tasks.dispatch_reminders",
        every_seconds=300,
    ),
    PeriodicJob(
        name="Store last quarter's monitoring report and tell the monitors",
        task="monitoring.tasks.store_previous_quarter_report",
        crontab="0 3 1 1,4,7,10 *",
    ),
    PeriodicJob(
        name="Forget finished job runs after 90 days (failed ones stay until dealt with)",
        task="core.tasks.prune_job_runs",
        crontab="50 3 * * *",
    ),
    PeriodicJob(
        name="Draw the quarter's decision quality audit sample",
        task="decisions.tasks.draw_quality_sample",
        crontab="30 6 1 1,4,7,10 *",
    ),
]

MANAGED_PREFIX = "nrm: "


@transaction.atomic
def sync_schedule() -> list[str]:
    """Create or update every job in code; disable managed jobs no longer in code. Idempotent."""
    names = []
    for job in PERIODIC_JOBS:
        defaults: dict[str, object] = {"task": job.task, "enabled": True, "interval": None, "crontab": None}
        if job.every_seconds is not None:
            defaults["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=job.every_seconds, period=IntervalSchedule.SECONDS
            )
        else:
            minute, hour, day_of_month, month_of_year, day_of_week = (job.crontab or "").split()
            defaults["crontab"], _ = CrontabSchedule.objects.get_or_create(
                minute=minute, hour=hour, day_of_month=day_of_month, month_of_year=month_of_year,
                day_of_week=day_of_week, timezone="Europe/London",
            )
        name = MANAGED_PREFIX + job.name
        PeriodicTask.objects.update_or_create(name=name, defaults=defaults)
        names.append(name)
    PeriodicTask.objects.filter(name__startswith=MANAGED_PREFIX).exclude(name__in=names).update(enabled=False)
    return names
