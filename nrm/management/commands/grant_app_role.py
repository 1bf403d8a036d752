from django.core.management.base import BaseCommand

from nrm.app_role import audit_tables, grant_app_role


class Command(BaseCommand):
    help = ("Grant the database role the service runs as what it needs and no more: no TRUNCATE, and no "
            "UPDATE or DELETE on the audit tables (nrm/app_role.py). Run as the schema owner after migrate.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("role", help="the PostgreSQL role the web, worker and beat connect as")

    def handle(self, *args, role: str, **options) -> None:
        grant_app_role(role)
        tables = audit_tables()
        self.stdout.write(f"granted {role}; append-only: {', '.join(tables['append_only'])}; "
                          f"history tables without DELETE: {len(tables['history'])}")
