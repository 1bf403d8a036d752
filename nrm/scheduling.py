"""Write nrm.schedule.PERIODIC_JOBS into django-celery-beat's tables."""

from __future__ import annotations

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from nrm.schedule import PERIODIC_JOBS

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
