"""The reminder clock: beat runs the dispatch every five minutes on any worker. Messages carry no
arguments at all, or a timestamp when an operator replays a past moment."""

from __future__ import annotations

from celery import shared_task
from django.utils.dateparse import parse_datetime

from core.jobs import ReliableTask
from reminders.events import EVENT_RULES
from reminders.services import reminders_deliver_events, reminders_dispatch


@shared_task(base=ReliableTask, name="reminders.tasks.dispatch_reminders")
def dispatch_reminders(now: str | None = None) -> dict[str, int]:
    return reminders_dispatch(now=parse_datetime(now) if now else None).as_dict()


@shared_task(base=ReliableTask, name="reminders.tasks.deliver_events")
def deliver_events() -> dict[str, int]:
    """Asked for when an event notification commits: send event rows now, not at the next run."""
    return reminders_deliver_events(rules_=EVENT_RULES).as_dict()
