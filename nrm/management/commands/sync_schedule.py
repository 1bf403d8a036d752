from django.core.management.base import BaseCommand

from nrm.schedule import sync_schedule


class Command(BaseCommand):
    help = "Write the periodic jobs defined in nrm/schedule.py to the beat schedule (idempotent)."

    def handle(self, *args, **options) -> None:
        for name in sync_schedule():
            self.stdout.write(f"scheduled: {name}")
