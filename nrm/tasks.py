"""Jobs that belong to no one app."""

from __future__ import annotations

from celery import shared_task

from nrm.outbox import flush


@shared_task(name="nrm.tasks.flush_outbox")
def flush_outbox() -> int:
    return flush()


@shared_task(name="nrm.tasks.anonymise_expired_cases")
def anonymise_expired_cases() -> int:
    from nrm.retention import anonymise_expired_cases as anonymise

    return anonymise()
