"""`make restore BACKUP=<folder>`: replace the database and document store with a backup's (nrm/backup.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nrm.backup import BackupError, restore, verify


class Command(BaseCommand):
    help = "Restore a backup folder made by `backup`: checks its checksums, then replaces the database and documents."

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", help="The backup folder (holding manifest.json).")
        parser.add_argument("--yes", action="store_true", help="Do not ask: the current data is replaced.")

    def handle(self, *args, **options) -> None:
        folder = Path(options["folder"])
        try:
            manifest = verify(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if not options["yes"]:
            answer = input(f"Replace the database and documents with the backup of {manifest['created_at']}? [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("Not restored.")
        try:
            restore(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {folder}")
