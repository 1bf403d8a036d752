"""python manage.py reconcile_report --published FILE.csv --start YYYY-MM-DD --end YYYY-MM-DD: compare the
report for the period with a published file of the shared extract's shape and list every differing cell
(table, label, column, published, ours). Exits with status 1 on any difference."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from monitoring.management.arguments import iso_date
from monitoring.periods import Period, PeriodError
from monitoring.reconcile import PublishedFileError, reconcile
from monitoring.report import build_report


class Command(BaseCommand):
    help = "Compare the monitoring report with a published CSV and list every cell that differs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--published", required=True, help="the published CSV (the shared extract's shape)")
        parser.add_argument("--start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--end", required=True, help="last day, YYYY-MM-DD")

    def handle(self, *args, published: str, start: str, end: str, **options) -> None:
        try:
            period = Period.between(iso_date(start), iso_date(end))
        except PeriodError as error:
            raise CommandError(str(error)) from None
        try:
            with open(published, encoding="utf-8-sig", newline="") as handle:
                found, compared = reconcile(build_report(period), handle)
        except OSError as error:
            raise CommandError(f"Cannot read {published}: {error.strerror}") from None
        except PublishedFileError as error:
            raise CommandError("The published file cannot be read:\n" + "\n".join(error.errors)) from None
        if found:
            self.stdout.write("table | label | column | published | ours")
            for difference in found:
                self.stdout.write(f"{difference.table} | {difference.label} | {difference.column} | "
                                  f"{difference.published} | {difference.ours}")
            raise CommandError(f"{len(found)} of {compared} published cells differ from the report for "
                               f"{period.label}.")
        self.stdout.write(self.style.SUCCESS(f"All {compared} published cells agree with the report for "
                                             f"{period.label}."))
