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
    """With TEST_MAIL_HOLD_AFTER=N, the process's message after its Nth is never delivered: the backend
    leaves a `<pid>.holding` file and waits there, inside the send (the reminder's row claimed, its
    transaction open), until the test kills the process. So a test can kill a worker mid-send at a known
    point, rather than wherever a poll happens to land."""

    delivered_by_this_process = 0

    def send_messages(self, email_messages) -> int:
        folder = Path(os.environ["EMAIL_FILE_PATH"])
        hold_after = os.environ.get("TEST_MAIL_HOLD_AFTER")
        for message in email_messages:
            if hold_after and SlowFileBackend.delivered_by_this_process >= int(hold_after):
                (folder / f"{os.getpid()}.holding").touch()
                time.sleep(3600)
            time.sleep(float(os.environ.get("TEST_MAIL_DELAY", "0.02")))
            name = folder / f"{os.getpid()}-{uuid.uuid4().hex}.eml"
            name.write_bytes(message.message().as_bytes())
            SlowFileBackend.delivered_by_this_process += 1
        return len(email_messages)


def holding(folder: Path, pid: int) -> bool:
    """Whether process `pid` is held in the middle of a send (TEST_MAIL_HOLD_AFTER)."""
    return (folder / f"{pid}.holding").exists()


def delivered(folder: Path) -> list[tuple[str, str]]:
    """(process id, To address) of every message delivered into `folder`."""
    found = []
    for path in folder.glob("*.eml"):
        to = next(line for line in path.read_text().splitlines() if line.startswith("To: "))
        found.append((path.name.split("-", 1)[0], to[4:].strip()))
    return found
