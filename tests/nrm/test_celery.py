"""Celery: reliability settings, the beat schedule kept in code, and a job run by a real worker."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from nrm.celery import app
from nrm.schedule import PERIODIC_JOBS
from organisations.models import ApiToken
from organisations.tasks import remove_expired_credentials


def test_reliability_settings():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert app.conf.broker_url.startswith(("redis://", "redis+socket://"))


@pytest.mark.django_db
def test_migrate_writes_the_schedule_from_code_and_sync_is_idempotent():
    names = {f"nrm: {job.name}" for job in PERIODIC_JOBS}
    assert names <= set(PeriodicTask.objects.values_list("name", flat=True))
    before = list(PeriodicTask.objects.order_by("pk").values("pk", "name", "task", "crontab_id", "interval_id"))
    call_command("sync_schedule")
    after = list(PeriodicTask.objects.order_by("pk").values("pk", "name", "task", "crontab_id", "interval_id"))
    assert before == after


@pytest.mark.django_db
def test_a_job_removed_from_code_is_disabled():
    existing = PeriodicTask.objects.get(name=f"nrm: {PERIODIC_JOBS[0].name}")
    PeriodicTask.objects.create(name="nrm: Retired job", task=existing.task, crontab=existing.crontab,
                                interval=existing.interval)
    call_command("sync_schedule")
    assert PeriodicTask.objects.get(name="nrm: Retired job").enabled is False


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_removes_expired_credentials(first_responder):
    """Sent through the real Redis broker and run by a worker thread, not eagerly."""
    long_expired = ApiToken.objects.create(
        user=first_responder, digest="a" * 64, prefix="aaaaaaaa", expires_at=timezone.now() - timedelta(days=8),
    )
    current = ApiToken.objects.create(
        user=first_responder, digest="b" * 64, prefix="bbbbbbbb", expires_at=timezone.now() + timedelta(hours=1),
    )
    assert not app.conf.task_always_eager
    with app.connection_for_write() as connection:  # earlier tests' tasks in this queue: not ours to wait behind
        connection.default_channel.queue_purge(app.conf.task_default_queue)
    with start_worker(app, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
        remove_expired_credentials.delay()
        deadline = time.monotonic() + 20
        while ApiToken.objects.filter(pk=long_expired.pk).exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    assert not ApiToken.objects.filter(pk=long_expired.pk).exists()
    assert ApiToken.objects.filter(pk=current.pk).exists()
