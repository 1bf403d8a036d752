"""python manage.py import_referrals FILE.csv [--skip-existing]: load past NRM records (all or nothing)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from monitoring.historic_import import ImportRejected, import_referrals


class Command(BaseCommand):
    help = "Import historic NRM referrals from a UTF-8 CSV file; one bad row rejects the whole file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="UTF-8 CSV with a header row (see docs/monitoring.md for the columns)")
        parser.add_argument("--skip-existing", action="store_true",
                            help="leave references already held as they are instead of refusing the file")

    def _progress(self, done: int, total: int) -> None:
        if sys.stderr.isatty():
            width = 30
            filled = width * done // max(total, 1)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()

    def handle(self, *args, file: str, skip_existing: bool, **options) -> None:
        try:
            with open(file, encoding="utf-8-sig", newline="") as handle:
                result = import_referrals(handle, skip_existing=skip_existing, progress=self._progress)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text; save it as CSV UTF-8 and try again.") from None
        except ImportRejected as rejected:
            for line in rejected.errors:
                self.stderr.write(line)
            raise CommandError(str(rejected)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Imported {result.imported} record{'s' if result.imported != 1 else ''}"
            + (f"; {result.skipped} already held and left as they were" if result.skipped else "")
            + (f"; new organisations: {', '.join(result.organisations_created)}"
               if result.organisations_created else "")
            + "."))
