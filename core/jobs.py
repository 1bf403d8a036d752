"""Jobs that never lose their work.

`ReliableTask` is the Celery base class of every job that sends a notice, dispatches reminders or
builds a report:

- a transient failure (the mail server, GOV.UK Notify, the database or the broker away or slow) is
  retried with exponential backoff: NRM_TASK_RETRY_BASE_SECONDS, doubling, at most
  NRM_TASK_RETRY_MAX_SECONDS (kept below the broker's visibility timeout, so a waiting retry is never
  delivered twice), NRM_TASK_MAX_RETRIES times;
- every run is a `JobRun` row: running, waiting to retry, done, or FAILED when the retries are spent
  or the error is not transient. A failed job is never just acknowledged: it stays on the managers'
  reminder desk and in the `nrm_jobs_failed` metric until someone deals with it;
- each attempt's log records carry the task's id and name (core/logs.py).

A task says which referral it is about with `about_referral(referral_id)`, so the desk can show a
competent authority's managers the failures that concern their cases."""

from __future__ import annotations

import http.client
import logging
import random
import smtplib
import time
import uuid
from contextvars import ContextVar

from celery import Task
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from core import logs, metrics
from core.models import JobRun, JobStatus
from core.notify import NotifyError

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    smtplib.SMTPException, OSError, http.client.HTTPException, NotifyError, OperationalError, InterfaceError,
    BrokerError)

_referral: ContextVar[uuid.UUID | str | None] = ContextVar("nrm_job_referral", default=None)


def about_referral(referral_id: uuid.UUID | str | None) -> None:
    """Called by a task once it knows which referral its work concerns (for the managers' desk)."""
    _referral.set(referral_id)


def backoff_seconds(retries: int) -> float:
    """Seconds before retry number `retries + 1`: doubling from the base, capped, with 20% jitter."""
    base = settings.NRM_TASK_RETRY_BASE_SECONDS * (2 ** retries)
    capped = min(base, settings.NRM_TASK_RETRY_MAX_SECONDS)
    return capped * random.uniform(0.8, 1.0)  # noqa: S311 - spreading retries, not security


def _record(task_id: str, **fields) -> None:
    """Write the run's state; a database that is down only costs the record (the log keeps the event)."""
    try:
        JobRun.objects.filter(task_id=task_id).update(**fields)
    except DatabaseError as error:
        logger.error("job %s: state not recorded (%s)", task_id, type(error).__name__,
                     extra={"event": "job_state_not_recorded"})


class ReliableTask(Task):
    abstract = True

    def __call__(self, *args, **kwargs):
        _referral.set(None)
        self.request.nrm_started = time.monotonic()  # type: ignore[attr-defined]
        token = logs.bind(task_id=self.request.id, task=self.name)
        try:
            return super().__call__(*args, **kwargs)
        except TRANSIENT_ERRORS as error:
            if self.request.called_directly:
                raise
            if isinstance(error, NotifyError) and not error.transient:
                raise
            countdown = backoff_seconds(self.request.retries)
            logger.warning("job %s attempt %s failed (%s); retrying in %.0f s", self.name,
                           self.request.retries + 1, type(error).__name__, countdown,
                           extra={"event": "job_retry", "error_type": type(error).__name__})
            raise self.retry(exc=error, countdown=countdown, max_retries=settings.NRM_TASK_MAX_RETRIES) from error
        finally:
            logs.unbind(token)

    # --- The run's record (Celery calls these around each attempt) ---
    def before_start(self, task_id, args, kwargs) -> None:
        if self.request.called_directly or task_id is None:
            return
        try:
            run, created = JobRun.objects.get_or_create(task_id=task_id, defaults={
                "task": self.name, "args": list(args), "started_at": timezone.now(),
                "status": JobStatus.RUNNING, "attempts": 1})
            if not created:
                JobRun.objects.filter(pk=run.pk).update(status=JobStatus.RUNNING, attempts=self.request.retries + 1)
        except DatabaseError as error:
            logger.error("job %s: run not recorded (%s)", task_id, type(error).__name__,
                         extra={"event": "job_state_not_recorded"})

    def _finished(self, task_id: str, status: str, error: BaseException | None) -> None:
        started = getattr(self.request, "nrm_started", None)
        seconds = time.monotonic() - started if started is not None else 0.0
        metrics.TASKS.labels(task=self.name, outcome=status).inc()
        metrics.TASK_DURATION.labels(task=self.name).observe(seconds)
        fields = {"status": status, "duration_ms": int(seconds * 1000), "attempts": self.request.retries + 1}
        if _referral.get() is not None:
            fields["referral_id"] = _referral.get()
        if error is not None:
            fields["last_error"] = type(error).__name__[:200]
        if status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
            fields["finished_at"] = timezone.now()
        _record(task_id, **fields)

    def on_success(self, retval, task_id, args, kwargs) -> None:
        if not self.request.called_directly:
            self._finished(task_id, JobStatus.SUCCEEDED, None)

    def on_retry(self, exc, task_id, args, kwargs, einfo) -> None:
        self._finished(task_id, JobStatus.RETRYING, exc)

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        self._finished(task_id, JobStatus.FAILED, exc)
        logger.error("job %s failed for good after %s attempt(s): %s", self.name, self.request.retries + 1,
                     type(exc).__name__,
                     extra={"event": "job_failed", "task_id": task_id, "task": self.name,
                            "error_type": type(exc).__name__})
