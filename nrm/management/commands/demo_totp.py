from base64 import b32decode

from django.conf import settings
from django.core.management.base import BaseCommand
from django_otp.oath import TOTP


class Command(BaseCommand):
    help = "Print the current six-digit code for the demo accounts (demo secret only)."

    def handle(self, *args, **options) -> None:
        totp = TOTP(b32decode(settings.DEMO_TOTP_SECRET))
        self.stdout.write(f"{totp.token():06d}")
