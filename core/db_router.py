"""Send the monitoring report's reads to a read replica when REPLICA_DATABASE_URL is set.

Only code run inside `reads_from_replica()` reads from the replica (the report: heavy, read-only,
and fine a few seconds behind); every other read and every write uses the primary, so a user never
reads back something older than what they just saved."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)


def replica_alias() -> str:
    """The alias reads should use now: the replica inside reads_from_replica(), if there is one."""
    return REPLICA if _reading_from_replica.get() and REPLICA in settings.DATABASES else "default"


@contextmanager
def reads_from_replica() -> Iterator[None]:
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


class ReportReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        alias = replica_alias()
        return alias if alias == REPLICA else None

    def db_for_write(self, model, **hints) -> str | None:
        return None

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool | None:
        return db == "default"
