"""`make backup`: the database and the document store into a new folder (nrm/backup.py)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from nrm.backup import backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump) and the document store into a new folder with a checksum manifest."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--to", default=str(settings.DATA_DIR / "backups"), help="Folder to create it in.")

    def handle(self, *args, **options) -> None:
        folder = backup(Path(options["to"]))
        self.stdout.write(str(folder))
