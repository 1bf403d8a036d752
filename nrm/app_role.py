"""The database role the service runs as, apart from the one that owns the schema and runs migrations.

The owner (compose's `nrm`) creates and alters tables; the app role (compose's `nrm_app`) owns nothing, so it
cannot drop or alter a table or disable a trigger, and it is granted only what the service does:

- every table: SELECT, INSERT, UPDATE, DELETE; never TRUNCATE (which skips row triggers);
- the access log and the account history: SELECT and INSERT only (append-only by privilege, not only by
  trigger: pgtrigger's ignore switch is a session setting any role could set);
- the change history (pghistory's event tables and context): no DELETE or TRUNCATE; UPDATE stays, because
  retention anonymises old events in place (data_protection/retention.py).

Run `manage.py grant_app_role <role>` as the owner after every `migrate` (compose's `migrate` service
does), so new tables are granted and the audit tables stay restricted."""

from __future__ import annotations

import pghistory.models
from django.apps import apps
from django.db import connection
from psycopg2 import sql

from audit.models import AccessEvent
from organisations.models import AccountEvent

APPEND_ONLY = (AccessEvent, AccountEvent)


def _history_tables() -> list[str]:
    tables = [model._meta.db_table for model in apps.get_models()
              if issubclass(model, pghistory.models.Event) and not model._meta.proxy]
    tables.append(pghistory.models.Context._meta.db_table)
    return sorted(set(tables))


def audit_tables() -> dict[str, list[str]]:
    """The restricted tables: {"append_only": [...], "history": [...]}."""
    return {"append_only": [model._meta.db_table for model in APPEND_ONLY], "history": _history_tables()}


def grant_app_role(role: str) -> None:
    """Grant the app role what the service needs, and take back what it must not have (idempotent)."""
    name = sql.Identifier(role)
    tables = audit_tables()
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(name),
        sql.SQL("REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {}").format(name),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(name),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(name),
    ]
    for table in tables["append_only"]:
        statements.append(sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(sql.Identifier(table),
                                                                                           name))
    for table in tables["history"]:
        statements.append(sql.SQL("REVOKE DELETE, TRUNCATE ON {} FROM {}").format(sql.Identifier(table), name))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
