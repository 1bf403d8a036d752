"""Load the demo organisations, accounts and referrals. Idempotent: a second run changes nothing."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from decisions.demo import seed_cases
from monitoring.demo_history import seed_history
from monitoring.periods import Period
from monitoring.services import report_run_store
from organisations.demo import seed_organisations_and_accounts
from referrals.demo import seed_guardian_assignment, seed_referrals
from reminders.services import reminders_plan
from victim_care.demo import seed_victim_care


class Command(BaseCommand):
    help = "Create the demo organisations, one account per role, and sample referrals (password and TOTP in README)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off (never in production).")
        parser.add_argument("--without-history", action="store_true",
                            help="Only the hand-made demo records, not the two years of history (quicker, for tests).")

    def handle(self, *args, force: bool, without_history: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates accounts with a published password; it refuses to run with "
                               "DEBUG off. Use --force only on a demonstration server.")
        with transaction.atomic():
            organisations, accounts = seed_organisations_and_accounts()
            referrals = seed_referrals() + seed_cases()
            seed_victim_care()
            seed_guardian_assignment()
            history = 0 if without_history else seed_history()
            if history:
                reminders_plan()
                # As the quarterly job would have on the quarter's first day: a monitor's home page and
                # report page then show a stored report with its files, as they will in service.
                report_run_store(period=Period.previous_quarter())
        stored = " and last quarter's report stored" if history else ""
        self.stdout.write(f"Demo data: {organisations} organisations, {accounts} accounts and {referrals} referrals "
                          f"created, with {history} referrals of history behind them{stored} (existing demo data is "
                          "left as it is).")
