from django.conf import settings
from django.core.management.base import BaseCommand

from nrm.embedded import stop_embedded_servers


class Command(BaseCommand):
    help = "Stop the embedded PostgreSQL and Redis servers (started on demand when no URL is set)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["stop"])

    def handle(self, *args, **options) -> None:
        stopped = stop_embedded_servers(settings.DATA_DIR)
        self.stdout.write("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))
