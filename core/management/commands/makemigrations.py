"""Django's makemigrations, with `LockTimeout()` written as the first operation of every new migration
(the convention in core/migration_ops.py and docs/operations.md), so nobody has to remember it."""

from __future__ import annotations

from django.core.management.commands.makemigrations import Command as DjangoMakemigrations

from core.migration_ops import LockTimeout


class Command(DjangoMakemigrations):
    def write_migration_files(self, changes, *args, **kwargs):
        for migrations in changes.values():
            for migration in migrations:
                if not (migration.operations and isinstance(migration.operations[0], LockTimeout)):
                    migration.operations.insert(0, LockTimeout())
        return super().write_migration_files(changes, *args, **kwargs)
