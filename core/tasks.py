"""The outbox's own job: publish the tasks that were asked for while the broker was away."""

from __future__ import annotations

from celery import shared_task

from core.outbox import flush


@shared_task(name="core.tasks.flush_outbox")
def flush_outbox() -> int:
    return flush()
