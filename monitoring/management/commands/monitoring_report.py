"""python manage.py monitoring_report (--quarter 2023-Q4 | --start YYYY-MM-DD --end YYYY-MM-DD)
--format json|csv|xlsx|ods --output PATH: the same report as the page, the API and the scheduled job."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from monitoring import exports
from monitoring.management.arguments import iso_date
from monitoring.periods import Period, PeriodError
from monitoring.report import build_report


class Command(BaseCommand):
    help = "Build the quarterly monitoring report for a quarter or any period and write it to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--quarter", help="for example 2023-Q4")
        which.add_argument("--start", help="first day, YYYY-MM-DD (with --end)")
        parser.add_argument("--end", help="last day, YYYY-MM-DD (with --start)")
        parser.add_argument("--format", dest="export_format", choices=sorted(exports.FORMATS), default="json")
        parser.add_argument("--output", required=True, help="file to write (- for standard output, JSON only)")

    def handle(self, *args, quarter: str | None, start: str | None, end: str | None, export_format: str,
               output: str, **options) -> None:
        try:
            if quarter:
                period = Period.quarter(quarter)
            else:
                if not end:
                    raise CommandError("--start needs --end")
                period = Period.between(iso_date(start), iso_date(end))
        except PeriodError as error:
            raise CommandError(str(error)) from None
        content = exports.render(build_report(period), export_format)
        if output == "-":
            if export_format != "json":
                raise CommandError("Only JSON can be written to standard output; give a file with --output.")
            self.stdout.write(content.decode())
            return
        Path(output).write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"Wrote the {period.label} report as {export_format} to {output}."))
