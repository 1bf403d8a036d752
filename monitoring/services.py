"""Storing the scheduled report run and telling the monitors."""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from core.email import send_templated_email
from core.jobs import TRANSIENT_ERRORS
from core.outbox import publish_on_commit
from monitoring import exports
from monitoring.forms import quarter_page_link
from monitoring.models import ReportFile, ReportRun
from monitoring.periods import Period
from monitoring.report import build_report
from organisations.models import Role, User

logger = logging.getLogger(__name__)


def report_run_store(*, period: Period) -> tuple[ReportRun, bool]:
    """Build and store the period's report with a file in every format; a second call for the same
    period returns the stored run untouched. Returns (run, created)."""
    existing = ReportRun.objects.filter(period_start=period.start, period_end=period.end, scheduled=True).first()
    if existing is not None:
        return existing, False
    report = build_report(period)
    try:
        with transaction.atomic():
            run = ReportRun.objects.create(period_start=period.start, period_end=period.end, scheduled=True,
                                           generated_at=report.generated_at, data=report.as_dict())
            for export_format in exports.FORMATS:
                content = exports.render(report, export_format)
                ReportFile.objects.create(run=run, export_format=export_format, size=len(content),
                                          sha256=hashlib.sha256(content).hexdigest(),
                                          file=ContentFile(content, name=exports.filename(report, export_format)))
            transaction.on_commit(lambda: _notify_monitors_now_or_later(run.pk))
    except IntegrityError:  # another worker stored the same period a moment ago
        return ReportRun.objects.get(period_start=period.start, period_end=period.end, scheduled=True), False
    logger.info("Stored monitoring report run %s for %s", run.pk, period.label)
    return run, True


def _notify_monitors_now_or_later(run_id: int) -> None:
    """Tell the monitors now; if the mail server is away, leave the notice to a job that retries it
    (monitoring.tasks.send_report_notice, through the outbox) instead of failing the report job,
    whose rerun would find the report stored and never send the notice."""
    try:
        report_notice_send(run_id=run_id)
    except TRANSIENT_ERRORS as error:
        logger.warning("report run %s stored; its notice failed (%s) and will be retried", run_id,
                       type(error).__name__, extra={"event": "report_notice_deferred"})
        publish_on_commit("monitoring.tasks.send_report_notice", run_id)


def report_notice_send(*, run_id: int) -> None:
    run = ReportRun.objects.get(pk=run_id)
    period = Period(run.period_start, run.period_end)
    recipients = list(User.objects.filter(is_active=True, groups__name=Role.MONITOR.label)
                      .values_list("email", flat=True).distinct())
    send_templated_email("report_ready", {
        "period": period.label, "link": quarter_page_link(period)}, recipients)
