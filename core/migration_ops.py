"""Conventions for migrations that run while the service serves (docs/operations.md, "Deploys").

- Every migration run by `migrate` waits at most MIGRATION_LOCK_TIMEOUT for a table lock (set on the
  connection before the first migration, by `set_lock_timeout` on pre_migrate): a migration stuck
  behind a long transaction fails fast and is run again, instead of queueing every request behind it.
- A new migration also says so itself with `LockTimeout()` as its first operation, so it keeps the
  limit when applied another way (sqlmigrate output, a DBA's session); tests/nrm/test_operations.py
  holds every migration added after MIGRATIONS_BEFORE_LOCK_TIMEOUT to this.
- Schema change, backfill and index build are separate migrations; an index on a large table is built
  with AddIndexConcurrently in a migration of its own (atomic = False)."""

from __future__ import annotations

from django.conf import settings
from django.db import connections, migrations


def lock_timeout_sql(milliseconds: int | None = None) -> str:
    value = settings.MIGRATION_LOCK_TIMEOUT_MS if milliseconds is None else milliseconds
    return f"SET lock_timeout = {int(value)}"


class LockTimeout(migrations.RunSQL):
    """SET lock_timeout for this migration's session (no-op to reverse)."""

    def __init__(self, milliseconds: int | None = None) -> None:
        self.milliseconds = milliseconds
        super().__init__(sql=lock_timeout_sql(milliseconds), reverse_sql=lock_timeout_sql(milliseconds),
                         elidable=False)

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {} if self.milliseconds is None else
                {"milliseconds": self.milliseconds})


def set_lock_timeout(sender, using: str = "default", **kwargs) -> None:
    """pre_migrate: give the migrating connection its lock timeout before any migration runs."""
    if connections[using].vendor == "postgresql":
        with connections[using].cursor() as cursor:
            cursor.execute(lock_timeout_sql())
