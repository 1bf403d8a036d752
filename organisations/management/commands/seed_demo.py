"""Load the demo organisations and accounts. Idempotent: a second run changes nothing."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from organisations.demo import DEMO_ACCOUNTS, DEMO_ORGANISATIONS
from organisations.models import Organisation, User
from organisations.services import user_create


class Command(BaseCommand):
    help = "Create the demo organisations and one account per role (password and TOTP secret in README)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off (never in production).")

    def handle(self, *args, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates accounts with a published password; it refuses to run with "
                               "DEBUG off. Use --force only on a demonstration server.")
        with transaction.atomic():
            self._seed()

    def _seed(self) -> None:
        organisations = {}
        created_orgs = 0
        for name, kind, first_responder_type, inbox in DEMO_ORGANISATIONS:
            organisation, created = Organisation.objects.get_or_create(
                name=name, defaults={"kind": kind, "first_responder_type": first_responder_type, "inbox_email": inbox},
            )
            organisations[name] = organisation
            created_orgs += created
        created_users = 0
        for email, full_name, organisation_name, role in DEMO_ACCOUNTS:
            if User.objects.filter(email__iexact=email).exists():
                continue
            user_create(
                email=email, full_name=full_name, organisation=organisations[organisation_name], roles=[role],
                password=settings.DEMO_PASSWORD, totp_secret_base32=settings.DEMO_TOTP_SECRET,
            )
            created_users += 1
        self.stdout.write(f"Demo data: {created_orgs} organisations and {created_users} accounts created "
                          f"({len(DEMO_ORGANISATIONS)} and {len(DEMO_ACCOUNTS)} in all).")
