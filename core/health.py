"""Liveness and readiness.

- live: the process answers. No dependency is asked, so a Redis or database blip never makes an
  orchestrator restart every pod.
- ready: PostgreSQL and Redis each answer within a short timeout. Both are asked at once, in threads
  of a small pool, and the whole answer is given within `READY_DEADLINE` seconds whatever they do:
  a hung dependency is reported as "timeout", not waited for.

The database is asked on a connection of its own (psycopg2, closed at once), never the request's: a
connection stuck on a hung server must not be handed to the next request."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import psycopg2
from django.core.cache import cache
from django.db import connections

logger = logging.getLogger(__name__)

READY_DEADLINE = 0.8  # seconds for the whole readiness answer
CHECK_TIMEOUT = 0.5  # seconds for each dependency's own socket

_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readiness")


def _database() -> bool:
    params = connections["default"].get_connection_params()
    # libpq's connect_timeout is whole seconds (2 at least in practice); the deadline below is what bounds
    # the answer. The statement timeout bounds a server that accepts but is slow.
    params.update(connect_timeout=2, options=f"-c statement_timeout={int(CHECK_TIMEOUT * 1000)}")
    params.pop("cursor_factory", None)
    connection = psycopg2.connect(**params)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    finally:
        connection.close()


def _redis() -> bool:
    ping = getattr(cache, "ping", None)
    if ping is not None:
        return ping(timeout=CHECK_TIMEOUT)
    return bool(cache._cache.get_client().ping())


CHECKS = {"database": _database, "redis": _redis}


def readiness() -> dict[str, str]:
    """{"database": "ok" | "unavailable" | "timeout", "redis": ...}, within READY_DEADLINE seconds."""
    deadline = time.monotonic() + READY_DEADLINE
    futures = {name: _pool.submit(check) for name, check in CHECKS.items()}
    answers = {}
    for name, future in futures.items():
        try:
            ok = future.result(timeout=max(0.0, deadline - time.monotonic()))
            answers[name] = "ok" if ok else "unavailable"
        except FutureTimeout:
            answers[name] = "timeout"
        except Exception as error:  # noqa: BLE001 - any failure of a dependency is "unavailable"
            answers[name] = "unavailable"
            logger.warning("readiness: %s unavailable (%s)", name, type(error).__name__,
                           extra={"event": "readiness_failed", "dependency": name,
                                  "error_type": type(error).__name__})
    return answers
