"""Retention as a daily job."""

from __future__ import annotations

from celery import shared_task

from data_protection.retention import anonymise_expired_cases as anonymise


@shared_task(name="data_protection.tasks.anonymise_expired_cases")
def anonymise_expired_cases() -> int:
    return anonymise()
