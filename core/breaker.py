"""A circuit breaker for one process: after a failure, leave a dependency alone for a few seconds, so a
dead or hung server costs each process one timeout every few seconds, not one per call. The cache
(core/cache.py) and the outbox's publishing to the broker (core/outbox.py) each have one."""

from __future__ import annotations

import threading
import time


class CircuitBreaker:
    def __init__(self) -> None:
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        """False while the dependency is thought to be down: for a while after the last failure."""
        return time.monotonic() >= self._down_until

    def failed(self, retry_after: float) -> bool:
        """Leave the dependency alone for `retry_after` seconds; True if it was thought up until now (the
        first failure of an outage, the one worth logging)."""
        with self._lock:
            was_up = self.available
            self._down_until = time.monotonic() + retry_after
        return was_up

    def succeeded(self) -> None:
        with self._lock:
            self._down_until = 0.0
