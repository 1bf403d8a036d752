"""An email backend for worker processes started by the tests: each message is written to its own
file named after the sending process, after a short pause that stands in for a mail server's
round trip (so a worker can be killed while it is sending)."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class SlowFileBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        folder = Path(os.environ["EMAIL_FILE_PATH"])
        for message in email_messages:
            time.sleep(float(os.environ.get("TEST_MAIL_DELAY", "0.02")))
            name = folder / f"{os.getpid()}-{uuid.uuid4().hex}.eml"
            name.write_bytes(message.message().as_bytes())
        return len(email_messages)


def delivered(folder: Path) -> list[tuple[str, str]]:
    """(process id, To address) of every message delivered into `folder`."""
    found = []
    for path in folder.glob("*.eml"):
        to = next(line for line in path.read_text().splitlines() if line.startswith("To: "))
        found.append((path.name.split("-", 1)[0], to[4:].strip()))
    return found
