"""python manage.py generate_national_data --referrals N [--seed S] [--database-check]: synthetic national data."""

from __future__ import annotations

import secrets
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nrm.national_data import GenerationError, check_database, generate_national_data


class Command(BaseCommand):
    help = ("Create N synthetic referrals at the published national shares, with their case files, decisions and "
            "victim care, in bulk (see nrm/national_data.py). Refuses to run in production.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--referrals", type=int, required=True, help="how many referrals to create")
        parser.add_argument("--seed", type=int, help="the same seed on the same day gives the same data "
                                                     "(default: a random seed, printed so the run can be repeated)")
        parser.add_argument("--database-check", action="store_true",
                            help="afterwards, check every row's links and states (foreign keys are not checked "
                                 "while loading) and fail if anything is wrong")

    def _progress(self, done: int, total: int) -> None:
        if sys.stderr.isatty():
            sys.stderr.write(f"\r{done}/{total} referrals" + ("\n" if done == total else ""))
            sys.stderr.flush()

    def handle(self, *args, referrals: int, seed: int | None, database_check: bool, **options) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError("generate_national_data writes synthetic cases; it never runs in production.")
        if referrals < 0:
            raise CommandError("--referrals must be 0 or more.")
        seed = secrets.randbelow(2**31) if seed is None else seed
        try:
            result = generate_national_data(referrals=referrals, seed=seed, progress=self._progress)
        except GenerationError as error:
            raise CommandError(str(error)) from None
        for table, count in result.rows.items():
            self.stdout.write(f"{table}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Generated {referrals} referrals with seed {seed} "
                                             f"in {result.seconds:.1f} s."))
        if database_check:
            problems = check_database()
            for problem in problems:
                self.stderr.write(problem)
            if problems:
                raise CommandError(f"The database check found {len(problems)} kinds of problem.")
            self.stdout.write(self.style.SUCCESS("Database check: no problems found."))
