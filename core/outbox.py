"""Publishing Celery tasks through the outbox.

`publish_on_commit` writes the task as a row in the caller's transaction and tries to publish it as
soon as that transaction commits. If the broker cannot be reached the row waits, and the
`core.tasks.flush_outbox` job (every minute, from beat) publishes it when Redis is back. Each row is
published under a row lock (SKIP LOCKED), so the commit hook and the job never both send it.

A broker that fails is left alone by this process for `NRM_OUTBOX_RETRY_AFTER_SECONDS` (a circuit
breaker, core/breaker.py, as the cache has): a hung broker would otherwise cost every publish its
whole timeout, so a request that sends three notices would wait three timeouts, and the job, going
through a backlog, one timeout per row."""

from __future__ import annotations

import logging

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from core.breaker import CircuitBreaker
from core.models import OutboxTask

logger = logging.getLogger(__name__)

# This process's view of the broker: after a failed publish, requests leave it alone for a while.
broker = CircuitBreaker()


def publish_on_commit(task: str, *args: str | int) -> OutboxTask:
    row = OutboxTask.objects.create(task=task, args=list(args))
    row_id = row.pk
    transaction.on_commit(lambda: publish(row_id))
    return row


def publish(row_id: int, *, waiting_ok: bool = True) -> bool:
    """Send one waiting task to the broker; False if it was not sent now (taken, done, or broker down).

    While this process has just failed to reach the broker, or the cache has just found Redis down
    (core/cache.py), a request does not try the broker at all: the row waits for `flush_outbox`, and the
    request does not spend a timeout on it. The job (`waiting_ok=False`) always tries."""
    if waiting_ok and not (broker.available and getattr(cache, "available", True)):
        logger.info("Outbox %s left for the outbox job: the broker is down", row_id)
        return False
    with transaction.atomic():
        row = OutboxTask.objects.select_for_update(skip_locked=True).filter(
            pk=row_id, published_at__isnull=True).first()
        if row is None:
            return False
        try:
            # A connection of its own (not the pool's): after an outage the first publish reconnects.
            with current_app.connection_for_write() as connection:
                current_app.send_task(row.task, args=row.args, connection=connection)
        except (OperationalError, OSError, RedisError) as error:
            broker.failed(settings.NRM_OUTBOX_RETRY_AFTER_SECONDS)
            row.attempts += 1
            row.last_error = type(error).__name__
            row.save(update_fields=["attempts", "last_error"])
            logger.warning("Task %s (outbox %s) not published: %s; it will be retried", row.task, row.pk,
                           row.last_error)
            return False
        broker.succeeded()
        row.published_at = timezone.now()
        row.save(update_fields=["published_at"])
        return True


def flush(limit: int = 1000) -> int:
    """Publish the waiting tasks, oldest first; returns how many were sent. Stops at the first row the
    broker refuses or times out on: the rest wait for the next run, instead of a timeout each."""
    waiting = list(OutboxTask.objects.filter(published_at__isnull=True).order_by("created_at", "pk")
                   .values_list("pk", flat=True)[:limit])
    sent = 0
    for row_id in waiting:
        if publish(row_id, waiting_ok=False):
            sent += 1
        elif not broker.available:
            break
    return sent
