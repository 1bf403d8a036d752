"""The quarterly job: on the first day of each quarter at 03:00 UK time, store last quarter's report."""

from __future__ import annotations

from celery import shared_task

from core.jobs import ReliableTask
from monitoring.periods import Period
from monitoring.services import report_notice_send, report_run_store


@shared_task(base=ReliableTask, name="monitoring.tasks.send_report_notice")
def send_report_notice(run_id: int) -> None:
    """The monitors' "report ready" notice, when it could not be sent as the report was stored."""
    report_notice_send(run_id=run_id)


@shared_task(base=ReliableTask, name="monitoring.tasks.store_previous_quarter_report")
def store_previous_quarter_report() -> dict[str, object]:
    run, created = report_run_store(period=Period.previous_quarter())
    return {"run": run.pk, "created": created}
