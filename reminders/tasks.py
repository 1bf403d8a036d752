"""The reminder clock: beat runs the dispatch every five minutes on any worker. Messages carry no
arguments at all, or a timestamp when an operator replays a past moment."""

from __future__ import annotations

from celery import shared_task
from django.utils.dateparse import parse_datetime

from core.jobs import ReliableTask
from reminders.services import reminders_dispatch


@shared_task(base=ReliableTask, name="reminders.tasks.dispatch_reminders")
def dispatch_reminders(now: str | None = None) -> dict[str, int]:
    return reminders_dispatch(now=parse_datetime(now) if now else None).as_dict()
