"""One beat at a time: two beats would send every periodic task twice.

`SingleBeatScheduler` is django-celery-beat's scheduler behind a PostgreSQL advisory lock, held on a
connection of its own for as long as the beat runs. A second beat (a scaled-up deployment, a
rolling restart that overlaps, a forgotten process) finds the lock taken and sends nothing; it asks
again every few seconds and takes over within seconds of the first stopping or dying, since the
server drops the lock with the first beat's connection."""

from __future__ import annotations

import contextlib
import logging

import psycopg2
from django.conf import settings
from django.db import connections
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger(__name__)


class SingleBeatScheduler(DatabaseScheduler):
    lock_retry_seconds = 5.0

    def __init__(self, *args, **kwargs) -> None:
        self._lock_connection = None
        self._waiting_logged = False
        super().__init__(*args, **kwargs)

    def _connect(self):
        params = connections["default"].get_connection_params()
        params.pop("cursor_factory", None)
        params.update(connect_timeout=5, options="-c statement_timeout=5000")
        connection = psycopg2.connect(**params)
        connection.autocommit = True
        return connection

    def holds_lock(self) -> bool:
        """True if this beat holds the lock (taking it if it is free); checks the lock's connection is alive."""
        if self._lock_connection is not None:
            try:
                with self._lock_connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
                return True
            except psycopg2.Error:
                logger.warning("beat lost its lock connection; trying to take the lock again",
                               extra={"event": "beat_lock_lost"})
                self.release_lock()
        try:
            connection = self._connect()
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [settings.NRM_BEAT_LOCK_ID])
                taken = cursor.fetchone()[0]
        except psycopg2.Error as error:
            logger.warning("beat could not ask for its lock (%s)", type(error).__name__,
                           extra={"event": "beat_lock_unavailable"})
            return False
        if not taken:
            connection.close()
            if not self._waiting_logged:
                logger.info("another beat holds the lock; this one sends nothing until it stops",
                            extra={"event": "beat_waiting"})
                self._waiting_logged = True
            return False
        self._lock_connection, self._waiting_logged = connection, False
        logger.info("this beat holds the lock and sends the schedule", extra={"event": "beat_lock_taken"})
        return True

    def release_lock(self) -> None:
        if self._lock_connection is not None:
            with contextlib.suppress(psycopg2.Error):
                self._lock_connection.close()  # the server drops the session's advisory lock with it
            self._lock_connection = None

    def tick(self, *args, **kwargs) -> float:
        if not self.holds_lock():
            return self.lock_retry_seconds
        return super().tick(*args, **kwargs)

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.release_lock()
